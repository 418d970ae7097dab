namespace Arbitrage.Core.Triangles;

/// <summary>
/// A detector run over a book tape in one call: every event of a pair of the universe applied in order at its
/// timestamp, events of other symbols skipped. The episodes it returns (closed ones in closing order, then those
/// still open at the end, with no <c>end_ms</c>) are what the replay's episodes CSV holds for that config.
/// </summary>
public static class TriangleTapeDetection
{
    public static List<TriangleEpisodeRecord> Run(TriangleUniverse universe, TriangleDetectorSettings settings, string venue, IEnumerable<BookTapeEvent> events)
    {
        ArgumentNullException.ThrowIfNull(events);
        var detector = new TriangleDetector(universe, settings);
        var episodes = new List<TriangleEpisodeRecord>();
        foreach (var e in events)
        {
            if (!universe.TryGetPair(e.Symbol, out int pair))
            {
                continue;
            }

            if (detector.Apply(pair, e.TimeMs, e.Bids, e.Asks) > 0)
            {
                foreach (ref readonly var change in detector.Changes)
                {
                    if (change.Kind == EpisodeChangeKind.Closed)
                    {
                        episodes.Add(TriangleEpisodeRecord.From(universe, venue, change.Episode));
                    }
                }
            }
        }

        foreach (var open in detector.OpenEpisodes())
        {
            episodes.Add(TriangleEpisodeRecord.From(universe, venue, open));
        }

        return episodes;
    }

    /// <summary>
    /// The run of <paramref name="config"/> over a tape: its pairs (its symbols, or every symbol of the tape for
    /// <c>"*"</c>), its settings (<paramref name="takerFee"/> replaces <c>"account"</c>), its venue on the episodes.
    /// </summary>
    public static List<TriangleEpisodeRecord> Run(TriangleConfig config, IReadOnlyList<BookTapeEvent> events, double? takerFee = null)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(events);
        var tapePairs = new List<TradingPair>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var e in events)
        {
            if (seen.Add(e.Symbol) && TradingPair.TryParse(e.Symbol, out var p))
            {
                tapePairs.Add(p);
            }
        }

        return Run(config.UniverseOn(tapePairs), TriangleDetectorSettings.For(config, takerFee), config.Venue, events);
    }
}
