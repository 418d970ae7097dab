using Arbitrage.Binance.Signing;
using Arbitrage.Simulator.Exchange;

namespace Arbitrage.Simulator.Http;

/// <summary>Binance's API-key and HMAC checks, in Binance's order and with its codes.</summary>
public sealed class RequestAuth(SimulatorOptions options)
{
    private readonly BinanceSigner _signer = new(options.ApiSecret);

    /// <summary>USER_STREAM / MARKET_DATA security: the key only.</summary>
    public SimError? CheckKey(HttpRequest request)
    {
        var key = request.Headers["X-MBX-APIKEY"].ToString();
        if (key.Length == 0 || !key.All(char.IsAsciiLetterOrDigit)) return SimError.MalformedApiKey;
        return key == options.ApiKey ? null : SimError.InvalidApiKey;
    }

    /// <summary>TRADE / USER_DATA security: key, timestamp within recvWindow, signature over query + body.</summary>
    public SimError? CheckSigned(HttpRequest request, BinanceRequest p, long serverNowMs)
    {
        if (CheckKey(request) is { } keyError) return keyError;
        var signature = p.Get("signature");
        if (signature is null) return SimError.Mandatory("signature");
        if (p.Long("timestamp") is not { } timestamp) return SimError.Mandatory("timestamp");
        var recvWindow = p.Long("recvWindow") ?? 5000;
        if (recvWindow is <= 0 or > 60_000) return SimError.Rejected(-1131, "recvWindow must be less than 60000");
        if (timestamp > serverNowMs + 1000 || serverNowMs - timestamp > recvWindow) return SimError.BadTimestamp;
        return _signer.Verify(p.SignedPayload(), "", signature) ? null : SimError.BadSignature;
    }
}
