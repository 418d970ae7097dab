using System.Globalization;
using Microsoft.Extensions.Primitives;

namespace Arbitrage.Node.Api.Funding;

/// <summary>A rejected query parameter: a 400 problem naming it (<c>errors.{field}</c>).</summary>
public sealed record FundingApiError(string Field, string Error)
{
    public IResult ToProblem() => Read.FieldProblem.Of(Field, Error);
}

/// <summary>Parses the funding endpoints' query strings; every failure names its field.</summary>
internal static class FundingQuery
{
    public static bool TrySymbol(IQueryCollection q, out string symbol, out FundingApiError? error)
    {
        symbol = "";
        error = null;
        var raw = q["symbol"];
        if (StringValues.IsNullOrEmpty(raw) || string.IsNullOrWhiteSpace(raw[0]))
        {
            error = new FundingApiError("symbol", "symbol is required, e.g. symbol=BTCUSDT");
            return false;
        }

        var s = raw[0]!.Trim().ToUpperInvariant();
        if (s.Length is < 2 or > 32 || !s.All(c => char.IsAsciiLetterOrDigit(c) || c == '_'))
        {
            error = new FundingApiError("symbol", $"'{raw[0]}' is not a symbol (2–32 letters, digits or '_', e.g. BTCUSDT or BTCUSD_PERP)");
            return false;
        }

        symbol = s;
        return true;
    }

    /// <summary>Unix milliseconds or an ISO-8601 time (UTC unless it carries an offset); absent → <paramref name="fallback"/>.</summary>
    public static bool TryTime(IQueryCollection q, string field, long fallback, out long ms, out FundingApiError? error)
    {
        ms = fallback;
        error = null;
        var raw = q[field];
        if (StringValues.IsNullOrEmpty(raw)) return true;
        var text = raw[0]!.Trim();
        if (long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out ms) && ms >= 0) return true;
        if (DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var t))
        {
            ms = t.ToUnixTimeMilliseconds();
            return true;
        }

        error = new FundingApiError(field, $"'{text}' is not a time: use unix milliseconds or ISO-8601 like 2023-04-05T00:00:00Z");
        return false;
    }

    public static bool TryInt(IQueryCollection q, string field, int fallback, int min, int max, out int value, out FundingApiError? error)
    {
        value = fallback;
        error = null;
        var raw = q[field];
        if (StringValues.IsNullOrEmpty(raw)) return true;
        if (int.TryParse(raw[0], NumberStyles.None, CultureInfo.InvariantCulture, out value) && value >= min && value <= max) return true;
        error = new FundingApiError(field, $"'{raw[0]}' is not an integer in {min}–{max}");
        return false;
    }

    /// <summary>One of <paramref name="allowed"/> (case-insensitive); absent → <paramref name="fallback"/>.</summary>
    public static bool TryChoice(IQueryCollection q, string field, string fallback, string[] allowed, out string value, out FundingApiError? error)
    {
        value = fallback;
        error = null;
        var raw = q[field];
        if (StringValues.IsNullOrEmpty(raw)) return true;
        foreach (var a in allowed)
        {
            if (string.Equals(a, raw[0], StringComparison.OrdinalIgnoreCase))
            {
                value = a;
                return true;
            }
        }

        error = new FundingApiError(field, $"'{raw[0]}' is not one of {string.Join('|', allowed)}");
        return false;
    }
}
