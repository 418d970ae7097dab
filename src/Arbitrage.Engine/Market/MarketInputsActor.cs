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
/// <see cref="MarketInputsUpdated"/> on <c>market-inputs</c> whenever an input changes. The long/short
/// account ratio and open interest are polled (5-minute series) from an <see cref="IMarketSentimentSource"/>.
/// Coinbase premium has no source yet and stays null: strategies score it "missing".
/// </summary>
public sealed class MarketInputsActor : ReceiveActor, IWithTimers
{
    private sealed record Liquidation(long TimeMs, bool LongLiquidated, double Usd) : INoSerializationVerificationNeeded;

    private sealed record Poll : INoSerializationVerificationNeeded;

    private sealed record Polled(string Symbol, SentimentSample? Sample) : INoSerializationVerificationNeeded;

    private readonly IMarketSentimentSource? _sentiment;
    private readonly IReadOnlyList<string> _symbols;
    private readonly TimeSpan _pollInterval;

    private readonly IActorRef _mediator;
    private readonly long _liquidationWindowMs;
    private readonly Dictionary<string, MarketInputs> _inputs = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Queue<Liquidation>> _liquidations = new(StringComparer.Ordinal);

    public MarketInputsActor(
        IActorRef mediator,
        long liquidationWindowMs = 5 * 60_000,
        IMarketSentimentSource? sentiment = null,
        IReadOnlyList<string>? symbols = null,
        TimeSpan? pollInterval = null)
    {
        _mediator = mediator;
        _liquidationWindowMs = liquidationWindowMs;
        _sentiment = sentiment;
        _symbols = symbols ?? [];
        _pollInterval = pollInterval ?? TimeSpan.FromMinutes(1);
        Receive<Poll>(_ =>
        {
            foreach (var symbol in _symbols)
            {
                _sentiment!.GetAsync(symbol, CancellationToken.None).ContinueWith(
                    t => new Polled(symbol, t.IsCompletedSuccessfully ? t.Result : null),
                    TaskScheduler.Default).PipeTo(Self);
            }
        });
        Receive<Polled>(p =>
        {
            if (p.Sample is { } s)
            {
                Update(p.Symbol, Get(p.Symbol) with
                {
                    LongShortRatio = s.LongShortRatio,
                    LongShortRatioChangePct = s.LongShortRatioChangePct,
                    OpenInterestChangePct = s.OpenInterestChangePct,
                });
            }
        });
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

    public ITimerScheduler Timers { get; set; } = null!;

    public static Props Props(IActorRef mediator, IMarketSentimentSource? sentiment = null, IReadOnlyList<string>? symbols = null, TimeSpan? pollInterval = null) =>
        Akka.Actor.Props.Create(() => new MarketInputsActor(mediator, 5 * 60_000, sentiment, symbols, pollInterval));

    protected override void PreStart()
    {
        _mediator.Tell(new Subscribe(EngineTopics.MarketEvents, Self));
        if (_sentiment is not null && _symbols.Count > 0)
        {
            Self.Tell(new Poll());
            Timers.StartPeriodicTimer("poll", new Poll(), _pollInterval);
        }
    }

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
