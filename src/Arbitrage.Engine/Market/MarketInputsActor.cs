using Akka.Actor;
using Akka.Cluster.Tools.PublishSubscribe;
using Arbitrage.Binance.Streams;
using Arbitrage.Engine.Strategies;
using Arbitrage.Engine.Topics;

namespace Arbitrage.Engine.Market;

/// <summary>
/// Turns the feeds' non-trade events into strategy inputs per symbol (<see cref="MarketInputsBook"/>: funding from
/// markPrice, liquidations from forceOrder, Binance's 5-minute statistics). Publishes <see cref="MarketInputsUpdated"/>
/// with the event's time on <c>market-inputs</c> whenever an input changes; strategies apply each at that event time. The
/// long/short account ratio and open interest are polled (5-minute series) from an <see cref="IMarketSentimentSource"/>.
/// Coinbase premium has no source yet and stays null: strategies score it "missing".
/// </summary>
public sealed class MarketInputsActor : ReceiveActor, IWithTimers
{
    private sealed record Poll : INoSerializationVerificationNeeded;

    private sealed record Polled(string Symbol, SentimentSample? Sample) : INoSerializationVerificationNeeded;

    private readonly IMarketSentimentSource? _sentiment;
    private readonly IReadOnlyList<string> _symbols;
    private readonly TimeSpan _pollInterval;
    private readonly IActorRef _mediator;
    private readonly MarketInputsBook _book;

    public MarketInputsActor(
        IActorRef mediator,
        long liquidationWindowMs = MarketInputsBook.DefaultLiquidationWindowMs,
        IMarketSentimentSource? sentiment = null,
        IReadOnlyList<string>? symbols = null,
        TimeSpan? pollInterval = null)
    {
        _mediator = mediator;
        _book = new MarketInputsBook(liquidationWindowMs);
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
        // A polled sample has no event time of its own: the strategies take it at once (time 0).
        Receive<Polled>(p => Publish(p.Sample is { } s ? _book.Apply(p.Symbol, s, 0) : null));
        Receive<SubscribeAck>(_ => { });
        Receive<FeedEvent>(e => Publish(_book.Apply(e)));
        ReceiveAny(_ => { });
    }

    public ITimerScheduler Timers { get; set; } = null!;

    public static Props Props(IActorRef mediator, IMarketSentimentSource? sentiment = null, IReadOnlyList<string>? symbols = null, TimeSpan? pollInterval = null) =>
        Akka.Actor.Props.Create(() => new MarketInputsActor(mediator, MarketInputsBook.DefaultLiquidationWindowMs, sentiment, symbols, pollInterval));

    protected override void PreStart()
    {
        _mediator.Tell(new Subscribe(EngineTopics.MarketEvents, Self));
        if (_sentiment is not null && _symbols.Count > 0)
        {
            Self.Tell(new Poll());
            Timers.StartPeriodicTimer("poll", new Poll(), _pollInterval);
        }
    }

    private void Publish(MarketInputsUpdated? update)
    {
        if (update is not null)
        {
            _mediator.Tell(new Publish(EngineTopics.MarketInputs, update));
        }
    }
}
