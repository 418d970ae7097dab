using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Arbitrage.Core.Triangles.Execution;

/// <summary>
/// Client order ids of an attempt's orders, derived only from the attempt id and the order's number: cycle legs
/// <c>t{attempt}L{1..3}</c>, unwind orders <c>t{attempt}U{n}</c>. The same intent always carries the same id, so a
/// restart can query it and never sends a leg twice. Binance spot accepts <c>^[a-zA-Z0-9-_]{1,36}$</c>; an attempt id
/// that is longer than <see cref="MaxAttemptIdLength"/> or uses other characters is hashed to fit.
/// </summary>
public static class TriangleOrderIds
{
    public const int MaxLength = 36;

    /// <summary>Room for <c>t</c>, the kind letter and two digits.</summary>
    public const int MaxAttemptIdLength = MaxLength - 4;

    public static string Leg(string attemptId, int leg) =>
        leg is >= 1 and <= 3 ? "t" + Base(attemptId) + "L" + leg.ToString(CultureInfo.InvariantCulture) : throw new ArgumentOutOfRangeException(nameof(leg), leg, "1, 2 or 3");

    public static string Unwind(string attemptId, int n) =>
        n is >= 1 and <= 99 ? "t" + Base(attemptId) + "U" + n.ToString(CultureInfo.InvariantCulture) : throw new ArgumentOutOfRangeException(nameof(n), n, "1 to 99");

    /// <summary>Whether <paramref name="id"/> is within Binance's client order id rule.</summary>
    public static bool IsValid(string id)
    {
        if (string.IsNullOrEmpty(id) || id.Length > MaxLength) return false;
        foreach (var c in id)
        {
            if (!(char.IsAsciiLetterOrDigit(c) || c is '-' or '_')) return false;
        }

        return true;
    }

    private static string Base(string attemptId)
    {
        ArgumentException.ThrowIfNullOrEmpty(attemptId);
        if (attemptId.Length <= MaxAttemptIdLength && IsValid(attemptId)) return attemptId;
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes(attemptId));
        return "h" + Convert.ToHexStringLower(hash)[..(MaxAttemptIdLength - 1)];
    }
}
