using System.Text.Json.Serialization;
using Arbitrage.Core.Serialization;

namespace Arbitrage.Core.Execution;

/// <summary>The kinds of <see cref="ExecutionAlert"/>; the JSON names are the codes (journal, risk history, SSE, logs).</summary>
public enum ExecutionAlertKind
{
    /// <summary>No protective stop reached the exchange in time (rate limits, outages): the position is closed at market.</summary>
    [JsonStringEnumMemberName("protection_missing")]
    ProtectionMissing,

    /// <summary>A protective stop was rejected or expired at the exchange: the position is closed at market.</summary>
    [JsonStringEnumMemberName("protection_failed")]
    ProtectionFailed,

    /// <summary>A close found that the exchange holds none of the position the journal had: the journal's position was cleared.</summary>
    [JsonStringEnumMemberName("position_cleared")]
    PositionCleared,

    /// <summary>A close order ended and the exchange still holds the position: left for an operator.</summary>
    [JsonStringEnumMemberName("close_failed")]
    CloseFailed,
}

public static class ExecutionAlertKinds
{
    /// <summary>The short code, e.g. <c>protection_missing</c> (the JSON name).</summary>
    public static string Code(this ExecutionAlertKind kind) => EnumCodes.Of(kind);
}
