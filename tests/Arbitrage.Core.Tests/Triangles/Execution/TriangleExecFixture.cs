using Arbitrage.Core.Triangles;
using Arbitrage.Core.Triangles.Execution;

namespace Arbitrage.Core.Tests.Triangles.Execution;

/// <summary>
/// The cycle <c>USDT&gt;BTC&gt;ETH</c> (buy BTC with USDT, buy ETH with BTC, sell ETH for USDT) on books where 100 USDT
/// buys 0.002 BTC at 50000, 0.04 ETH at 0.05 BTC and sells for 102 USDT at 2550: about +1.7 % after three 0.1 % fees.
/// </summary>
internal static class TriangleExecFixture
{
    public const double Fee = 0.001;
    public const long T0 = 1_700_000_000_000;

    public static readonly PairFilters BtcUsdt = new(0.01m, 0.00001m, 0.00001m, 9000m, 0.00001m, 0.00001m, 100m, 5m, 0m);
    public static readonly PairFilters EthBtc = new(0.00001m, 0.0001m, 0.0001m, 100000m, 0.0001m, 0.0001m, 1000m, 0.0001m, 0m);
    public static readonly PairFilters EthUsdt = new(0.01m, 0.0001m, 0.0001m, 9000m, 0.0001m, 0.0001m, 1000m, 5m, 0m);

    public static TriangleUniverse Universe { get; } = TriangleUniverse.Create(
        new[] { "BTC/USDT", "ETH/BTC", "ETH/USDT" }.Select(s => TradingPair.TryParse(s, out var p) ? p : null!), [("USDT", 100.0)]);

    public static TriangleCycle RawCycle => Universe.Cycles.Single(c => c.Id == "USDT>BTC>ETH");

    public static CycleSpec Cycle(bool filters = true) => CycleSpec.Of(Universe, RawCycle, s => !filters ? null : s switch
    {
        "BTC/USDT" => BtcUsdt,
        "ETH/BTC" => EthBtc,
        "ETH/USDT" => EthUsdt,
        _ => null,
    });

    public static PairBook BtcUsdtBook(long t = T0) => new([new(49990, 1), new(49980, 2)], [new(50000, 0.001), new(50010, 1), new(50100, 5)], t);

    public static PairBook EthBtcBook(long t = T0) => new([new(0.0499, 10), new(0.0498, 20)], [new(0.05, 0.02), new(0.05001, 10), new(0.051, 50)], t);

    public static PairBook EthUsdtBook(long t = T0) => new([new(2550, 0.02), new(2549, 10), new(2500, 50)], [new(2551, 10), new(2560, 50)], t);

    public static TriangleBookSet TriBooks(long t = T0) =>
        new TriangleBookSet().Set("BTC/USDT", BtcUsdtBook(t)).Set("ETH/BTC", EthBtcBook(t)).Set("ETH/USDT", EthUsdtBook(t));

    public static TriangleExecutionSettings Settings(LegOrderType type = LegOrderType.LimitIoc, UnwindPolicy unwind = UnwindPolicy.Market, decimal slippageBps = 10m) =>
        new(slippageBps, type, unwind);

    public static CyclePlan Plan(bool filters = true, TriangleExecutionSettings? settings = null, ITriangleBooks? books = null)
    {
        var result = CyclePlanner.Plan(Cycle(filters), books ?? TriBooks(), 100m, Fee, settings ?? Settings(), 0.001m, T0, 5000);
        Assert.True(result.Ok, result.Detail);
        return result.Value!;
    }

    public static TriangleSagaInput.Start Start(string attemptId = "a1", bool filters = true, TriangleExecutionSettings? settings = null)
    {
        settings ??= Settings();
        return new TriangleSagaInput.Start(attemptId, "paper", Cycle(filters), Plan(filters, settings), Fee, TriangleAttemptPolicy.From(settings), 1m, T0);
    }
}
