using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Arbitrage.Core.Strategies;

/// <summary>
/// Deterministic signal ids, e.g. <c>v51-BTCUSDT-L-1715126400000</c>. The executor derives client order ids
/// from them by appending a 2-character leg suffix, and Binance accepts <c>^[\.A-Z\:/a-z0-9_-]{1,36}$</c>,
/// so an id is at most <see cref="MaxLength"/> = 34 characters. Forms, first that fits:
/// <list type="number">
/// <item><c>{prefix}-{symbol}-{L|S}-{timeMs}</c></item>
/// <item><c>{h8}-{symbol}-{L|S}-{timeMs}</c>, h8 = first 8 hex digits of SHA-256(prefix)</item>
/// <item><c>{h16}-{L|S}-{timeMs}</c>, h16 = first 16 hex digits of SHA-256(prefix + "|" + symbol)</item>
/// </list>
/// prefix = the strategy's tag, else its id (both lowercase [a-z0-9_]).
/// </summary>
public static class SignalId
{
    public const int MaxLength = 34;

    public static string Create(StrategyDefinition strategy, string symbol, SignalDirection direction, long tickTimeMs) =>
        Create(strategy.SignalPrefix, symbol, direction, tickTimeMs);

    public static string Create(string prefix, string symbol, SignalDirection direction, long tickTimeMs)
    {
        ArgumentException.ThrowIfNullOrEmpty(prefix);
        ArgumentException.ThrowIfNullOrEmpty(symbol);
        ArgumentOutOfRangeException.ThrowIfNegative(tickTimeMs);
        var d = direction switch
        {
            SignalDirection.Long => "L",
            SignalDirection.Short => "S",
            _ => throw new ArgumentException("a signal id needs a direction", nameof(direction)),
        };
        var time = tickTimeMs.ToString(CultureInfo.InvariantCulture);

        var readable = $"{prefix}-{symbol}-{d}-{time}";
        if (readable.Length <= MaxLength)
            return readable;

        var hashedPrefix = $"{Hex(prefix, 8)}-{symbol}-{d}-{time}";
        if (hashedPrefix.Length <= MaxLength)
            return hashedPrefix;

        return $"{Hex(prefix + "|" + symbol, 16)}-{d}-{time}";
    }

    private static string Hex(string text, int digits)
    {
        Span<byte> hash = stackalloc byte[32];
        SHA256.HashData(Encoding.UTF8.GetBytes(text), hash);
        return Convert.ToHexStringLower(hash)[..digits];
    }
}
