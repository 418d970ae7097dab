namespace Arbitrage.Core.Triangles;

/// <summary>
/// A spot pair <c>BASE/QUOTE</c> (e.g. <c>BTC/USDT</c>): its book is priced in QUOTE per one BASE and its quantities
/// are in BASE. <see cref="Symbol"/> is the canonical <c>BASE/QUOTE</c> text used by configs, tapes and cycle ids.
/// </summary>
public sealed record TradingPair
{
    private TradingPair(string symbol, string @base, string quote)
    {
        Symbol = symbol;
        Base = @base;
        Quote = quote;
    }

    public string Symbol { get; }

    public string Base { get; }

    public string Quote { get; }

    /// <summary>The pair of <paramref name="base"/> and <paramref name="quote"/> (non-empty, different, without '/' or white space).</summary>
    public static TradingPair Of(string @base, string quote) =>
        TryParse($"{@base}/{quote}", out var pair) ? pair : throw new ArgumentException($"not a pair: base \"{@base}\", quote \"{quote}\"");

    /// <summary>
    /// Reads <c>BASE/QUOTE</c>: exactly one '/', both sides non-empty, different and free of white space and control
    /// characters. Case is kept as written (symbols match ordinally).
    /// </summary>
    public static bool TryParse(string symbol, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out TradingPair? pair)
    {
        pair = null;
        var slash = symbol.IndexOf('/', StringComparison.Ordinal);
        if (slash <= 0 || slash == symbol.Length - 1 || symbol.IndexOf('/', slash + 1) >= 0)
        {
            return false;
        }

        foreach (var c in symbol)
        {
            if (char.IsWhiteSpace(c) || char.IsControl(c))
            {
                return false;
            }
        }

        var @base = symbol[..slash];
        var quote = symbol[(slash + 1)..];
        if (@base == quote)
        {
            return false;
        }

        pair = new TradingPair(symbol, @base, quote);
        return true;
    }

    public override string ToString() => Symbol;
}
