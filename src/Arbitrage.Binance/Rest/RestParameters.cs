using System.Globalization;
using System.Text;

namespace Arbitrage.Binance.Rest;

/// <summary>Request parameters in the order they are sent (the signature covers that exact order).</summary>
internal sealed class RestParameters
{
    private readonly List<KeyValuePair<string, string>> _items = [];

    public RestParameters Add(string name, string? value)
    {
        if (value is not null) _items.Add(new(name, value));
        return this;
    }

    public RestParameters Add(string name, long? value) =>
        Add(name, value?.ToString(CultureInfo.InvariantCulture));

    public RestParameters Add(string name, decimal? value) =>
        Add(name, value is { } v ? FormatDecimal(v) : null);

    public RestParameters Add(string name, bool? value) =>
        Add(name, value is { } v ? (v ? "true" : "false") : null);

    public string ToQueryString()
    {
        var sb = new StringBuilder();
        foreach (var (k, v) in _items)
        {
            if (sb.Length > 0) sb.Append('&');
            sb.Append(Uri.EscapeDataString(k)).Append('=').Append(Uri.EscapeDataString(v));
        }
        return sb.ToString();
    }

    /// <summary>Invariant, no exponent, no trailing zeros: what Binance's parameter parser expects.</summary>
    public static string FormatDecimal(decimal value) =>
        (value / 1.000000000000000000000000000000000m).ToString(CultureInfo.InvariantCulture);
}
