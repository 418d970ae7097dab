using Arbitrage.Binance.Rest.Models;
using Arbitrage.Core.Triangles;

namespace Arbitrage.Binance.Tapes;

/// <summary>
/// Binance spot symbols (<c>ETHBTC</c>) as the detector's pairs (<c>ETH/BTC</c>). From exchangeInfo when the caller
/// has it (<see cref="FromExchangeInfo"/>: exact base and quote assets); otherwise by a documented rule
/// (<see cref="Rule"/>): the longest known quote asset that ends the symbol and leaves a non-empty base. A symbol no
/// known quote ends is refused, never guessed.
/// </summary>
public sealed class SpotSymbolNames
{
    /// <summary>
    /// The quote assets of the rule, as Binance spot lists them (stablecoins, the crypto quotes, fiat). Longest match
    /// wins: <c>BTCFDUSD</c> is BTC/FDUSD, <c>ETHBTC</c> is ETH/BTC.
    /// </summary>
    public static IReadOnlyList<string> KnownQuoteAssets { get; } =
    [
        "USDT", "FDUSD", "USDC", "BUSD", "TUSD", "USDP", "DAI", "PAX", "USDS", "AEUR", "EURI",
        "BTC", "ETH", "BNB", "XRP", "TRX", "DOGE", "DOT", "SOL",
        "EUR", "TRY", "GBP", "AUD", "BRL", "RUB", "UAH", "NGN", "ZAR", "IDRT", "BIDR", "PLN", "RON", "ARS", "JPY", "MXN", "COP", "CZK",
    ];

    private static readonly string[] QuotesLongestFirst = [.. KnownQuoteAssets.OrderByDescending(static q => q.Length).ThenBy(static q => q, StringComparer.Ordinal)];

    private readonly Dictionary<string, string>? _exact;

    private SpotSymbolNames(Dictionary<string, string>? exact)
    {
        _exact = exact;
    }

    /// <summary>The rule alone (known quote assets, longest match).</summary>
    public static SpotSymbolNames Rule { get; } = new(null);

    /// <summary>Exact names from exchangeInfo; a symbol it does not list is refused (no fallback to the rule: the venue said which pairs exist).</summary>
    public static SpotSymbolNames FromExchangeInfo(SpotExchangeInfo info)
    {
        ArgumentNullException.ThrowIfNull(info);
        var exact = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var p in info.Pairs)
        {
            exact[p.Symbol] = p.Name;
        }

        return new SpotSymbolNames(exact);
    }

    /// <summary>Whether the names come from exchangeInfo (else the rule).</summary>
    public bool IsExact => _exact is not null;

    /// <summary>
    /// <c>BASE/QUOTE</c> of an exchange symbol (<c>BTCUSDT</c> → <c>BTC/USDT</c>), or false with a message naming the
    /// symbol and what to do.
    /// </summary>
    public bool TryToPair(string symbol, out string pair, out string error)
    {
        ArgumentNullException.ThrowIfNull(symbol);
        pair = string.Empty;
        error = string.Empty;
        if (_exact is not null)
        {
            if (_exact.TryGetValue(symbol, out var name))
            {
                pair = name;
                return true;
            }

            error = $"symbol {symbol} is not in the venue's exchangeInfo";
            return false;
        }

        foreach (var quote in QuotesLongestFirst)
        {
            if (symbol.Length > quote.Length && symbol.EndsWith(quote, StringComparison.Ordinal)
                && TradingPair.TryParse(string.Concat(symbol.AsSpan(0, symbol.Length - quote.Length), "/", quote), out var p))
            {
                pair = p.Symbol;
                return true;
            }
        }

        error = $"symbol {symbol}: cannot tell its base from its quote asset (no known quote asset ends it: {string.Join(", ", KnownQuoteAssets)}); give the venue's exchangeInfo";
        return false;
    }

    /// <summary>As <see cref="TryToPair"/>; an unknown symbol throws <see cref="ArgumentException"/> with that message.</summary>
    public string ToPair(string symbol) => TryToPair(symbol, out var pair, out var error) ? pair : throw new ArgumentException(error, nameof(symbol));
}
