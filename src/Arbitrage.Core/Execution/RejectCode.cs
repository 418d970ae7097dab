using System.Text.Json.Serialization;
using Arbitrage.Core.Serialization;

namespace Arbitrage.Core.Execution;

/// <summary>
/// Why the executor refused a signal (<see cref="SignalRejected"/>), or why the account cannot trade a symbol: a closed set of
/// short codes. The JSON names are the codes (journal, wire, SSE, backtest summary), the same text every serializer writes.
/// </summary>
public enum RejectCode
{
    /// <summary>No exchange filters (tickSize/stepSize) for the symbol.</summary>
    [JsonStringEnumMemberName("no_filters")]
    NoFilters,

    /// <summary>A trade is still open on the symbol (one position per symbol).</summary>
    [JsonStringEnumMemberName("symbol_busy")]
    SymbolBusy,

    /// <summary>The maximum number of concurrent positions is reached.</summary>
    [JsonStringEnumMemberName("max_positions")]
    MaxPositions,

    /// <summary>A direction neither Long nor Short: written by versions whose signals carried the direction as text; kept so their journals read.</summary>
    [JsonStringEnumMemberName("bad_direction")]
    BadDirection,

    /// <summary>Sizing: an entry, stop or risk that is not a positive number.</summary>
    [JsonStringEnumMemberName("size_invalid_input")]
    SizeInvalidInput,

    /// <summary>Sizing: the stop equals the entry on the tick grid.</summary>
    [JsonStringEnumMemberName("size_zero_distance")]
    SizeZeroDistance,

    /// <summary>Sizing: the quantity rounds below the symbol's minimum quantity.</summary>
    [JsonStringEnumMemberName("size_below_min_qty")]
    SizeBelowMinQty,

    /// <summary>Sizing: the order's notional is below the symbol's minimum.</summary>
    [JsonStringEnumMemberName("size_below_min_notional")]
    SizeBelowMinNotional,

    /// <summary>The stop is on the wrong side of the entry for the signal's direction.</summary>
    [JsonStringEnumMemberName("bad_levels")]
    BadLevels,

    /// <summary>
    /// The signal is older than the executor remembers signals (<see cref="ExecutorState.SignalMemoryMs"/> behind its event time):
    /// it cannot be told from a repeat of one already handled, so it is never traded.
    /// </summary>
    [JsonStringEnumMemberName("stale_signal")]
    StaleSignal,

    /// <summary>Account: in hedge mode (the executor trades one-way).</summary>
    [JsonStringEnumMemberName("hedge_mode")]
    HedgeMode,

    /// <summary>Account: the symbol's leverage is not the configured one.</summary>
    [JsonStringEnumMemberName("leverage_mismatch")]
    LeverageMismatch,

    /// <summary>Account: the symbol's margin type is not the configured one.</summary>
    [JsonStringEnumMemberName("margin_type_mismatch")]
    MarginTypeMismatch,

    /// <summary>Account: the exchange refused a setting.</summary>
    [JsonStringEnumMemberName("account_setting_failed")]
    AccountSettingFailed,

    /// <summary>Account: its settings could not be read (the check is retried).</summary>
    [JsonStringEnumMemberName("account_unverified")]
    AccountUnverified,

    /// <summary>Account: the exchange did not report the symbol's settings.</summary>
    [JsonStringEnumMemberName("account_not_reported")]
    AccountNotReported,
}

/// <summary>The codes of <see cref="RejectCode"/> as text.</summary>
public static class RejectCodes
{
    /// <summary>Every code, in declaration order.</summary>
    public static IReadOnlyList<RejectCode> All { get; } = Enum.GetValues<RejectCode>();

    /// <summary>The short code, e.g. <c>symbol_busy</c> (the JSON name).</summary>
    public static string Code(this RejectCode code) => EnumCodes.Of(code);

    /// <summary>The sizing code of a rejected size.</summary>
    public static RejectCode Of(Sizing.SizeRejection rejection) => rejection switch
    {
        Sizing.SizeRejection.InvalidInput => RejectCode.SizeInvalidInput,
        Sizing.SizeRejection.ZeroDistance => RejectCode.SizeZeroDistance,
        Sizing.SizeRejection.BelowMinQty => RejectCode.SizeBelowMinQty,
        Sizing.SizeRejection.BelowMinNotional => RejectCode.SizeBelowMinNotional,
        _ => throw new ArgumentOutOfRangeException(nameof(rejection), rejection, "not a sizing rejection"),
    };
}
