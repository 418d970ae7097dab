using System.Net;
using System.Text;
using System.Text.Json;
using Arbitrage.Core.Execution;
using Arbitrage.Core.Strategies;
using Arbitrage.Engine.Strategies;
using Arbitrage.Node.Auth;

namespace Arbitrage.Node.Tests.Api;

[Collection(ApiHostCollection.Name)]
public sealed class ReadAndOpsTests(ApiHost host)
{
    private static SignalEmitted Signal(string id, string symbol, string strategy) =>
        new(id, strategy, "1", symbol, Direction.Long, 1_700_000_000_000, 70, 60, 100, 2, 97, 103, 106, [new SignalContributionRecord("rsi", 10, 1, "ok", 28)]);

    private Task<long> AuditRowsAsync(string? auditId = null) =>
        host.ScalarAsync(auditId is null ? "SELECT COUNT(*) FROM read_audit" : $"SELECT COUNT(*) FROM read_audit WHERE audit_id = '{auditId}'");

    [Fact]
    public async Task Signals_are_projected_filtered_and_paged_newest_first()
    {
        var strategy = "s" + Guid.NewGuid().ToString("N")[..8];
        var events = Enumerable.Range(0, 5).Select(i => (object)Signal($"{strategy}-{i}", i % 2 == 0 ? "BTCUSDT" : "ETHUSDT", strategy)).ToArray();
        await host.PersistAsync(StrategyActor.SignalTag, events);

        var viewer = host.Tokens[Roles.Viewer];
        JsonElement page = default;
        await ApiHost.EventuallyAsync(async () =>
        {
            using var r = await host.SendAsync(HttpMethod.Get, $"/api/signals?strategy={strategy}&limit=2", viewer);
            page = await ApiHost.JsonAsync(r);
            return r.StatusCode == HttpStatusCode.OK && page.GetProperty("items").GetArrayLength() == 2;
        }, "projected signals");
        await ApiHost.EventuallyAsync(async () => await host.ScalarAsync($"SELECT COUNT(*) FROM read_signals WHERE strategy_id = '{strategy}'") == 5, "all five");

        var seen = new List<string>();
        string? next = null;
        do
        {
            using var r = await host.SendAsync(HttpMethod.Get, $"/api/signals?strategy={strategy}&limit=2" + (next is null ? string.Empty : "&before=" + next), viewer);
            page = await ApiHost.JsonAsync(r);
            seen.AddRange(page.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("signalId").GetString()!));
            next = page.GetProperty("nextBefore").ValueKind == JsonValueKind.Null ? null : page.GetProperty("nextBefore").GetInt64().ToString(System.Globalization.CultureInfo.InvariantCulture);
        }
        while (next is not null);
        Assert.Equal(Enumerable.Range(0, 5).Reverse().Select(i => $"{strategy}-{i}"), seen);

        using var eth = await host.SendAsync(HttpMethod.Get, $"/api/signals?strategy={strategy}&symbol=ETHUSDT", viewer);
        var ethItems = (await ApiHost.JsonAsync(eth)).GetProperty("items");
        Assert.Equal(2, ethItems.GetArrayLength());
        Assert.Equal(10, ethItems[0].GetProperty("breakdown")[0].GetProperty("points").GetDouble());
    }

    [Theory]
    [InlineData("/api/signals?symbol=BTCUSDT'%20OR%20'1'='1", "symbol")]
    [InlineData("/api/signals?strategy=x';DROP%20TABLE%20read_signals;--", "strategy")]
    [InlineData("/api/signals?limit=1;DROP%20TABLE%20read_signals", "limit")]
    [InlineData("/api/signals?limit=0", "limit")]
    [InlineData("/api/signals?limit=501", "limit")]
    [InlineData("/api/signals?limit=abc", "limit")]
    [InlineData("/api/signals?before=-1", "before")]
    [InlineData("/api/signals?before=1%20OR%201=1", "before")]
    [InlineData("/api/signals?symbol=a&symbol=b", "symbol")]
    [InlineData("/api/audit?user=admin'--", "user")]
    [InlineData("/api/audit?command=kill%22;DELETE%20FROM%20read_audit", "command")]
    public async Task Bad_or_hostile_query_values_are_400_naming_the_field_and_change_nothing(string path, string field)
    {
        var before = await host.ScalarAsync("SELECT COUNT(*) FROM read_signals") + await AuditRowsAsync();
        using var response = await host.SendAsync(HttpMethod.Get, path, host.Tokens[Roles.Viewer]);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.True((await ApiHost.JsonAsync(response)).GetProperty("errors").TryGetProperty(field, out _), await response.Content.ReadAsStringAsync());
        Assert.Equal(before, await host.ScalarAsync("SELECT COUNT(*) FROM read_signals") + await AuditRowsAsync());
    }

    [Fact]
    public async Task Injection_strings_in_auth_and_ops_inputs_are_rejected_without_effect()
    {
        var users = await host.ScalarAsync("SELECT COUNT(*) FROM auth_users");
        var audits = await host.ScalarAsync("SELECT COUNT(*) FROM read_audit");
        using (var login = await host.SendAsync(HttpMethod.Post, "/api/auth/login", body: new { username = "admin' --", password = "x' OR '1'='1" }))
        {
            Assert.Equal(HttpStatusCode.BadRequest, login.StatusCode);
        }

        using (var register = await host.TryRegisterAsync("x' OR '1'='1", "robert'); DROP TABLE auth_users;--"))
        {
            Assert.Equal(HttpStatusCode.BadRequest, register.StatusCode);
        }

        using (var ops = await host.SendAsync(HttpMethod.Post, "/api/ops/strategies/alpha';DROP%20TABLE%20x/enable", host.Tokens[Roles.Operator]))
        {
            Assert.Equal(HttpStatusCode.BadRequest, ops.StatusCode);
            Assert.True((await ApiHost.JsonAsync(ops)).GetProperty("errors").TryGetProperty("id", out _));
        }

        Assert.Equal(users, await host.ScalarAsync("SELECT COUNT(*) FROM auth_users"));
        Assert.Equal(audits, await host.ScalarAsync("SELECT COUNT(*) FROM read_audit"));
    }

    [Fact]
    public async Task Oversized_bodies_are_413_with_no_effect()
    {
        var users = await host.ScalarAsync("SELECT COUNT(*) FROM auth_users");
        var kills = host.Risk.Kills;
        var big = new string('x', 200_000);

        using (var register = new HttpRequestMessage(HttpMethod.Post, "/api/auth/register"))
        {
            register.Content = new StringContent(JsonSerializer.Serialize(new { inviteCode = "x", username = "big", password = big }), Encoding.UTF8, "application/json");
            using var response = await host.Http.SendAsync(register);
            Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        }

        using (var kill = host.Request(HttpMethod.Post, "/api/ops/kill", host.Tokens[Roles.Operator]))
        {
            kill.Content = new StringContent(JsonSerializer.Serialize(new { reason = big }), Encoding.UTF8, "application/json");
            using var response = await host.Http.SendAsync(kill);
            Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        }

        Assert.Equal(users, await host.ScalarAsync("SELECT COUNT(*) FROM auth_users"));
        Assert.Equal(kills, host.Risk.Kills);
    }

    public static TheoryData<string, object?, HttpStatusCode, string> Commands() => new()
    {
        { "/api/ops/kill", new { reason = "drill" }, HttpStatusCode.OK, "kill" },
        { "/api/ops/resume", null, HttpStatusCode.OK, "resume" },
        { "/api/ops/strategies/alpha/disable", null, HttpStatusCode.OK, "strategy.disable" },
        { "/api/ops/strategies/beta/enable", null, HttpStatusCode.OK, "strategy.enable" },
        { "/api/ops/strategies/nope/enable", null, HttpStatusCode.NotFound, "strategy.enable" },
        { "/api/ops/strategies/silent/disable", null, HttpStatusCode.ServiceUnavailable, "strategy.disable" },
        { "/api/ops/triangles/tri_api/enable", null, HttpStatusCode.OK, "triangle.enable" },
        { "/api/ops/triangles/nope/disable", null, HttpStatusCode.NotFound, "triangle.disable" },
    };

    [Theory]
    [MemberData(nameof(Commands))]
    public async Task Every_ops_command_leaves_exactly_one_audit_entry_with_its_result(string path, object? body, HttpStatusCode expected, string command)
    {
        using var response = await host.SendAsync(HttpMethod.Post, path, host.Tokens[Roles.Operator], body);
        Assert.Equal(expected, response.StatusCode);
        if (expected == HttpStatusCode.ServiceUnavailable)
        {
            Assert.Equal(TimeSpan.FromSeconds(5), response.Headers.RetryAfter?.Delta);
        }

        var json = await ApiHost.JsonAsync(response);
        var auditId = json.GetProperty("auditId").GetString()!;
        Assert.Equal(command, json.GetProperty("command").GetString());

        // Through the projection and the read endpoint: one row for this command, result recorded.
        JsonElement entry = default;
        await ApiHost.EventuallyAsync(async () =>
        {
            using var r = await host.SendAsync(HttpMethod.Get, $"/api/audit?user=operator&command={command}&limit=500", host.Tokens[Roles.Viewer]);
            var items = (await ApiHost.JsonAsync(r)).GetProperty("items").EnumerateArray().Where(i => i.GetProperty("auditId").GetString() == auditId).ToArray();
            entry = items.FirstOrDefault();
            return items.Length == 1 && entry.GetProperty("result").GetString() != "pending";
        }, "audit entry with result");
        Assert.Equal(1, await AuditRowsAsync(auditId));
        Assert.Equal("operator", entry.GetProperty("user").GetString());
        // A command that was not done answers a problem whose `result` is the word the audit entry starts with.
        var result = expected == HttpStatusCode.OK ? json.GetProperty("status").GetString()! : json.GetProperty("result").GetString()!;
        Assert.StartsWith(result, entry.GetProperty("result").GetString());
        if (expected != HttpStatusCode.OK)
        {
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
            Assert.Equal((int)expected, json.GetProperty("status").GetInt32());
            Assert.False(string.IsNullOrWhiteSpace(json.GetProperty("detail").GetString()));
        }
    }

    [Fact]
    public async Task Kill_without_a_reason_is_400_naming_the_field_and_is_not_run_or_audited()
    {
        var kills = host.Risk.Kills;
        var audits = await host.ScalarAsync("SELECT COUNT(*) FROM read_audit");
        using var response = await host.SendAsync(HttpMethod.Post, "/api/ops/kill", host.Tokens[Roles.Operator], new { reason = "" });
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.True((await ApiHost.JsonAsync(response)).GetProperty("errors").TryGetProperty("reason", out _));
        Assert.Equal(kills, host.Risk.Kills);
        Assert.Equal(audits, await host.ScalarAsync("SELECT COUNT(*) FROM read_audit"));
    }
}
