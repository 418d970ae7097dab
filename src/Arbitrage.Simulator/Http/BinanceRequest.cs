using System.Globalization;
using Arbitrage.Simulator.Exchange;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Primitives;

namespace Arbitrage.Simulator.Http;

/// <summary>A REST request's parameters from the query string and a form body together, plus the raw text the signature covers.</summary>
public sealed class BinanceRequest
{
    private readonly Dictionary<string, StringValues> _values = new(StringComparer.Ordinal);

    private BinanceRequest(string rawQuery, string rawBody)
    {
        RawQuery = rawQuery;
        RawBody = rawBody;
        foreach (var (k, v) in QueryHelpers.ParseQuery(rawQuery)) _values[k] = v;
        foreach (var (k, v) in QueryHelpers.ParseQuery(rawBody)) _values[k] = v;
    }

    public string RawQuery { get; }
    public string RawBody { get; }

    public static async Task<BinanceRequest> ReadAsync(HttpRequest request)
    {
        var query = request.QueryString.HasValue ? request.QueryString.Value![1..] : "";
        var body = "";
        if (request.ContentLength is > 0 || request.Headers.TransferEncoding.Count > 0)
        {
            using var reader = new StreamReader(request.Body);
            body = await reader.ReadToEndAsync().ConfigureAwait(false);
        }
        return new BinanceRequest(query, body);
    }

    public string? Get(string name) => _values.TryGetValue(name, out var v) && !StringValues.IsNullOrEmpty(v) ? v.ToString() : null;

    public bool Has(string name) => Get(name) is not null;

    public string Required(string name) => Get(name) ?? throw new SimRequestException(SimError.Mandatory(name));

    public string Symbol() => Required("symbol").ToUpperInvariant();

    public long? Long(string name)
    {
        var s = Get(name);
        if (s is null) return null;
        return long.TryParse(s, NumberStyles.Integer, CultureInfo.InvariantCulture, out var v) ? v : throw new SimRequestException(SimError.BadParameter(name));
    }

    public decimal? Decimal(string name)
    {
        var s = Get(name);
        if (s is null) return null;
        return decimal.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out var v) ? v : throw new SimRequestException(SimError.BadParameter(name));
    }

    public bool Bool(string name)
    {
        var s = Get(name);
        if (s is null) return false;
        return s.ToLowerInvariant() switch
        {
            "true" => true,
            "false" => false,
            _ => throw new SimRequestException(SimError.BadParameter(name)),
        };
    }

    /// <summary>The exact text Binance signs: query string then body, each without the signature parameter.</summary>
    public string SignedPayload() => StripSignature(RawQuery) + StripSignature(RawBody);

    private static string StripSignature(string raw)
    {
        if (raw.Length == 0) return raw;
        var parts = raw.Split('&');
        return string.Join('&', parts.Where(p => !p.StartsWith("signature=", StringComparison.Ordinal)));
    }
}

/// <summary>Thrown inside a handler to answer with a Binance error (caught by the endpoint wrapper).</summary>
public sealed class SimRequestException(SimError error) : Exception(error.Msg)
{
    public SimError Error { get; } = error;
}
