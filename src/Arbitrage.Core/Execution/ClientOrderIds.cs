using System.Security.Cryptography;
using System.Text;

namespace Arbitrage.Core.Execution;

/// <summary>The legs of a bracket trade and their 2-character client-id suffixes.</summary>
public enum OrderLeg
{
    /// <summary><c>-E</c>: MARKET entry.</summary>
    Entry,
    /// <summary><c>-S</c>: STOP_MARKET protective stop.</summary>
    StopLoss,
    /// <summary><c>-1</c>: TAKE_PROFIT_MARKET for half.</summary>
    TakeProfit1,
    /// <summary><c>-2</c>: TAKE_PROFIT_MARKET for the rest.</summary>
    TakeProfit2,
    /// <summary><c>-B</c>: the stop moved to break-even after TP1.</summary>
    BreakEven,
    /// <summary><c>-X</c>: MARKET close (flatten, force close).</summary>
    Close,
}

/// <summary>
/// Client order ids derived only from the signal id and the leg, so the same intent always carries
/// the same id: a restart or a retry can be recognised by the exchange and by reconciliation, never
/// doubled. Binance accepts <c>^[\.A-Z\:/a-z0-9_-]{1,36}$</c>; signal ids are at most 34 characters
/// (<see cref="Strategies.SignalId.MaxLength"/>), any other id is hashed to fit.
/// </summary>
public static class ClientOrderIds
{
    public const int MaxLength = 36;

    public static string For(string signalId, OrderLeg leg) => Base(signalId) + Suffix(leg);

    public static string Suffix(OrderLeg leg) => leg switch
    {
        OrderLeg.Entry => "-E",
        OrderLeg.StopLoss => "-S",
        OrderLeg.TakeProfit1 => "-1",
        OrderLeg.TakeProfit2 => "-2",
        OrderLeg.BreakEven => "-B",
        OrderLeg.Close => "-X",
        _ => throw new ArgumentOutOfRangeException(nameof(leg), leg, null),
    };

    private static string Base(string signalId)
    {
        ArgumentException.ThrowIfNullOrEmpty(signalId);
        if (signalId.Length <= MaxLength - 2 && IsWireSafe(signalId)) return signalId;
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes(signalId));
        return "h" + Convert.ToHexStringLower(hash)[..32];
    }

    private static bool IsWireSafe(string s)
    {
        foreach (var c in s)
        {
            if (!(char.IsAsciiLetterOrDigit(c) || c is '.' or ':' or '/' or '_' or '-')) return false;
        }

        return true;
    }
}
