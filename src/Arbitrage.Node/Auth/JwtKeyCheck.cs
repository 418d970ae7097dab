using System.Text;

namespace Arbitrage.Node.Auth;

/// <summary>
/// Startup validation of <c>Auth:JwtKey</c>: outside Development a missing, short, placeholder or
/// low-entropy key is refused. In Development a missing key is tolerated (an ephemeral random key is used:
/// tokens die with the process) unless the node is one of a cluster, where every node must check the
/// tokens the others sign; a short key is refused everywhere because HS256 needs 256 bits.
/// </summary>
public static class JwtKeyCheck
{
    public const int MinimumBytes = 32;
    public const string Key = "Auth:JwtKey (ARB__Auth__JwtKey)";

    private static readonly string[] PlaceholderFragments =
    [
        "changeme", "change-me", "change_me", "replace", "placeholder", "example", "default", "your-256-bit-secret",
        "your_secret", "yoursecret", "secretkey", "secret-key", "supersecret", "super-secret", "password", "insecure",
        "development", "devkey", "dev-key", "test-key", "testkey", "0123456789", "abcdefghij", "qwerty",
    ];

    /// <summary>Null when the key is acceptable; else a message naming the key and what to do.</summary>
    /// <param name="clustered">Cluster seeds are configured: a missing key is refused even in Development.</param>
    public static string? Validate(string? key, bool isDevelopment, bool clustered = false)
    {
        if (string.IsNullOrWhiteSpace(key))
        {
            if (clustered)
            {
                return $"{Key} is not set: with Cluster:Seeds every node of the cluster must have the same key (a token from one node is checked by the others), even in Development: give each node the same random key of at least {MinimumBytes} bytes (e.g. openssl rand -base64 48).";
            }

            return isDevelopment
                ? null
                : $"{Key} is not set: give a random key of at least {MinimumBytes} bytes through the environment or user secrets (e.g. openssl rand -base64 48).";
        }

        var bytes = Encoding.UTF8.GetByteCount(key);
        if (bytes < MinimumBytes)
        {
            return $"{Key} is too short ({bytes} bytes): HS256 needs at least {MinimumBytes} random bytes.";
        }

        if (isDevelopment)
        {
            return null;
        }

        var lower = key.ToLowerInvariant();
        foreach (var fragment in PlaceholderFragments)
        {
            if (lower.Contains(fragment, StringComparison.Ordinal))
            {
                return $"{Key} looks like a default or placeholder (contains \"{fragment}\"): generate a random key.";
            }
        }

        if (key.Distinct().Count() < 10)
        {
            return $"{Key} has too few distinct characters to be random: generate a random key.";
        }

        return null;
    }
}
