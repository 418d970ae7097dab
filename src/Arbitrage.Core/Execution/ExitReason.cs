using System.Text.Json.Serialization;
using Arbitrage.Core.Risk;

namespace Arbitrage.Core.Execution;

/// <summary>
/// Why a trade ended: the closed set of <c>exit_reason</c> codes (trades CSV, <c>read_trades</c>, <c>/api/trades</c>).
/// The words behind a code (which rule, which operator, the numbers) travel beside it as the exit detail.
/// The JSON names are the codes, so every serializer writes the same short code.
/// </summary>
public enum ExitReason
{
    /// <summary>A stored reason from an older version that names none of the codes below (the detail keeps its text).</summary>
    [JsonStringEnumMemberName("unknown")]
    Unknown = 0,

    /// <summary>The first take-profit closed the whole position (too small to split).</summary>
    [JsonStringEnumMemberName("tp1")]
    Tp1,

    /// <summary>The second take-profit closed the rest after TP1.</summary>
    [JsonStringEnumMemberName("tp2")]
    Tp2,

    [JsonStringEnumMemberName("stop_loss")]
    StopLoss,

    /// <summary>After TP1 the stop moved to the entry price, and it was hit.</summary>
    [JsonStringEnumMemberName("break_even")]
    BreakEven,

    /// <summary>The risk guard force-closed a position held too long.</summary>
    [JsonStringEnumMemberName("hold_timeout")]
    HoldTimeout,

    /// <summary>An operator engaged the kill switch: everything flattened.</summary>
    [JsonStringEnumMemberName("kill_switch")]
    KillSwitch,

    /// <summary>An operator closed the position.</summary>
    [JsonStringEnumMemberName("manual_close")]
    ManualClose,

    /// <summary>The daily loss limit tripped: everything flattened until the next UTC day.</summary>
    [JsonStringEnumMemberName("daily_loss")]
    DailyLoss,

    /// <summary>A protective stop was rejected or expired at the exchange: the unprotected position was closed.</summary>
    [JsonStringEnumMemberName("protection_failed")]
    ProtectionFailed,
}

/// <summary>The codes of <see cref="ExitReason"/> as text, and the reading of reasons stored before the codes existed.</summary>
public static class ExitReasons
{
    /// <summary>Every reason, in declaration order.</summary>
    public static IReadOnlyList<ExitReason> All { get; } = Enum.GetValues<ExitReason>();

    /// <summary>The short code, e.g. <c>stop_loss</c> (the same text as the JSON name).</summary>
    public static string Code(this ExitReason reason) => reason switch
    {
        ExitReason.Unknown => "unknown",
        ExitReason.Tp1 => "tp1",
        ExitReason.Tp2 => "tp2",
        ExitReason.StopLoss => "stop_loss",
        ExitReason.BreakEven => "break_even",
        ExitReason.HoldTimeout => "hold_timeout",
        ExitReason.KillSwitch => "kill_switch",
        ExitReason.ManualClose => "manual_close",
        ExitReason.DailyLoss => "daily_loss",
        ExitReason.ProtectionFailed => "protection_failed",
        _ => throw new ArgumentOutOfRangeException(nameof(reason), reason, "not an exit reason"),
    };

    public static bool TryParse(string? code, out ExitReason reason)
    {
        foreach (var r in All)
        {
            if (string.Equals(r.Code(), code, StringComparison.Ordinal))
            {
                reason = r;
                return true;
            }
        }

        reason = ExitReason.Unknown;
        return false;
    }

    /// <summary>The exit reason of a position the risk guard closes for <paramref name="rule"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A rule that never closes positions (a bug if it does).</exception>
    public static ExitReason Of(RiskRule rule) => rule switch
    {
        RiskRule.DailyLoss => ExitReason.DailyLoss,
        RiskRule.HoldTimeout => ExitReason.HoldTimeout,
        RiskRule.KillSwitch => ExitReason.KillSwitch,
        _ => throw new ArgumentOutOfRangeException(nameof(rule), rule, "this risk rule blocks new orders but never closes a position"),
    };

    /// <summary>
    /// A reason as versions before the codes stored it (<c>execution-trade-closed.v1</c>, <c>execution-flatten-requested.v1</c>,
    /// <c>read_trades</c> rows): a code as is (detail empty), or the free text of a flatten, recognised by the fixed words
    /// each producer wrote (the text becomes the detail); anything else is <see cref="ExitReason.Unknown"/> with its text.
    /// </summary>
    public static (ExitReason Reason, string Detail) FromStored(string? stored)
    {
        if (string.IsNullOrEmpty(stored))
            return (ExitReason.Unknown, "");
        if (TryParse(stored, out var code))
            return (code, "");
        var reason =
            stored.StartsWith("daily loss ", StringComparison.Ordinal) ? ExitReason.DailyLoss
            : stored.StartsWith("kill switch by ", StringComparison.Ordinal) ? ExitReason.KillSwitch
            : stored.StartsWith("closed by operator ", StringComparison.Ordinal) ? ExitReason.ManualClose
            : stored.StartsWith("protective stop ", StringComparison.Ordinal) ? ExitReason.ProtectionFailed
            : IsHoldTimeout(stored) ? ExitReason.HoldTimeout
            : ExitReason.Unknown;
        return (reason, stored);
    }

    // "{SYMBOL} held {n} min (≥ {m} min) since {time}" (RiskRules.OnTick).
    private static bool IsHoldTimeout(string s)
    {
        var held = s.IndexOf(" held ", StringComparison.Ordinal);
        return held > 0 && s.IndexOf(" min (≥ ", held, StringComparison.Ordinal) > held && s.Contains(" min) since ", StringComparison.Ordinal);
    }
}
