using System.Buffers;
using System.Runtime.InteropServices;
using Arbitrage.Core.Indicators;
using Arbitrage.Core.MarketData;

namespace Arbitrage.Engine.Replay;

/// <summary>
/// The tapes of a backtest as ticks: every tape read ahead on its own thread (<see cref="TapeCursor"/>), merged in event
/// time, each symbol's trades kept until they are sent. The ticks are the indicators' own: the first multiple of 15 s
/// after a symbol's first trade (<see cref="SymbolIndicators.FirstTickAfter"/>), then every 15 s while the symbol still
/// trades at or after it. A tick is handed out once every tape has been read up to it, so no symbol can still start
/// before it, with every symbol that has it, in symbol order.
/// </summary>
internal sealed class TapeTicks : IDisposable
{
    private readonly TapeCursor[] _tapes;
    private readonly Dictionary<string, SymbolTape> _symbols = new(StringComparer.Ordinal);
    private readonly TapeSymbolSources _sources = new();

    public TapeTicks(IReadOnlyList<string> tapes)
    {
        _tapes = tapes.Select(t => new TapeCursor(t, batchSize: 4096)).ToArray();
    }

    public IEnumerable<SymbolTape> Symbols => _symbols.Values;

    public int SymbolCount => _symbols.Count;

    public TimeSpan Parsing => TimeSpan.FromTicks(_tapes.Sum(t => t.Parsing.Ticks));

    public TimeSpan Waiting => TimeSpan.FromTicks(_tapes.Sum(t => t.Waiting.Ticks));

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
    public (long Time, List<SymbolTape> Due)? Next()
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
        _sources.Add(tape.Path, symbol, buffer.AsSpan(0, count));
        if (!_symbols.TryGetValue(symbol, out var s))
        {
            _symbols[symbol] = s = new SymbolTape(symbol, buffer[0].TimeMs);
        }

        s.Add(buffer.AsSpan(0, count));
        ArrayPool<Trade>.Shared.Return(buffer);
    }

    /// <summary>One symbol's trades read and not yet sent (file order), its next tick and what its actor has ingested.</summary>
    public sealed class SymbolTape(string symbol, long firstTimeMs)
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

            return CollectionsMarshal.AsSpan(_pending)[from.._head];
        }

        public ReadOnlySpan<Trade> Rest()
        {
            var from = _head;
            _head = _pending.Count;
            return CollectionsMarshal.AsSpan(_pending)[from..];
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
