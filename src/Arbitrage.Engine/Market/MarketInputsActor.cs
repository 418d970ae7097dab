using Akka.Actor;
using Akka.Cluster.Tools.PublishSubscribe;
using Arbitrage.Binance.Streams;
using Arbitrage.Core.Strategies;
using Arbitrage.Engine.Strategies;
using Arbitrage.Engine.Topics;

namespace Arbitrage.Engine.Market;

/// <summary>
/// Turns the feeds' non-trade events into strategy inputs per symbol: the predicted funding rate from
/// markPrice and liquidated USD per side over a sliding event-time window from forceOrder. Publishes
/// <see cref="MarketInputsUpdated"/> on <c>market-inputs</c> whenever an input changes. Inputs it has no
/// feed for (long/short ratio, open interest, Coinbase premium) stay null: strategies score them "missing".
/// </summary>
public sealed class MarketInputsActor : ReceiveActor
{
    private sealed record Liquidation(long TimeMs, bool LongLiquidated, double Usd);

    private readonly IActorRef _mediator;
    private readonly long _liquidationWindowMs;
    private readonly Dictionary<string, MarketInputs> _inputs = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Queue<Liquidation>> _liquidations = new(StringComparer.Ordinal);

    public MarketInputsActor(IActorRef mediator, long liquidationWindowMs = 5 * 60_000)
    {
        _mediator = mediator;
        _liquidationWindowMs = liquidationWindowMs;
        Receive<SubscribeAck>(_ => { });
        Receive<FeedEvent.MarkPriceEvent>(m => Update(m.Symbol, Get(m.Symbol) with { FundingRate = (double)m.FundingRate }));
        Receive<FeedEvent.LiquidationEvent>(l =>
        {
            if (!_liquidations.TryGetValue(l.Symbol, out var window))
            {
                window = new Queue<Liquidation>();
                _liquidations[l.Symbol] = window;
            }

            window.Enqueue(new Liquidation(l.TimeMs, l.IsSell, (double)(l.AveragePrice > 0 ? l.AveragePrice : l.Price) * (double)l.Quantity));
            while (window.Count > 0 && window.Peek().TimeMs <= l.TimeMs - _liquidationWindowMs)
            {
                window.Dequeue();
            }

            double longUsd = 0, shortUsd = 0;
            foreach (var x in window)
            {
                if (x.LongLiquidated)
                {
                    longUsd += x.Usd;
                }
                else
                {
                    shortUsd += x.Usd;
                }
            }

            Update(l.Symbol, Get(l.Symbol) with { LiquidatedLongUsd = longUsd, LiquidatedShortUsd = shortUsd });
        });
        ReceiveAny(_ => { });
    }

    public static Props Props(IActorRef mediator) => Akka.Actor.Props.Create(() => new MarketInputsActor(mediator, 5 * 60_000));

    protected override void PreStart() => _mediator.Tell(new Subscribe(EngineTopics.MarketEvents, Self));

    private MarketInputs Get(string symbol) => _inputs.TryGetValue(symbol, out var i) ? i : MarketInputs.Empty;

    private void Update(string symbol, MarketInputs inputs)
    {
        if (_inputs.TryGetValue(symbol, out var old) && old == inputs)
        {
            return;
        }

        _inputs[symbol] = inputs;
        _mediator.Tell(new Publish(EngineTopics.MarketInputs, new MarketInputsUpdated(symbol, inputs)));
    }
}
