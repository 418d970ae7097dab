using System.Text.Json;
using Arbitrage.Core.Execution;
using Arbitrage.Core.Risk;
using Arbitrage.Core.Strategies;
using Arbitrage.Node.Api.Live;

namespace Arbitrage.Node.Tests.Live;

/// <summary>
/// The SSE <c>data</c> of the events whose fields became the domain's enums (issue 14) is the JSON the version before wrote:
/// <c>direction</c>/<c>side</c> as <c>Long</c>/<c>Short</c>, codes as codes. The expected strings are that version's output.
/// </summary>
public sealed class LiveEventShapeTests
{
    private const long T0 = 1_778_198_400_000;

    [Fact]
    public void A_signal_streams_its_direction_as_Long_or_Short()
    {
        var signal = new SignalEmitted("v51-BTCUSDT-L-1778199300000", "trade_only_old", "1", "BTCUSDT", Direction.Long, 1778199300000, 80, 75, 100, 1.5, 98, 102, 104,
            [new SignalContributionRecord("cvd", 30, 30, "ok", 12.5), new SignalContributionRecord("oi", 0, 15, "missing", null)]);
        Assert.Equal(
            """{"signalId":"v51-BTCUSDT-L-1778199300000","strategyId":"trade_only_old","strategyVersion":"1","symbol":"BTCUSDT","direction":"Long","timeMs":1778199300000,"score":80,"threshold":75,"entry":100,"atr":1.5,"stopLoss":98,"takeProfit1":102,"takeProfit2":104,"breakdown":[{"name":"cvd","points":30,"weight":30,"status":"ok","input":12.5},{"name":"oi","points":0,"weight":15,"status":"missing","input":null}]}""",
            JsonSerializer.Serialize(signal, LiveStreamActor.Json));
    }

    [Fact]
    public void A_planned_trade_streams_its_side_as_Long_or_Short()
    {
        var planned = new TradePlanned("v51-BTCUSDT-L-1778199300000", "trade_only_old", "BTCUSDT", Direction.Long, 100.0m, 98.0m, 102.0m, 104.0m, 1.000m, 2m,
            0.1m, 0.001m, 0.001m, 1778199300000);
        Assert.Equal(
            """{"signalId":"v51-BTCUSDT-L-1778199300000","strategyId":"trade_only_old","symbol":"BTCUSDT","side":"Long","entry":100.0,"stopLoss":98.0,"takeProfit1":102.0,"takeProfit2":104.0,"quantity":1.000,"riskUsd":2,"tickSize":0.1,"stepSize":0.001,"minQty":0.001,"timeMs":1778199300000}""",
            JsonSerializer.Serialize(planned, LiveStreamActor.Json));
    }

    [Fact]
    public void Refusals_differences_and_alerts_stream_their_codes()
    {
        Assert.Equal(
            """{"signalId":"v51-BTCUSDT-S-1778199600000","symbol":"BTCUSDT","code":"leverage_mismatch","reason":"the account is not as configured","timeMs":1778198400000}""",
            JsonSerializer.Serialize(new SignalRejected("v51-BTCUSDT-S-1778199600000", "BTCUSDT", RejectCode.LeverageMismatch, "the account is not as configured", T0),
                LiveStreamActor.Json));
        Assert.Equal(
            """{"kind":"position_mismatch","symbol":"BTCUSDT","clientOrderId":null,"detail":"journal expects 1, exchange holds 0; left for an operator","timeMs":1778198400000}""",
            JsonSerializer.Serialize(new ReconciliationDifference(DifferenceKind.PositionMismatch, "BTCUSDT", null, "journal expects 1, exchange holds 0; left for an operator", T0),
                LiveStreamActor.Json));
        Assert.Equal(
            """{"kind":"protection_failed","symbol":"BTCUSDT","signalId":"s-1","detail":"stop rejected","atMs":1778198400000}""",
            JsonSerializer.Serialize(new ExecutionAlertRaised(ExecutionAlertKind.ProtectionFailed, "BTCUSDT", "s-1", "stop rejected", T0), LiveStreamActor.Json));

        foreach (var code in RejectCodes.All)
        {
            Assert.Equal($"\"{code.Code()}\"", JsonSerializer.Serialize(code, LiveStreamActor.Json));
        }
    }
}
