using System.Text;
using Akka.Actor;
using Arbitrage.Core.Execution;
using Arbitrage.Engine.Serialization;

namespace Arbitrage.Engine.Tests.Execution;

/// <summary>
/// The journal rows of closed trades and flatten requests: v2 stores the exit reason as its code with the words
/// beside it; v1 rows (free text for flattens) still read, upcast to the code with the text as the detail.
/// </summary>
public sealed class ExitReasonStoredFormatTests : IDisposable
{
    private readonly ActorSystem _system = ActorSystem.Create("exit-reason-format-tests");

    public void Dispose() => _system.Terminate().Wait(TimeSpan.FromSeconds(10));

    private PersistedMessageSerializer Serializer() => new((ExtendedActorSystem)_system, new ManifestRegistry());

    // A v1 row exactly as the previous version stored it (a kill-switch flatten's text in exit_reason).
    private const string TradeClosedV1Row =
        """{"signal_id":"v51-BTCUSDT-L-1778198400000","symbol":"BTCUSDT","strategy_id":"v51_baseline","direction":"long","entry_time_ms":1778198400000,"entry":100,"quantity":1,"exit_time_ms":1778198460000,"exit":99.5,"exit_reason":"kill switch by ops: manual test","pnl_usd":-0.58,"pnl_r":-0.29,"fees_usd":0.08,"time_ms":1778198460000}""";

    [Fact]
    public void The_v1_layout_is_what_the_previous_version_wrote()
    {
        var v1 = new TradeClosedV1("v51-BTCUSDT-L-1778198400000", "BTCUSDT", "v51_baseline", Direction.Long, 1778198400000, 100m, 1m,
            1778198460000, 99.5m, "kill switch by ops: manual test", -0.58m, -0.29m, 0.08m, 1778198460000);
        var s = Serializer();
        Assert.Equal("execution-trade-closed.v1", s.Manifest(v1));
        Assert.Equal(TradeClosedV1Row, Encoding.UTF8.GetString(s.ToBinary(v1)));
    }

    [Theory]
    [InlineData("kill switch by ops: manual test", ExitReason.KillSwitch, "kill switch by ops: manual test")]
    [InlineData("daily loss -5 R ≤ −5 R on UTC day 2026-05-08", ExitReason.DailyLoss, "daily loss -5 R ≤ −5 R on UTC day 2026-05-08")]
    [InlineData("BTCUSDT held 70 min (≥ 70 min) since 2026-05-08 00:00:00.000Z", ExitReason.HoldTimeout, "BTCUSDT held 70 min (≥ 70 min) since 2026-05-08 00:00:00.000Z")]
    [InlineData("closed by operator ops", ExitReason.ManualClose, "closed by operator ops")]
    [InlineData("stop_loss", ExitReason.StopLoss, "")]
    [InlineData("break_even", ExitReason.BreakEven, "")]
    [InlineData("tp2", ExitReason.Tp2, "")]
    public void A_stored_v1_trade_reads_with_its_reason_as_a_code_and_the_text_as_detail(string stored, ExitReason reason, string detail)
    {
        var row = TradeClosedV1Row.Replace("kill switch by ops: manual test", stored, StringComparison.Ordinal);
        var read = Assert.IsType<TradeClosed>(Serializer().FromBinary(Encoding.UTF8.GetBytes(row), "execution-trade-closed.v1"));
        Assert.Equal(
            new TradeClosed("v51-BTCUSDT-L-1778198400000", "BTCUSDT", "v51_baseline", Direction.Long, 1778198400000, 100m, 1m, 1778198460000, 99.5m,
                reason, detail, -0.58m, -0.29m, 0.08m, 1778198460000),
            read);
    }

    [Fact]
    public void A_v2_trade_stores_the_code_and_the_detail()
    {
        var closed = new TradeClosed("v51-BTCUSDT-L-1778198400000", "BTCUSDT", "v51_baseline", Direction.Long, 1778198400000, 100m, 1m, 1778198460000, 99.5m,
            ExitReason.DailyLoss, "daily loss -5 R ≤ −5 R on UTC day 2026-05-08", -0.58m, -0.29m, 0.08m, 1778198460000);
        var s = Serializer();
        var bytes = s.ToBinary(closed);
        Assert.Equal("execution-trade-closed.v2", s.Manifest(closed));
        Assert.Equal(
            """{"signal_id":"v51-BTCUSDT-L-1778198400000","symbol":"BTCUSDT","strategy_id":"v51_baseline","direction":"long","entry_time_ms":1778198400000,"entry":100,"quantity":1,"exit_time_ms":1778198460000,"exit":99.5,"exit_reason":"daily_loss","exit_detail":"daily loss -5 R \u2264 \u22125 R on UTC day 2026-05-08","pnl_usd":-0.58,"pnl_r":-0.29,"fees_usd":0.08,"time_ms":1778198460000}""",
            Encoding.UTF8.GetString(bytes));
        Assert.Equal(closed, s.FromBinary(bytes, "execution-trade-closed.v2"));
    }

    [Fact]
    public void A_stored_v1_flatten_request_reads_with_its_code_and_v2_stores_it()
    {
        var s = Serializer();
        var v1 = """{"signal_id":"t-BTCUSDT-L-1","reason":"closed by operator ops","time_ms":1778198460000}""";
        Assert.Equal(
            new FlattenRequested("t-BTCUSDT-L-1", ExitReason.ManualClose, "closed by operator ops", 1778198460000),
            s.FromBinary(Encoding.UTF8.GetBytes(v1), "execution-flatten-requested.v1"));

        var v2 = new FlattenRequested("t-BTCUSDT-L-1", ExitReason.ProtectionFailed, "protective stop t-BTCUSDT-L-1-S Rejected: closing unprotected position", 5);
        Assert.Equal("execution-flatten-requested.v2", s.Manifest(v2));
        Assert.Equal(
            """{"signal_id":"t-BTCUSDT-L-1","reason":"protection_failed","detail":"protective stop t-BTCUSDT-L-1-S Rejected: closing unprotected position","time_ms":5}""",
            Encoding.UTF8.GetString(s.ToBinary(v2)));
        Assert.Equal(v2, s.FromBinary(s.ToBinary(v2), "execution-flatten-requested.v2"));
    }
}
