using System.Buffers;
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
/// A backtest's feed and clock: the tapes, read ahead (<see cref="TapeCursor"/>) and merged in event time, released one
/// 15-second tick at a time so that the account sees them as live and the same way on every run. For each tick: the
/// trades before it go to their symbol actors; the risk guard gets every symbol's price at the tick and the event time
/// (what the live tick bridge sends for an indicator tick); once the account has settled (<see cref="TradingBarrier"/>)
/// the tick is evaluated (<see cref="AdvanceClock"/>) and reaches the strategies, whose signals go to the guard as live;
/// the next tick waits until every strategy has scored this one (its score report counts the ticks it saw) and the
/// account has settled again. A flat account skips the barriers: prices and event time cannot fill what is not there.
/// The ticks are the indicators' own (<see cref="SymbolIndicators.FirstTickAfter"/>, every 15 s while the symbol still
/// trades), and each evaluated tick is checked against what the symbol actor reports.
/// </summary>
internal sealed class TapeClock : IDisposable
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(1);

    private readonly ReplayOptions _options;
    private readonly Stopwatch _clock;
    private readonly TapeCursor[] _tapes;
    private readonly IReadOnlyList<StrategyDefinition> _strategies;
    private readonly Dictionary<string, SymbolTape> _symbols = new(StringComparer.Ordinal);
    private readonly Dictionary<string, long> _expectedTicks = new(StringComparer.Ordinal);
    private long _signals;
    private long _lastProgressMs;

    private TapeClock(ReplayOptions options, Stopwatch clock, IReadOnlyList<StrategyDefinition> strategies)
    {
        _options = options;
        _clock = clock;
        _strategies = strategies;
        _tapes = options.Tapes.Select(t => new TapeCursor(t, batchSize: 4096)).ToArray();
        foreach (var s in strategies)
        {
            _expectedTicks[s.Id] = 0;
        }
    }

    public long Trades { get; private set; }

    /// <summary>Ticks released, and the score reports asked for until the strategies had scored them.</summary>
    public (long Ticks, long Polls) Count { get; private set; }

    public IEnumerable<string> Symbols => _symbols.Keys;

    public TimeSpan ReaderParsing => TimeSpan.FromTicks(_tapes.Sum(t => t.Parsing.Ticks));

    public TimeSpan ReaderWaiting => TimeSpan.FromTicks(_tapes.Sum(t => t.Waiting.Ticks));

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
        while (NextTick() is { } tick)
        {
            deadline.CancelAfter(Timeout);
            var step = deadline.Token;
            step.ThrowIfCancellationRequested();
            var (t, due) = tick;
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
        foreach (var s in _symbols.Values.OrderBy(s => s.Symbol, StringComparer.Ordinal))
        {
            Send(engine.Region, s, s.Rest());
            await engine.Region.Ask<EndOfFeed>(new EndOfFeed(s.Symbol), deadline.Token).ConfigureAwait(false);
        }

        return await barrier.SettleAsync(deadline.Token).ConfigureAwait(false);
    }

    public void Dispose()
    {
        foreach (var tape in _tapes)
        {
            tape.Dispose();
        }
    }

    /// <summary>
    /// The next tick and the symbols that have it, in symbol order: the earliest next tick of any symbol once every tape
    /// has been read up to it (no symbol can start before it any more), of the symbols that still trade at or after it.
    /// </summary>
    private (long Time, List<SymbolTape> Due)? NextTick()
    {
        while (true)
        {
            var t = long.MaxValue;
            foreach (var s in _symbols.Values)
            {
                if (!s.Finished && s.NextTick < t)
                {
                    t = s.NextTick;
                }
            }

            var next = NextTape();
            if (next is not null && next.Head!.Value.Buffer[0].TimeMs < t)
            {
                Read(next);
                continue;
            }

            if (t == long.MaxValue)
            {
                return null;
            }

            var due = new List<SymbolTape>();
            foreach (var s in _symbols.Values.Where(s => !s.Finished && s.NextTick == t).OrderBy(s => s.Symbol, StringComparer.Ordinal))
            {
                while (!s.TradesAtOrAfter(t) && NextTape() is { } more)
                {
                    Read(more);
                }

                if (s.TradesAtOrAfter(t))
                {
                    due.Add(s);
                }
                else
                {
                    s.Finished = true; // no trade at or after its next tick: the indicators evaluate no more ticks
                }
            }

            if (due.Count > 0)
            {
                return (t, due);
            }
        }
    }

    /// <summary>The tape whose next batch starts earliest; null when every tape has ended.</summary>
    private TapeCursor? NextTape()
    {
        TapeCursor? next = null;
        foreach (var tape in _tapes)
        {
            if (tape.Head is { } head && (next is null || head.Buffer[0].TimeMs < next.Head!.Value.Buffer[0].TimeMs))
            {
                next = tape;
            }
        }

        return next;
    }

    private void Read(TapeCursor tape)
    {
        var (symbol, buffer, count) = tape.Take();
        if (!_symbols.TryGetValue(symbol, out var s))
        {
            _symbols[symbol] = s = new SymbolTape(symbol, buffer[0].TimeMs);
        }

        s.Add(buffer.AsSpan(0, count));
        ArrayPool<Trade>.Shared.Return(buffer);
    }

    private void Send(IActorRef region, SymbolTape s, ReadOnlySpan<Trade> trades)
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
    private async Task ExpectTickAsync(IActorRef collector, SymbolTape s, long t, CancellationToken ct)
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

    /// <summary>The strategies as their supervisor routes to them (each behind its backoff supervisor, which forwards asks).</summary>
    private async Task<IActorRef[]> StrategiesAsync(ActorSystem system, CancellationToken ct)
    {
        var strategies = new IActorRef[_strategies.Count];
        for (var i = 0; i < strategies.Length; i++)
        {
            var path = $"/user/{Hosting.EngineComposition.StrategiesName}/{Hosting.EngineComposition.StrategiesName}/{StrategiesActor.ChildName(_strategies[i].Id)}";
            strategies[i] = await system.ActorSelection(path).ResolveOne(Timeout, ct).ConfigureAwait(false);
        }

        return strategies;
    }

    /// <summary>
    /// Waits until every strategy has scored every tick released so far (asked directly: an ask queues behind the ticks
    /// their supervisor already routed to them; one that overtakes a tick still on its way is asked again); true when
    /// they emitted signals meanwhile. A strategy answers after the journal writes of its signals, which it hands the
    /// guard first.
    /// </summary>
    private async Task<bool> SignalsAsync(IActorRef[] strategies, CancellationToken ct)
    {
        Count = (Count.Ticks + 1, Count.Polls);
        var reports = new Task<StrategyScoreReport>[strategies.Length];
        while (true)
        {
            Count = (Count.Ticks, Count.Polls + 1);
            for (var i = 0; i < strategies.Length; i++)
            {
                reports[i] = strategies[i].Ask<StrategyScoreReport>(GetStrategyScore.Instance, ct);
            }

            await Task.WhenAll(reports).ConfigureAwait(false);
            if (reports.All(r => r.Result.Ticks == _expectedTicks[r.Result.StrategyId]))
            {
                var signals = reports.Sum(r => r.Result.Signals);
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
            progress.WriteLine($"replay: {Trades:N0} trades, {Trades / Math.Max(_clock.Elapsed.TotalSeconds, 1e-9) / 1e6:0.00} M trades/s, {_symbols.Count} symbol(s)");
        }
    }

    /// <summary>One symbol's trades read and not yet sent (file order), its next tick and what its actor has ingested.</summary>
    private sealed class SymbolTape(string symbol, long firstTimeMs)
    {
        private readonly List<Trade> _pending = [];
        private int _head;
        private long _lastAggId = long.MinValue;

        public string Symbol { get; } = symbol;

        public long NextTick { get; set; } = SymbolIndicators.FirstTickAfter(firstTimeMs);

        public bool Finished { get; set; }

        public long Sequence { get; set; }

        /// <summary>The price of the last trade the actor ingested: the price its next tick reports.</summary>
        public double LastPrice { get; private set; } = double.NaN;

        public void Add(ReadOnlySpan<Trade> trades)
        {
            if (_head > 4096 && _head * 2 > _pending.Count)
            {
                _pending.RemoveRange(0, _head);
                _head = 0;
            }

            foreach (var t in trades)
            {
                _pending.Add(t);
            }
        }

        public bool TradesAtOrAfter(long t)
        {
            for (var i = _head; i < _pending.Count; i++)
            {
                if (_pending[i].TimeMs >= t)
                {
                    return true;
                }
            }

            return false;
        }

        /// <summary>Takes the trades (file order) before the first at or after <paramref name="t"/>: those the tick counts.</summary>
        public ReadOnlySpan<Trade> Before(long t)
        {
            var from = _head;
            while (_head < _pending.Count && _pending[_head].TimeMs < t)
            {
                _head++;
            }

            return System.Runtime.InteropServices.CollectionsMarshal.AsSpan(_pending)[from.._head];
        }

        public ReadOnlySpan<Trade> Rest()
        {
            var from = _head;
            _head = _pending.Count;
            return System.Runtime.InteropServices.CollectionsMarshal.AsSpan(_pending)[from..];
        }

        /// <summary>What the actor does with a batch: skips the prefix at or below its last agg id, ingests the rest.</summary>
        public void Ingested(Trade[] batch)
        {
            foreach (var t in batch)
            {
                if (t.AggId > _lastAggId)
                {
                    _lastAggId = batch[^1].AggId;
                    LastPrice = batch[^1].Price;
                    return;
                }
            }
        }
    }
}
