using System.Globalization;
using System.Text.Json;
using Arbitrage.Core.Risk;

namespace Arbitrage.Node.Api.Ops;

/// <summary>
/// A partial <see cref="RiskParameters"/> (body of <c>PUT /api/ops/risk/parameters</c>): null fields keep their current value.
/// JSON field names are the camelCase property names (<c>riskPerTradeUsd</c>, ...).
/// </summary>
public sealed record RiskParametersPatch(
    decimal? RiskPerTradeUsd = null,
    decimal? DailyLossLimitR = null,
    int? MaxConsecutiveLosses = null,
    long? ConsecutiveLossPauseMs = null,
    long? DisconnectGraceMs = null,
    decimal? MinBalanceInR = null,
    long? StaleDataMs = null,
    long? HoldAlertMs = null,
    long? HoldForceCloseMs = null)
{
    /// <summary>The camelCase JSON name of a <see cref="RiskParameters"/> property.</summary>
    public static string JsonName(string property) => JsonNamingPolicy.CamelCase.ConvertName(property);

    public RiskParameters ApplyTo(RiskParameters current) => current with
    {
        RiskPerTradeUsd = RiskPerTradeUsd ?? current.RiskPerTradeUsd,
        DailyLossLimitR = DailyLossLimitR ?? current.DailyLossLimitR,
        MaxConsecutiveLosses = MaxConsecutiveLosses ?? current.MaxConsecutiveLosses,
        ConsecutiveLossPauseMs = ConsecutiveLossPauseMs ?? current.ConsecutiveLossPauseMs,
        DisconnectGraceMs = DisconnectGraceMs ?? current.DisconnectGraceMs,
        MinBalanceInR = MinBalanceInR ?? current.MinBalanceInR,
        StaleDataMs = StaleDataMs ?? current.StaleDataMs,
        HoldAlertMs = HoldAlertMs ?? current.HoldAlertMs,
        HoldForceCloseMs = HoldForceCloseMs ?? current.HoldForceCloseMs,
    };

    /// <summary>The fields set, as <c>name=value</c> pairs (for the audit log).</summary>
    public Dictionary<string, string> ToArguments()
    {
        var args = new Dictionary<string, string>(StringComparer.Ordinal);
        void Add(string name, IFormattable? v)
        {
            if (v is not null) args[JsonName(name)] = v.ToString(null, CultureInfo.InvariantCulture);
        }

        Add(nameof(RiskPerTradeUsd), RiskPerTradeUsd);
        Add(nameof(DailyLossLimitR), DailyLossLimitR);
        Add(nameof(MaxConsecutiveLosses), MaxConsecutiveLosses);
        Add(nameof(ConsecutiveLossPauseMs), ConsecutiveLossPauseMs);
        Add(nameof(DisconnectGraceMs), DisconnectGraceMs);
        Add(nameof(MinBalanceInR), MinBalanceInR);
        Add(nameof(StaleDataMs), StaleDataMs);
        Add(nameof(HoldAlertMs), HoldAlertMs);
        Add(nameof(HoldForceCloseMs), HoldForceCloseMs);
        return args;
    }

    /// <summary>
    /// Reads a JSON object strictly: every member must be a known parameter (case-insensitive) holding a number of the
    /// right kind, or null (keep). On failure, <paramref name="field"/> names the offending field.
    /// </summary>
    public static bool TryParse(JsonElement body, out RiskParametersPatch patch, out string field, out string error)
    {
        patch = new RiskParametersPatch();
        field = "body";
        error = string.Empty;
        if (body.ValueKind != JsonValueKind.Object)
        {
            error = "a JSON object with the risk parameters to change";
            return false;
        }

        var any = false;
        foreach (var member in body.EnumerateObject())
        {
            field = member.Name;
            var v = member.Value;
            if (v.ValueKind == JsonValueKind.Null) continue;
            var ok = true;
            switch (member.Name.ToUpperInvariant())
            {
                case "RISKPERTRADEUSD": ok = Dec(v, out var a); patch = patch with { RiskPerTradeUsd = a }; break;
                case "DAILYLOSSLIMITR": ok = Dec(v, out var b); patch = patch with { DailyLossLimitR = b }; break;
                case "MAXCONSECUTIVELOSSES": ok = Int(v, out var c); patch = patch with { MaxConsecutiveLosses = c }; break;
                case "CONSECUTIVELOSSPAUSEMS": ok = Long(v, out var d); patch = patch with { ConsecutiveLossPauseMs = d }; break;
                case "DISCONNECTGRACEMS": ok = Long(v, out var e); patch = patch with { DisconnectGraceMs = e }; break;
                case "MINBALANCEINR": ok = Dec(v, out var f); patch = patch with { MinBalanceInR = f }; break;
                case "STALEDATAMS": ok = Long(v, out var g); patch = patch with { StaleDataMs = g }; break;
                case "HOLDALERTMS": ok = Long(v, out var h); patch = patch with { HoldAlertMs = h }; break;
                case "HOLDFORCECLOSEMS": ok = Long(v, out var i); patch = patch with { HoldForceCloseMs = i }; break;
                default:
                    error = "not a risk parameter";
                    return false;
            }

            if (!ok)
            {
                error = "must be a number of the parameter's kind (integers for counts and milliseconds)";
                return false;
            }

            any = true;
        }

        if (!any)
        {
            field = "body";
            error = "at least one risk parameter to change";
            return false;
        }

        return true;

        static bool Dec(JsonElement v, out decimal? value)
        {
            value = v.ValueKind == JsonValueKind.Number && v.TryGetDecimal(out var d) ? d : null;
            return value is not null;
        }

        static bool Int(JsonElement v, out int? value)
        {
            value = v.ValueKind == JsonValueKind.Number && v.TryGetInt32(out var n) ? n : null;
            return value is not null;
        }

        static bool Long(JsonElement v, out long? value)
        {
            value = v.ValueKind == JsonValueKind.Number && v.TryGetInt64(out var l) ? l : null;
            return value is not null;
        }
    }
}
