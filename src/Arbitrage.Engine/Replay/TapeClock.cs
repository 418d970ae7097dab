using System.Diagnostics;
using Akka.Actor;
using Arbitrage.Core.Indicators;
using Arbitrage.Core.MarketData;
using Arbitrage.Core.Strategies;
using Arbitrage.Engine.Execution;
using Arbitrage.Engine.Risk;
using Arbitrage.Engine.Strategies;
using Arbitrage.Engine.Symbols;

namespace Arbitrage.Engine.Replay;

/// <summary>
/// A backtest's feed and clock: the tapes' ticks (<see cref="TapeTicks"/>) released one 15-second tick at a time so that the account sees them as live and the same way on every run. For each tick: the
/// trades before it go to their symbol actors; the risk guard gets every symbol's price at the tick and the event time
/// (what the live tick bridge sends for an indicator tick); once the account has settled (<see cref="TradingBarrier"/>)
/// the tick is evaluated (<see cref="AdvanceClock"/>) and reaches the strategies, whose signals go to the guard as live;
/// the next tick waits until every strategy has scored this one (its score report counts the ticks it saw) and the
/// account has settled again. A flat account skips the barriers: prices and event time cannot fill what is not there.
/// Each evaluated tick is checked against what the symbol actor publishes.
/// </summary>
internal sealed class TapeClock : IDisposable
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(1);

    private readonly ReplayOptions _options;
    private readonly Stopwatch _clock;
    private readonly TapeTicks _ticks;
    private readonly IReadOnlyList<StrategyDefinition> _strategies;
    private readonly Dictionary<string, long> _expectedTicks = new(StringComparer.Ordinal);
    private long _signals;
    private long _lastProgressMs;

    private TapeClock(ReplayOptions options, Stopwatch clock, IReadOnlyList<StrategyDefinition> strategies)
    {
        _options = options;
        _clock = clock;
        _strategies = strategies;
        _ticks = new TapeTicks(options.Tapes);
        foreach (var s in strategies)
        {
            _expectedTicks[s.Id] = 0;
        }
    }

    public long Trades { get; private set; }

    /// <summary>The first and the last tick released (event time, ms); null before the first.</summary>
    public (long FirstMs, long LastMs)? TickSpan { get; private set; }

    /// <summary>Ticks released, and the score reports asked for until the strategies had scored them.</summary>
    public (long Ticks, long Polls) Count { get; private set; }

    public IEnumerable<string> Symbols => _ticks.Symbols.Select(s => s.Symbol);

    public TimeSpan ReaderParsing => _ticks.Parsing;

    public TimeSpan ReaderWaiting => _ticks.Waiting;

    /// <summary>Starts reading the tapes ahead (while the engine starts).</summary>
    public static TapeClock Start(ReplayOptions options, Stopwatch clock, IReadOnlyList<StrategyDefinition> strategies) => new(options, clock, strategies);

    /// <summary>Feeds the whole tape; returns the guard's settled status after the last trade (positions still open).</summary>
    public async Task<RiskStatus> RunAsync(ReplayEngine engine, CancellationToken ct)
    {
        // One deadline for each step, re-armed as it starts: a step that stalls (an actor that never answers) fails the
        // replay instead of hanging it, without a timer per ask.
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(ct);
        try
        {
            return await RunAsync(engine, deadline).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (deadline.IsCancellationRequested && !ct.IsCancellationRequested)
        {
            throw new TimeoutException($"replay: a step of the tape clock did not complete within {Timeout.TotalSeconds:0} s");
        }
    }

    private async Task<RiskStatus> RunAsync(ReplayEngine engine, CancellationTokenSource deadline)
    {
        var barrier = engine.Barrier ?? throw new InvalidOperationException("a backtest's engine has an account");
        var guard = engine.Guard!;
        deadline.CancelAfter(Timeout);
        var strategies = await StrategiesAsync(engine.System, deadline.Token).ConfigureAwait(false);
        var flat = engine.AccountAtStart!.Positions.Count == 0;
        while (_ticks.Next() is { } tick)
        {
            deadline.CancelAfter(Timeout);
            var step = deadline.Token;
            step.ThrowIfCancellationRequested();
            var (t, due) = tick;
            TickSpan = (TickSpan?.FirstMs ?? t, t);
            foreach (var s in due)
            {
                Send(engine.Region, s, s.Before(t));
            }

            // The tick's prices and event time first, as the tick bridge sends them live before the strategies' signals.
            foreach (var s in due)
            {
                if (double.IsFinite(s.LastPrice) && s.LastPrice > 0)
                {
                    guard.Tell(new MarketTick(s.Symbol, (decimal)s.LastPrice, t));
                }
            }

            guard.Tell(new RiskTick(t));
            if (!flat)
            {
                await barrier.SettleAsync(step).ConfigureAwait(false);
            }

            // One symbol after the other: the strategies get the symbols' ticks in symbol order (a topic keeps the order of
            // what reached it; two symbol actors publishing at once would not).
            foreach (var s in due)
            {
                engine.Region.Tell(new AdvanceClock(s.Symbol, t));
                await ExpectTickAsync(engine.Collector, s, t, step).ConfigureAwait(false);
            }
            if (await SignalsAsync(strategies, step).ConfigureAwait(false) || !flat)
            {
                flat = (await barrier.SettleAsync(step).ConfigureAwait(false)).Positions.Count == 0;
            }

            Progress();
        }

        deadline.CancelAfter(Timeout);
        foreach (var s in _ticks.Symbols.OrderBy(s => s.Symbol, StringComparer.Ordinal))
        {
            Send(engine.Region, s, s.Rest());
            await engine.Region.Ask<EndOfFeed>(new EndOfFeed(s.Symbol), deadline.Token).ConfigureAwait(false);
        }

        return await barrier.SettleAsync(deadline.Token).ConfigureAwait(false);
    }

    public void Dispose() => _ticks.Dispose();

    private void Send(IActorRef region, TapeTicks.SymbolTape s, ReadOnlySpan<Trade> trades)
    {
        if (trades.IsEmpty)
        {
            return;
        }

        // The symbol actor takes the batch before the AdvanceClock and the ask behind it: its buffer is free after that ask.
        var buffer = trades.ToArray();
        region.Tell(new TradeBatch(s.Symbol, buffer, buffer.Length, s.Sequence++), ActorRefs.Nobody);
        s.Ingested(buffer);
        Trades += buffer.Length;
    }

    /// <summary>
    /// Waits until tick <paramref name="t"/> was published (the collector has it, and the strategies' supervisor gets it from
    /// the same topic in the same pass), and checks it is the tick this clock expects.
    /// </summary>
    private async Task ExpectTickAsync(IActorRef collector, TapeTicks.SymbolTape s, long t, CancellationToken ct)
    {
        var tick = (await collector.Ask<IndicatorSnapshot>(new ReplayCollector.AwaitTick(s.Symbol, t), ct).ConfigureAwait(false)).Values;
        if (tick.TimeMs != t || !tick.LastPrice.Equals(s.LastPrice))
        {
            throw new InvalidOperationException(
                $"replay: {s.Symbol}: the tape clock expected tick {t} at price {s.LastPrice}; the symbol actor published tick {tick.TimeMs} at {tick.LastPrice}");
        }

        s.NextTick = t + SymbolIndicators.TickIntervalMs;
        foreach (var strategy in _strategies)
        {
            if (strategy.AppliesTo(s.Symbol))
            {
                _expectedTicks[strategy.Id]++;
            }
        }
    }

    /// <summary>The strategies' supervisor: the singleton itself, not its proxy (one hop less per tick).</summary>
    private static async Task<IActorRef> StrategiesAsync(ActorSystem system, CancellationToken ct) =>
        await system.ActorSelection($"/user/{Hosting.EngineComposition.StrategiesName}/{Hosting.EngineComposition.StrategiesName}")
            .ResolveOne(Timeout, ct).ConfigureAwait(false);

    /// <summary>
    /// Waits until every strategy has scored every tick released so far; true when they emitted signals meanwhile. The
    /// strategies' supervisor asks each strategy for its score report (which counts the ticks it saw) after routing the
    /// ticks that reached it before this ask — the collector has them, and the same topic delivered them to both — and a
    /// strategy answers after the journal writes of its signals, which it hands the guard first. Reports short of a tick
    /// (one still on its way) are asked for again.
    /// </summary>
    private async Task<bool> SignalsAsync(IActorRef strategies, CancellationToken ct)
    {
        Count = (Count.Ticks + 1, Count.Polls);
        while (true)
        {
            Count = (Count.Ticks, Count.Polls + 1);
            var reports = (await strategies.Ask<StrategyScores>(GetStrategyScores.Instance, ct).ConfigureAwait(false)).Strategies;
            if (reports.Count == _expectedTicks.Count && reports.All(r => r.Ticks == _expectedTicks[r.StrategyId]))
            {
                var signals = reports.Sum(r => r.Signals);
                var emitted = signals != _signals;
                _signals = signals;
                return emitted;
            }
        }
    }

    private void Progress()
    {
        var ms = _clock.ElapsedMilliseconds;
        if (_options.Progress is { } progress && ms - _lastProgressMs >= 1000)
        {
            _lastProgressMs = ms;
            progress.WriteLine($"replay: {Trades:N0} trades, {Trades / Math.Max(_clock.Elapsed.TotalSeconds, 1e-9) / 1e6:0.00} M trades/s, {_ticks.SymbolCount} symbol(s)");
        }
    }
}
