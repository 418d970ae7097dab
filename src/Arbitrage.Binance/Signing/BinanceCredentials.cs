namespace Arbitrage.Binance.Signing;

/// <summary>An API key and its secret. <see cref="ToString"/> never prints the secret.</summary>
public sealed class BinanceCredentials
{
    public BinanceCredentials(string apiKey, string apiSecret)
    {
        ArgumentException.ThrowIfNullOrEmpty(apiKey);
        ArgumentException.ThrowIfNullOrEmpty(apiSecret);
        ApiKey = apiKey;
        Signer = new BinanceSigner(apiSecret);
    }

    public string ApiKey { get; }

    /// <summary>Signs with the secret; the secret itself is not exposed again.</summary>
    public BinanceSigner Signer { get; }

    /// <summary>Shows at most the first four characters of the key, never the secret.</summary>
    public override string ToString() =>
        $"BinanceCredentials(ApiKey={(ApiKey.Length > 4 ? ApiKey[..4] : "")}***, ApiSecret=***)";
}
