namespace Arbitrage.Binance.Rest;

public enum BinanceAlertKind
{
    /// <summary>418: every further call fails fast until an operator calls <see cref="BinanceRestClient.ClearBan"/>.</summary>
    IpBanned,
    /// <summary>429: calls are refused until the resume time.</summary>
    RateLimited,
    /// <summary>403 from the WAF.</summary>
    WafBlocked,
}

/// <summary>Something an operator must hear about, raised by the REST client.</summary>
public sealed record BinanceAlert(BinanceAlertKind Kind, string Message, DateTimeOffset At, DateTimeOffset? Until);
