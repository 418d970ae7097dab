using System.Text.Json;
using System.Text.Json.Serialization;
using Arbitrage.Core.Execution;
using Arbitrage.Core.Risk;
using static Arbitrage.Core.Tests.Risk.RiskFixture;

namespace Arbitrage.Core.Tests.Execution;

public class ExitReasonTests
{
    [Fact]
    public void Every_reason_has_a_distinct_short_code_that_parses_back()
    {
        var codes = ExitReasons.All.Select(r => r.Code()).ToArray();
        Assert.Equal(codes.Length, codes.Distinct(StringComparer.Ordinal).Count());
        Assert.All(codes, c => Assert.Matches("^[a-z][a-z0-9_]{1,19}$", c));
        Assert.Equal(
            ["unknown", "tp1", "tp2", "stop_loss", "break_even", "hold_timeout", "kill_switch", "manual_close", "daily_loss", "protection_failed"],
            codes);
        foreach (var r in ExitReasons.All)
        {
            Assert.True(ExitReasons.TryParse(r.Code(), out var parsed));
            Assert.Equal(r, parsed);
        }

        Assert.False(ExitReasons.TryParse("Stop_Loss", out _));
        Assert.False(ExitReasons.TryParse(null, out _));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Json_writes_the_code_whatever_the_naming_policy(bool snakeCase)
    {
        // The journal's serializer names enums in snake_case, the HTTP/SSE one does not: both must write the code.
        var options = new JsonSerializerOptions
        {
            Converters = { snakeCase ? new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower) : new JsonStringEnumConverter() },
        };
        foreach (var r in ExitReasons.All)
        {
            Assert.Equal($"\"{r.Code()}\"", JsonSerializer.Serialize(r, options));
            Assert.Equal(r, JsonSerializer.Deserialize<ExitReason>($"\"{r.Code()}\"", options));
        }
    }

    [Fact]
    public void Reasons_stored_as_free_text_by_earlier_versions_read_as_codes_with_the_text_as_detail()
    {
        // The texts exactly as the risk rules and the operator/protection paths wrote them into exit_reason.
        var dailyLoss = Assert.IsType<RiskAction.FlattenAll>(Assert.Single(RiskRules.OnTradeClosed(Healthy(T0), -100m, T0 + 1).Actions)).Reason;
        var held = Assert.IsType<RiskAction.ClosePosition>(Assert.Single(RiskRules.OnTick(Healthy(T0), T0 + 70 * Min, [new HeldPosition(Btc, T0)]).Actions)).Reason;
        var kill = Assert.IsType<RiskAction.FlattenAll>(Assert.Single(RiskRules.EngageKillSwitch(Healthy(T0), "ops", "manual test", T0).Actions)).Reason;
        (string Stored, ExitReason Reason, string Detail)[] cases =
        [
            ("stop_loss", ExitReason.StopLoss, ""),
            ("break_even", ExitReason.BreakEven, ""),
            ("tp1", ExitReason.Tp1, ""),
            ("tp2", ExitReason.Tp2, ""),
            (dailyLoss, ExitReason.DailyLoss, dailyLoss),
            (held, ExitReason.HoldTimeout, held),
            (kill, ExitReason.KillSwitch, kill),
            ("closed by operator alice", ExitReason.ManualClose, "closed by operator alice"),
            ("protective stop t-BTCUSDT-L-1-S Rejected: closing unprotected position", ExitReason.ProtectionFailed,
                "protective stop t-BTCUSDT-L-1-S Rejected: closing unprotected position"),
            ("close", ExitReason.Unknown, "close"),
            ("", ExitReason.Unknown, ""),
        ];
        Assert.StartsWith("daily loss ", dailyLoss, StringComparison.Ordinal);
        Assert.Contains(" held 70 min ", held, StringComparison.Ordinal);
        foreach (var (stored, reason, detail) in cases)
        {
            Assert.Equal((reason, detail), ExitReasons.FromStored(stored));
        }
    }

    [Fact]
    public void Every_rule_that_closes_positions_has_an_exit_reason_and_the_others_are_refused()
    {
        Assert.Equal(ExitReason.DailyLoss, ExitReasons.Of(RiskRule.DailyLoss));
        Assert.Equal(ExitReason.HoldTimeout, ExitReasons.Of(RiskRule.HoldTimeout));
        Assert.Equal(ExitReason.KillSwitch, ExitReasons.Of(RiskRule.KillSwitch));
        foreach (var rule in new[] { RiskRule.ConsecutiveLosses, RiskRule.ExchangeDisconnect, RiskRule.BalanceTooLow, RiskRule.StaleMarketData })
        {
            Assert.Throws<ArgumentOutOfRangeException>(() => ExitReasons.Of(rule));
        }
    }
}
