using System.Net;

namespace Arbitrage.Binance.Rest;

/// <summary>What went wrong, in terms a caller decides on.</summary>
public enum BinanceErrorKind
{
    /// <summary>The exchange answered with a business error (bad parameter, insufficient margin, ...).</summary>
    Rejected,
    /// <summary>429, -1003, or spot's -1015 (too many new orders): back off until <see cref="BinanceError.RetryAt"/>.</summary>
    RateLimited,
    /// <summary>418: the IP is banned; the client has stopped and alerted.</summary>
    IpBanned,
    /// <summary>403: the web application firewall refused the request.</summary>
    WafBlocked,
    /// <summary>-1022.</summary>
    InvalidSignature,
    /// <summary>-2014 (malformed key) / -2015 (invalid key, IP or permissions).</summary>
    InvalidApiKey,
    /// <summary>-1021: timestamp outside recvWindow; re-sync the server clock.</summary>
    InvalidTimestamp,
    /// <summary>503 / -1007 / a timeout on an order: it may or may not exist. Query it by client id; never blindly retry.</summary>
    UnknownOrderStatus,
    /// <summary>-2011 / -2013: no such order.</summary>
    OrderNotFound,
    /// <summary>-1125: the listenKey does not exist (expired); create a new one.</summary>
    ListenKeyNotFound,
    /// <summary>5xx other than an order's 503.</summary>
    ServerError,
    /// <summary>The per-call timeout passed before an answer.</summary>
    Timeout,
    /// <summary>Connection refused, reset, DNS, TLS...</summary>
    Transport,
    /// <summary>The answer could not be read.</summary>
    Malformed,
    /// <summary>A signed call was made without credentials.</summary>
    NoCredentials,
}

/// <summary>An expected failure of a Binance call: Binance's code and message plus our classification.</summary>
public sealed record BinanceError(int Code, string Message, HttpStatusCode? HttpStatus, BinanceErrorKind Kind)
{
    /// <summary>When a rate-limited or banned client may call again (null if unknown or not applicable).</summary>
    public DateTimeOffset? RetryAt { get; init; }

    public override string ToString() =>
        $"{Kind} (code {Code}{(HttpStatus is { } s ? $", HTTP {(int)s}" : "")}): {Message}";

    /// <summary>Binance's error code classification, for a response that carried <c>{"code","msg"}</c>.</summary>
    public static BinanceErrorKind Classify(int code, HttpStatusCode status, bool isOrderPlacement)
    {
        switch ((int)status)
        {
            case 418: return BinanceErrorKind.IpBanned;
            case 429: return BinanceErrorKind.RateLimited;
            case 403: return BinanceErrorKind.WafBlocked;
            case 503 when isOrderPlacement: return BinanceErrorKind.UnknownOrderStatus;
        }
        return code switch
        {
            -1003 or -1015 => BinanceErrorKind.RateLimited,
            -1007 => isOrderPlacement ? BinanceErrorKind.UnknownOrderStatus : BinanceErrorKind.Timeout,
            -1021 => BinanceErrorKind.InvalidTimestamp,
            -1022 => BinanceErrorKind.InvalidSignature,
            -2014 or -2015 => BinanceErrorKind.InvalidApiKey,
            -2011 or -2013 => BinanceErrorKind.OrderNotFound,
            -1125 => BinanceErrorKind.ListenKeyNotFound,
            _ when (int)status >= 500 => BinanceErrorKind.ServerError,
            _ => BinanceErrorKind.Rejected,
        };
    }
}
