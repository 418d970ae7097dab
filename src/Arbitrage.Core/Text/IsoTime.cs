using System.Globalization;

namespace Arbitrage.Core.Text;

/// <summary>Event times (Unix ms) as ISO-8601 UTC with milliseconds and a Z, e.g. <c>2026-05-08T00:15:00.000Z</c>.</summary>
public static class IsoTime
{
    public static string Utc(long unixMs) =>
        DateTimeOffset.FromUnixTimeMilliseconds(unixMs).UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);
}
