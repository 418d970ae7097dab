using Arbitrage.Core.Risk;

namespace Arbitrage.Core.Tests.Risk;

/// <summary>A healthy guard: connected, funded, with fresh BTCUSDT data at the time asked.</summary>
internal static class RiskFixture
{
    public const string Btc = "BTCUSDT";
    public const long Min = 60_000;

    /// <summary>2024-03-10 12:00:00 UTC.</summary>
    public static readonly long T0 = Ms("2024-03-10T12:00:00Z");

    public static long Ms(string iso) => DateTimeOffset.Parse(iso, System.Globalization.CultureInfo.InvariantCulture).ToUnixTimeMilliseconds();

    public static RiskState Healthy(long startMs, RiskParameters? p = null)
    {
        var s = RiskState.Initial(p ?? new RiskParameters(), startMs);
        s = RiskRules.OnExchangeConnected(s, startMs).State;
        s = RiskRules.OnBalance(s, 1_000m);
        return RiskRules.OnMarketEvent(s, Btc, startMs);
    }

    /// <summary>Evaluates a BTCUSDT order at <paramref name="nowMs"/> with market data as fresh as <paramref name="nowMs"/>.</summary>
    public static RiskVerdict Check(RiskState s, long nowMs, string symbol = Btc) =>
        RiskRules.EvaluateOrder(RiskRules.OnMarketEvent(s, symbol, nowMs), new OrderCheck(symbol), nowMs);

    public static RiskRule? RejectedBy(RiskVerdict v) => v is RiskVerdict.Rejected r ? r.Rule : null;

    public static RiskState Losses(RiskState s, long atMs, params decimal[] pnlR)
    {
        foreach (var r in pnlR) s = RiskRules.OnTradeClosed(s, r, atMs).State;
        return s;
    }
}
