namespace Arbitrage.Simulator.Control;

public enum FaultKind
{
    /// <summary>429 with a Retry-After header.</summary>
    RateLimited,
    /// <summary>418: IP banned.</summary>
    IpBanned,
    /// <summary>403 from the WAF.</summary>
    WafBlocked,
    /// <summary>500 internal error.</summary>
    ServerError,
    /// <summary>503 "Unknown error": status unknown. With <see cref="FaultRule.AfterAccept"/> the order was accepted first.</summary>
    Unknown503,
}

/// <summary>
/// Answer the next <see cref="Count"/> requests whose path contains <see cref="PathContains"/> (any
/// path when null) with a fault. <see cref="AfterAccept"/> (order placements only) lets the order be
/// accepted and then answers 503: Binance's "execution status unknown".
/// </summary>
public sealed record FaultRule(FaultKind Kind, int Count = 1, string? PathContains = null, int RetryAfterSeconds = 1, bool AfterAccept = false)
{
    internal int Remaining { get; set; } = Count;

    internal bool Matches(string path, bool afterAccept) =>
        Remaining > 0 && AfterAccept == afterAccept && (PathContains is null || path.Contains(PathContains, StringComparison.Ordinal));

    public int Status => Kind switch
    {
        FaultKind.RateLimited => 429,
        FaultKind.IpBanned => 418,
        FaultKind.WafBlocked => 403,
        FaultKind.ServerError => 500,
        _ => 503,
    };

    public string Body => Kind switch
    {
        FaultKind.RateLimited => """{"code":-1003,"msg":"Too many requests; current limit of IP is 2400 requests per minute. Please use the websocket for live updates to avoid polling the API."}""",
        FaultKind.IpBanned => """{"code":-1003,"msg":"Way too many requests; IP banned until further notice. Please use the websocket for live updates to avoid bans."}""",
        FaultKind.WafBlocked => "<html><body>403 Forbidden</body></html>",
        FaultKind.ServerError => """{"code":-1001,"msg":"Internal error; unable to process your request. Please try again."}""",
        _ => """{"code":-1000,"msg":"Unknown error, please check your request or try again later."}""",
    };
}
