using System.Globalization;
using System.Net;
using System.Text.Json;

namespace Arbitrage.Node.Alerts.Channels;

/// <summary>An HTTP answer as a <see cref="SendOutcome"/>: 429 with its wait (Retry-After header or a <c>retry_after</c> body), 5xx transient.</summary>
public static class HttpOutcomes
{
    public static async Task<SendOutcome> FromAsync(HttpResponseMessage response, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(response);
        if (response.IsSuccessStatusCode)
        {
            return SendOutcome.Ok;
        }

        var status = (int)response.StatusCode;
        if (response.StatusCode == HttpStatusCode.TooManyRequests)
        {
            var body = await response.Content.ReadAsStringAsync(ct).ConfigureAwait(false);
            return new SendOutcome.RetryAfter(RetryAfter(response, body) ?? TimeSpan.FromSeconds(1));
        }

        return status >= 500 || response.StatusCode is HttpStatusCode.RequestTimeout
            ? new SendOutcome.Transient($"HTTP {status}")
            : new SendOutcome.Permanent($"HTTP {status}");
    }

    /// <summary>The wait a 429 asks for: the body's <c>retry_after</c> (seconds, Discord: a fraction) or the Retry-After header.</summary>
    public static TimeSpan? RetryAfter(HttpResponseMessage response, string body)
    {
        ArgumentNullException.ThrowIfNull(response);
        try
        {
            using var json = JsonDocument.Parse(body);
            if (json.RootElement.ValueKind == JsonValueKind.Object)
            {
                if (json.RootElement.TryGetProperty("retry_after", out var r) && r.TryGetDouble(out var s) && s >= 0)
                {
                    return TimeSpan.FromSeconds(s);
                }

                if (json.RootElement.TryGetProperty("parameters", out var p) && p.ValueKind == JsonValueKind.Object
                    && p.TryGetProperty("retry_after", out var pr) && pr.TryGetDouble(out var ps) && ps >= 0)
                {
                    return TimeSpan.FromSeconds(ps);
                }
            }
        }
        catch (JsonException)
        {
            // not JSON: the header decides
        }

        if (response.Headers.RetryAfter is { } header)
        {
            if (header.Delta is { } delta) return delta;
            if (header.Date is { } date) return date - DateTimeOffset.UtcNow is var d && d > TimeSpan.Zero ? d : TimeSpan.Zero;
        }

        return null;
    }

    /// <summary>Discord's bucket: when <c>X-RateLimit-Remaining</c> is 0, the pause <c>X-RateLimit-Reset-After</c> (seconds) asks for.</summary>
    public static TimeSpan BucketPause(HttpResponseMessage response)
    {
        ArgumentNullException.ThrowIfNull(response);
        if (Header(response, "X-RateLimit-Remaining") is { } remaining && remaining <= 0
            && Header(response, "X-RateLimit-Reset-After") is { } resetAfter && resetAfter > 0)
        {
            return TimeSpan.FromSeconds(resetAfter);
        }

        return TimeSpan.Zero;
    }

    private static double? Header(HttpResponseMessage response, string name) =>
        response.Headers.TryGetValues(name, out var values)
        && double.TryParse(values.FirstOrDefault(), NumberStyles.Float, CultureInfo.InvariantCulture, out var v)
            ? v
            : null;
}
