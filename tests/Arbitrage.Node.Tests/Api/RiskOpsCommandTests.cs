using System.Net;
using System.Text;
using System.Text.Json;
using Arbitrage.Node.Auth;

namespace Arbitrage.Node.Tests.Api;

/// <summary>PUT /api/ops/risk/parameters, POST /api/ops/positions/{symbol}/close, POST /api/ops/paper/on|off through the real ActorRiskOps.</summary>
[Collection(RiskOpsHostCollection.Name)]
public sealed class RiskOpsCommandTests(RiskOpsHost host)
{
    private Task<long> AuditRowsAsync() => host.ScalarAsync("SELECT COUNT(*) FROM read_audit");

    private static async Task<JsonElement> JsonAsync(HttpResponseMessage response) =>
        JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;

    /// <summary>Through the projection and the read endpoint: exactly one row for the audit id, with a result starting with <paramref name="status"/>.</summary>
    private async Task ExpectOneAuditEntryAsync(string auditId, string command, string status)
    {
        JsonElement entry = default;
        await ApiHost.EventuallyAsync(async () =>
        {
            using var r = await host.SendAsync(HttpMethod.Get, $"/api/audit?user=operator&command={command}&limit=500", host.Tokens[Roles.Viewer]);
            var items = (await JsonAsync(r)).GetProperty("items").EnumerateArray().Where(i => i.GetProperty("auditId").GetString() == auditId).ToArray();
            entry = items.FirstOrDefault();
            return items.Length == 1 && entry.GetProperty("result").GetString() != "pending";
        }, "audit entry with result");
        Assert.Equal(1, await host.ScalarAsync($"SELECT COUNT(*) FROM read_audit WHERE audit_id = '{auditId}'"));
        Assert.StartsWith(status, entry.GetProperty("result").GetString());
    }

    public static TheoryData<string, string, object?> Commands() => new()
    {
        { "PUT", "/api/ops/risk/parameters", new { staleDataMs = 20_000 } },
        { "POST", "/api/ops/positions/ETHUSDT/close", null },
        { "POST", "/api/ops/paper/off", null },
        { "POST", "/api/ops/paper/on", null },
    };

    [Theory]
    [MemberData(nameof(Commands))]
    public async Task Viewers_are_403_and_anonymous_401_with_no_effect_and_no_audit(string method, string path, object? body)
    {
        var before = await host.GuardStateAsync();
        var audits = await AuditRowsAsync();
        using (var viewer = await host.SendAsync(new HttpMethod(method), path, host.Tokens[Roles.Viewer], body))
        {
            Assert.Equal(HttpStatusCode.Forbidden, viewer.StatusCode);
        }

        using (var anonymous = await host.SendAsync(new HttpMethod(method), path, null, body))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        }

        var after = await host.GuardStateAsync();
        Assert.Equal((before.Parameters, before.TradingEnabled), (after.Parameters, after.TradingEnabled));
        Assert.Equal(before.Positions, after.Positions);
        Assert.Equal(audits, await AuditRowsAsync());
    }

    [Fact]
    public async Task Partial_parameters_change_only_the_given_fields_and_leave_one_audit_entry()
    {
        var before = (await host.GuardStateAsync()).Parameters;
        var risk = before.RiskPerTradeUsd + 1m;
        using var response = await host.SendAsync(HttpMethod.Put, "/api/ops/risk/parameters", host.Tokens[Roles.Operator],
            new { riskPerTradeUsd = risk, maxConsecutiveLosses = 4 });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var json = await JsonAsync(response);
        Assert.Equal("risk.parameters", json.GetProperty("command").GetString());

        Assert.Equal(before with { RiskPerTradeUsd = risk, MaxConsecutiveLosses = 4 }, (await host.GuardStateAsync()).Parameters);
        await ExpectOneAuditEntryAsync(json.GetProperty("auditId").GetString()!, "risk.parameters", "done");
    }

    [Theory]
    [InlineData("{\"riskPerTradeUsd\": 0}", "riskPerTradeUsd")]
    [InlineData("{\"maxConsecutiveLosses\": 1.5}", "maxConsecutiveLosses")]
    [InlineData("{\"staleDataMs\": \"soon\"}", "staleDataMs")]
    [InlineData("{\"riskPerTrade\": 3}", "riskPerTrade")]
    [InlineData("{\"holdAlertMs\": 100, \"holdForceCloseMs\": 50}", "holdForceCloseMs")]
    [InlineData("{}", "body")]
    [InlineData("[1]", "body")]
    [InlineData("{not json", "body")]
    public async Task Bad_parameters_are_400_naming_the_field_and_are_not_run_or_audited(string body, string field)
    {
        var before = (await host.GuardStateAsync()).Parameters;
        var audits = await AuditRowsAsync();
        using var response = await host.SendAsync(HttpMethod.Put, "/api/ops/risk/parameters", host.Tokens[Roles.Operator],
            new StringContent(body, Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.True((await JsonAsync(response)).GetProperty("errors").TryGetProperty(field, out _), await response.Content.ReadAsStringAsync());
        Assert.Equal(before, (await host.GuardStateAsync()).Parameters);
        Assert.Equal(audits, await AuditRowsAsync());
    }

    [Fact]
    public async Task A_hold_alert_beyond_the_current_force_close_is_refused_by_the_guard_400_naming_it_with_one_audit_entry()
    {
        var before = (await host.GuardStateAsync()).Parameters;
        using var response = await host.SendAsync(HttpMethod.Put, "/api/ops/risk/parameters", host.Tokens[Roles.Operator],
            new { holdAlertMs = before.HoldForceCloseMs + 1 });
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var json = await JsonAsync(response);
        Assert.True(json.GetProperty("errors").TryGetProperty("holdAlertMs", out _), json.ToString());
        Assert.Equal(before, (await host.GuardStateAsync()).Parameters);
        await ExpectOneAuditEntryAsync(json.GetProperty("auditId").GetString()!, "risk.parameters", "invalid");
    }

    [Fact]
    public async Task Close_position_closes_it_then_404s_and_each_leaves_one_audit_entry()
    {
        using var ok = await host.SendAsync(HttpMethod.Post, "/api/ops/positions/btcusdt/close", host.Tokens[Roles.Operator]);
        Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        var done = await JsonAsync(ok);
        Assert.Equal("position.close", done.GetProperty("command").GetString());
        Assert.DoesNotContain("BTCUSDT", (await host.GuardStateAsync()).Positions);
        await ExpectOneAuditEntryAsync(done.GetProperty("auditId").GetString()!, "position.close", "done");

        using var again = await host.SendAsync(HttpMethod.Post, "/api/ops/positions/BTCUSDT/close", host.Tokens[Roles.Operator]);
        Assert.Equal(HttpStatusCode.NotFound, again.StatusCode);
        var notFound = await JsonAsync(again);
        Assert.Contains("no open position on BTCUSDT", notFound.GetProperty("detail").GetString());
        await ExpectOneAuditEntryAsync(notFound.GetProperty("auditId").GetString()!, "position.close", "notfound");
    }

    [Fact]
    public async Task Close_position_validates_the_symbol_and_answers_503_with_retry_after_when_the_guard_is_silent()
    {
        var audits = await AuditRowsAsync();
        using (var bad = await host.SendAsync(HttpMethod.Post, "/api/ops/positions/BTC-USDT'--/close", host.Tokens[Roles.Operator]))
        {
            Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
            Assert.True((await JsonAsync(bad)).GetProperty("errors").TryGetProperty("symbol", out _));
        }

        Assert.Equal(audits, await AuditRowsAsync());

        using var silent = await host.SendAsync(HttpMethod.Post, "/api/ops/positions/HANGUSDT/close", host.Tokens[Roles.Operator]);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, silent.StatusCode);
        Assert.Equal(TimeSpan.FromSeconds(5), silent.Headers.RetryAfter?.Delta);
        await ExpectOneAuditEntryAsync((await JsonAsync(silent)).GetProperty("auditId").GetString()!, "position.close", "unavailable");
    }

    [Fact]
    public async Task Paper_off_and_on_switch_trading_and_each_leaves_one_audit_entry()
    {
        using (var off = await host.SendAsync(HttpMethod.Post, "/api/ops/paper/off", host.Tokens[Roles.Operator]))
        {
            Assert.Equal(HttpStatusCode.OK, off.StatusCode);
            var json = await JsonAsync(off);
            Assert.Contains("trading off", json.GetProperty("detail").GetString());
            Assert.False((await host.GuardStateAsync()).TradingEnabled);
            await ExpectOneAuditEntryAsync(json.GetProperty("auditId").GetString()!, "paper.off", "done");
        }

        using (var on = await host.SendAsync(HttpMethod.Post, "/api/ops/paper/on", host.Tokens[Roles.Operator]))
        {
            Assert.Equal(HttpStatusCode.OK, on.StatusCode);
            var json = await JsonAsync(on);
            Assert.True((await host.GuardStateAsync()).TradingEnabled);
            await ExpectOneAuditEntryAsync(json.GetProperty("auditId").GetString()!, "paper.on", "done");
        }
    }
}
