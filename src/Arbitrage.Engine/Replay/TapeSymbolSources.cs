using Arbitrage.Core.MarketData;

namespace Arbitrage.Engine.Replay;

/// <summary>
/// Which tapes each symbol's trades come from. Two tapes may carry one symbol one after the other (two days of a dump);
/// two tapes whose trades of one symbol overlap in time are two markets under one name (a spot and a perpetual
/// <c>BTCUSDT</c>, say): merged, the symbol actor would keep whichever has the higher trade ids and drop the rest
/// without a word. Such a replay is refused, naming both tapes; replay each market on its own.
/// </summary>
internal sealed class TapeSymbolSources
{
    private readonly Dictionary<string, List<Range>> _ranges = new(StringComparer.Ordinal);

    /// <summary>Records a batch of <paramref name="symbol"/>'s trades read from <paramref name="tape"/>.</summary>
    /// <exception cref="InvalidDataException">Another tape's trades of the symbol overlap these in time.</exception>
    public void Add(string tape, string symbol, ReadOnlySpan<Trade> trades)
    {
        if (trades.IsEmpty)
        {
            return;
        }

        var (first, last) = (long.MaxValue, long.MinValue);
        foreach (ref readonly var t in trades)
        {
            first = Math.Min(first, t.TimeMs);
            last = Math.Max(last, t.TimeMs);
        }

        if (!_ranges.TryGetValue(symbol, out var ranges))
        {
            _ranges[symbol] = [new Range(tape, first, last)];
            return;
        }

        // The tape's whole span of the symbol so far: another tape inside it interleaves even if this batch does not touch it.
        var own = ranges.FindIndex(r => r.Tape == tape);
        if (own >= 0)
        {
            (first, last) = (Math.Min(first, ranges[own].First), Math.Max(last, ranges[own].Last));
        }

        foreach (var r in ranges)
        {
            if (r.Tape != tape && first <= r.Last && r.First <= last)
            {
                throw new InvalidDataException(
                    $"{symbol} is on two tapes whose trades overlap in time: {r.Tape} ({Iso(r.First)} to {Iso(r.Last)}) and " +
                    $"{tape} ({Iso(first)} to {Iso(last)}); two markets under one name cannot be one symbol's tape: replay them separately");
            }
        }

        if (own < 0)
        {
            ranges.Add(new Range(tape, first, last));
        }
        else
        {
            ranges[own] = new Range(tape, first, last);
        }
    }

    private static string Iso(long ms) => Core.Text.IsoTime.Utc(ms);

    private readonly record struct Range(string Tape, long First, long Last);
}
