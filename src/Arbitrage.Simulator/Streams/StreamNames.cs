namespace Arbitrage.Simulator.Streams;

/// <summary>Maps the stream names clients ask for onto the canonical keys tape frames are filed under.</summary>
public static class StreamNames
{
    /// <summary>
    /// <c>BTCUSDT@depth@100ms</c> → <c>btcusdt@depth</c>; <c>btcusdt@markPrice@1s</c> → <c>btcusdt@markPrice</c>.
    /// The depth speed is not simulated: every diff on the tape goes to every depth subscriber.
    /// </summary>
    public static string Canonical(string stream)
    {
        var at = stream.IndexOf('@');
        if (at <= 0) return stream;
        var symbol = stream[..at].ToLowerInvariant();
        var rest = stream[(at + 1)..];
        if (rest.StartsWith("depth@", StringComparison.Ordinal) && rest.EndsWith("ms", StringComparison.Ordinal))
            rest = "depth";
        else if (rest.StartsWith("markPrice", StringComparison.Ordinal))
            rest = "markPrice";
        return symbol + "@" + rest;
    }
}
