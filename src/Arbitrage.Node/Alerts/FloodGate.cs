namespace Arbitrage.Node.Alerts;

/// <summary>
/// Coalesces floods on one channel: of one kind, the first <c>threshold</c> alerts within a window pass; the rest are held
/// and, when the window ends, become one summary ("12 more signals in the last minute") that stands for them. Pure: the
/// caller gives the time and asks for the summaries when a window ends.
/// </summary>
public sealed class FloodGate(int threshold, TimeSpan window)
{
    private readonly Dictionary<string, Window> _windows = new(StringComparer.Ordinal);

    public TimeSpan WindowLength => window;

    /// <summary>True: send it. False: held for the kind's summary. <paramref name="windowEnd"/> is when to ask for it.</summary>
    public bool Admit(OutboxEntry entry, long nowMs, out long windowEnd)
    {
        ArgumentNullException.ThrowIfNull(entry);
        var kind = entry.Alert.Kind;
        if (!_windows.TryGetValue(kind, out var w) || nowMs >= w.EndMs)
        {
            w = new Window(nowMs + (long)window.TotalMilliseconds);
            _windows[kind] = w;
        }

        windowEnd = w.EndMs;
        if (w.Passed < threshold)
        {
            w.Passed++;
            return true;
        }

        w.Held.Add(entry);
        return false;
    }

    /// <summary>The summary of <paramref name="kind"/>'s window if it has ended with alerts held, else null.</summary>
    public OutboxEntry? Close(string kind, string channel, long nowMs)
    {
        if (!_windows.TryGetValue(kind, out var w) || nowMs < w.EndMs)
        {
            return null;
        }

        _windows.Remove(kind);
        if (w.Held.Count == 0)
        {
            return null;
        }

        var first = w.Held[0].Alert;
        var worst = w.Held.Max(e => e.Alert.Severity);
        var text = $"{w.Held.Count} more {Plural(kind, w.Held.Count)} in the last {Describe(window)} (latest: {w.Held[^1].Alert.Text})";
        var covers = w.Held.Where(e => e.Id > 0).Select(e => e.Id).ToArray();
        var alert = new Alert(kind, worst, w.Held[^1].Alert.TimeMs, text, $"{AlertKinds.Coalesced}:{kind}:{first.DedupKey}:{w.Held.Count}");
        return new OutboxEntry(0, channel, alert, covers);
    }

    private static string Plural(string kind, int count) => kind switch
    {
        AlertKinds.Signal => count == 1 ? "signal" : "signals",
        _ => (count == 1 ? kind : kind + " alerts").Replace('_', ' '),
    };

    private static string Describe(TimeSpan t) =>
        t == TimeSpan.FromMinutes(1) ? "minute"
        : t.TotalSeconds < 120 ? $"{t.TotalSeconds:0} s"
        : $"{t.TotalMinutes:0} min";

    private sealed class Window(long endMs)
    {
        public long EndMs { get; } = endMs;

        public int Passed { get; set; }

        public List<OutboxEntry> Held { get; } = [];
    }
}
