using System.Security.Cryptography;
using System.Text;

namespace Arbitrage.Binance.Signing;

/// <summary>Binance request signature: lower-case hex of HMAC-SHA256(secret, query string + body).</summary>
public sealed class BinanceSigner
{
    private readonly byte[] _key;

    public BinanceSigner(string apiSecret)
    {
        ArgumentException.ThrowIfNullOrEmpty(apiSecret);
        _key = Encoding.UTF8.GetBytes(apiSecret);
    }

    /// <summary>Signature of <paramref name="query"/> followed by <paramref name="body"/> (either may be empty).</summary>
    public string Sign(string query, string body = "")
    {
        var payload = Encoding.UTF8.GetBytes(query + body);
        Span<byte> mac = stackalloc byte[HMACSHA256.HashSizeInBytes];
        HMACSHA256.HashData(_key, payload, mac);
        return Convert.ToHexStringLower(mac);
    }

    /// <summary>Constant-time check of a received signature (hex, either case).</summary>
    public bool Verify(string query, string body, string signature)
    {
        var expected = Encoding.ASCII.GetBytes(Sign(query, body));
        var actual = Encoding.ASCII.GetBytes(signature.ToLowerInvariant());
        return CryptographicOperations.FixedTimeEquals(expected, actual);
    }

    public override string ToString() => "BinanceSigner(***)";
}
