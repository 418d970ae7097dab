using Arbitrage.Core.Triangles;
using Arbitrage.Core.Triangles.Execution;

namespace Arbitrage.Core.Tests.Triangles.Execution;

/// <summary>The attempts CSV contract and the episodes' taken/missed actions.</summary>
public sealed class TriangleAttemptsCsvTests
{
    private static TriangleAttemptResult Attempt(string id, long start, TriangleAttemptOutcome outcome = TriangleAttemptOutcome.Completed) =>
        new(id, "binance-spot", "USDT>BTC>ETH", "USDT", outcome, start, start + 42, 100.000m, 100.8500m, 0.85m, 0.85m, 0.3m, 1.25e-5, 3, [13, 10, 10],
            new Dictionary<string, decimal>(), "ok");

    [Fact]
    public void The_header_is_the_contract_and_rows_are_sorted_by_start_then_attempt_id()
    {
        var csv = TriangleAttemptsCsv.Format([Attempt("b", 2000), Attempt("z", 1000, TriangleAttemptOutcome.Unwound), Attempt("a", 2000, TriangleAttemptOutcome.Failed)]);
        Assert.Equal(
            "attempt_id,start_ms,end_ms,venue,cycle,start_asset,start_amount,end_amount,pnl_start_asset,pnl_usd,fees_usd,outcome,legs_filled,slippage_bps\n" +
            "z,1000,1042,binance-spot,USDT>BTC>ETH,USDT,100,100.85,0.85,0.85,0.3,unwound,3,1.25E-05\n" +
            "a,2000,2042,binance-spot,USDT>BTC>ETH,USDT,100,100.85,0.85,0.85,0.3,failed,3,1.25E-05\n" +
            "b,2000,2042,binance-spot,USDT>BTC>ETH,USDT,100,100.85,0.85,0.85,0.3,completed,3,1.25E-05\n",
            csv);
        Assert.Equal(csv, TriangleAttemptsCsv.Format([Attempt("a", 2000, TriangleAttemptOutcome.Failed), Attempt("b", 2000), Attempt("z", 1000, TriangleAttemptOutcome.Unwound)]));
    }

    [Fact]
    public void Decimals_lose_trailing_zeros_and_keep_their_sign_and_all_their_digits()
    {
        Assert.Equal(("100", "0.000123", "-0.5", "123456789.123456789"),
            (TriangleAttemptsCsv.Dec(100.000m), TriangleAttemptsCsv.Dec(0.0001230m), TriangleAttemptsCsv.Dec(-0.50m), TriangleAttemptsCsv.Dec(123456789.123456789000m)));
        Assert.Contains(",100.85,-0.5,", TriangleAttemptsCsv.Row(Attempt("a", 1) with { PnlStartAsset = -0.5m }), StringComparison.Ordinal);
    }

    [Fact]
    public void Episodes_are_taken_or_missed_with_a_reason_when_execution_is_on()
    {
        var e = new TriangleEpisodeRecord(1, 2, "v", "USDT>BTC>ETH", "USDT", 100, 1, 0.002, 1);
        Assert.Equal(("observed", ""), (e.Action, e.Reason));
        Assert.EndsWith(",taken,", TriangleEpisodesCsv.Row(e.AsTaken()), StringComparison.Ordinal);
        Assert.EndsWith(",missed,risk:daily_loss", TriangleEpisodesCsv.Row(e.AsMissed(TriangleRiskRules.DailyLoss)), StringComparison.Ordinal);
        Assert.EndsWith(",missed,filters", TriangleEpisodesCsv.Row(e.AsMissed(PlanResult<CyclePlan>.Refused(PlanRefusal.Filters, "x").ReasonCode)), StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => e.AsMissed(""));
    }
}
