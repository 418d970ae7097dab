using Arbitrage.Binance.Rest.Models;
using Arbitrage.Core.Execution;
using Arbitrage.Engine.Execution;

namespace Arbitrage.Engine.Tests.Execution;

public sealed class LiveModeGuardAndCsvTests
{
    private static readonly Uri Prod = new("https://fapi.binance.com");
    private static readonly Uri Testnet = new("https://demo-fapi.binance.com");
    private static readonly ApiRestrictions Safe = new() { EnableFutures = true, EnableReading = true };

    [Fact]
    public void Live_mode_starts_with_a_futures_key_without_withdrawals_on_testnet_or_confirmed_production()
    {
        Assert.Null(LiveModeGuard.Check(new("k", "s", Testnet, false), Safe));
        Assert.Null(LiveModeGuard.Check(new("k", "s", Prod, true), Safe));
    }

    [Fact]
    public void Live_mode_refuses_missing_keys_withdrawal_keys_and_unconfirmed_production()
    {
        Assert.Contains(LiveModeGuard.Check(new(null, "s", Testnet, false), Safe)!, e => e.Contains("ApiKey"));
        Assert.Contains(LiveModeGuard.Check(new("k", "", Testnet, false), Safe)!, e => e.Contains("ApiSecret"));
        Assert.Contains(LiveModeGuard.Check(new("k", "s", Testnet, false), Safe with { EnableWithdrawals = true })!, e => e.Contains("withdrawals"));
        Assert.Contains(LiveModeGuard.Check(new("k", "s", Testnet, false), null)!, e => e.Contains("apiRestrictions"));
        Assert.Contains(LiveModeGuard.Check(new("k", "s", Prod, false), Safe)!, e => e.Contains("ConfirmProduction"));
        Assert.Equal(2, LiveModeGuard.Check(new("k", "s", Prod, false), Safe with { EnableWithdrawals = true })!.Count);
    }

    [Fact]
    public void Trades_csv_has_the_agreed_header_and_exact_invariant_rows()
    {
        // 2026-05-08T00:00:00Z; the exit 46.25 s later.
        var t = new TradeClosed("t-BTCUSDT-L-1", "BTCUSDT", "v51", Direction.Long, 1_778_198_400_000, 100m, 1m, 1_778_198_446_250, 103m,
            ExitReason.Tp2, "", 2.9188m, 1.4594m, 0.0812m, 1_778_198_446_250);
        var w = new StringWriter();
        TradesCsv.Write(w, [t, t with { SignalId = "a", ExitTimeMs = 1_778_198_405_000, ExitReason = ExitReason.KillSwitch, ExitDetail = "kill switch by ops: \"a\", b" }]);
        Assert.Equal(
            "signal_id,symbol,strategy,direction,entry_time_ms,entry_time,entry,qty,exit_time_ms,exit_time,exit,exit_reason,exit_detail,pnl_usd,pnl_r,fees_usd\n" +
            "a,BTCUSDT,v51,long,1778198400000,2026-05-08T00:00:00.000Z,100,1,1778198405000,2026-05-08T00:00:05.000Z,103,kill_switch,\"kill switch by ops: \"\"a\"\", b\",2.9188,1.4594,0.0812\n" +
            "t-BTCUSDT-L-1,BTCUSDT,v51,long,1778198400000,2026-05-08T00:00:00.000Z,100,1,1778198446250,2026-05-08T00:00:46.250Z,103,tp2,,2.9188,1.4594,0.0812\n",
            w.ToString());
    }

    [Fact]
    public void Every_exit_reason_is_written_as_its_short_code()
    {
        var t = new TradeClosed("t", "BTCUSDT", "v51", Direction.Short, 0, 1m, 1m, 0, 1m, ExitReason.Unknown, "", 0m, 0m, 0m, 0);
        foreach (var reason in ExitReasons.All)
        {
            var row = TradesCsv.Row(t with { ExitReason = reason }).Split(',');
            Assert.Equal(reason.Code(), row[11]);
            Assert.Matches("^[a-z0-9_]+$", row[11]);
        }
    }
}
