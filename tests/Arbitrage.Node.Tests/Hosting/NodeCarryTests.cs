using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Arbitrage.Testing;

namespace Arbitrage.Node.Tests.Hosting;

/// <summary>
/// The funding side of the real node: mark prices from the simulator's recording reach the funding and
/// carry actors; an operator opens and closes a carry over the bridge, each command audited.
/// </summary>
public sealed class NodeCarryTests : IDisposable
{
    private readonly string _work = Path.Combine(Path.GetTempPath(), "arb-node-carry", Guid.NewGuid().ToString("N"));

    public NodeCarryTests() => Directory.CreateDirectory(_work);

    public void Dispose() => TestDatabases.DeleteQuietly(_work);

    [Fact]
    public async Task Operator_opens_and_closes_a_carry_on_live_mark_prices_and_both_are_audited()
    {
        const string invite = "carry-invite-0123456789abcdef";
        const string password = "carry operator passphrase 7";
        var env = NodeProcess.TestEnvironment(_work, invite);
        var tape = Path.Combine(RepoPaths.Fixtures, "binance_usdm_BTCUSDT_ws_depth0ms_bookTicker_trade_markPrice1s_2023-04-05T0000Z_head3000.hftbt.gz");
        await using var node = NodeProcess.Start(_work, env, "--exchange", "sim", "--tape", tape, "--speed", "5");
        using var http = new HttpClient { BaseAddress = await node.WaitListeningAsync(TimeSpan.FromSeconds(60)) };
        // The engine-state reads are for signed-in viewers only.
        foreach (var path in new[] { "/api/risk", "/api/risk/history", "/api/positions", "/api/strategies", "/api/trades", "/api/indicators/BTCUSDT", "/api/carry/BTCUSDT" })
        {
            Assert.Equal(HttpStatusCode.Unauthorized, (await http.GetAsync(path)).StatusCode);
        }

        // No CORS origin configured: a browser on another origin gets no permission.
        using (var preflight = new HttpRequestMessage(HttpMethod.Options, "/api/signals"))
        {
            preflight.Headers.Add("Origin", "https://evil.example");
            preflight.Headers.Add("Access-Control-Request-Method", "GET");
            var response = await http.SendAsync(preflight);
            Assert.False(response.Headers.Contains("Access-Control-Allow-Origin"));
        }

        // The OpenAPI document describes the bridge.
        var openApi = await http.GetFromJsonAsync<JsonElement>("/openapi/v1.json");
        Assert.True(openApi.GetProperty("paths").TryGetProperty("/api/health", out _));

        (await http.PostAsJsonAsync("/api/auth/register", new { inviteCode = invite, username = "ops", password })).EnsureSuccessStatusCode();
        var login = await (await http.PostAsJsonAsync("/api/auth/login", new { username = "ops", password })).Content.ReadFromJsonAsync<JsonElement>();
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", login.GetProperty("accessToken").GetString());

        Assert.Equal(HttpStatusCode.BadRequest, (await http.PostAsJsonAsync("/api/ops/carry/BTCUSDT/open", new { notionalUsd = -5 })).StatusCode);

        // Until the first mark price arrives the carry refuses (409); then it opens.
        HttpResponseMessage open;
        using (var cts = new CancellationTokenSource(TimeSpan.FromSeconds(60)))
        {
            while (true)
            {
                open = await http.PostAsJsonAsync("/api/ops/carry/BTCUSDT/open", new { notionalUsd = 1000 });
                if (open.StatusCode != HttpStatusCode.Conflict || cts.IsCancellationRequested)
                {
                    break;
                }

                await Task.Delay(TimeSpan.FromMilliseconds(250));
            }
        }

        Assert.True(open.StatusCode == HttpStatusCode.OK, await open.Content.ReadAsStringAsync());
        var status = await http.GetFromJsonAsync<JsonElement>("/api/carry/BTCUSDT");
        Assert.Equal(JsonValueKind.Object, status.GetProperty("open").ValueKind);

        var close = await http.PostAsJsonAsync("/api/ops/carry/BTCUSDT/close", new { reason = "test over" });
        Assert.True(close.StatusCode == HttpStatusCode.OK, await close.Content.ReadAsStringAsync());
        var after = await http.GetFromJsonAsync<JsonElement>("/api/carry/BTCUSDT");
        Assert.Equal(JsonValueKind.Null, after.GetProperty("open").ValueKind);

        // Every attempt was audited (refusals too); the read model catches up with the journal.
        using var wait = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        JsonElement audit;
        do
        {
            audit = await http.GetFromJsonAsync<JsonElement>("/api/audit?command=carry.close");
            if (audit.GetProperty("items").GetArrayLength() > 0 && audit.GetProperty("items")[0].GetProperty("result").GetString()!.StartsWith("done", StringComparison.Ordinal))
            {
                break;
            }

            await Task.Delay(TimeSpan.FromMilliseconds(250));
        }
        while (!wait.IsCancellationRequested);

        Assert.StartsWith("done", Assert.Single(audit.GetProperty("items").EnumerateArray()).GetProperty("result").GetString(), StringComparison.Ordinal);
        var opens = (await http.GetFromJsonAsync<JsonElement>("/api/audit?command=carry.open")).GetProperty("items").EnumerateArray().ToList();

        // The risk history read model: a kill and a resume appear as projected risk events, newest first.
        (await http.PostAsJsonAsync("/api/ops/kill", new { reason = "history test" })).EnsureSuccessStatusCode();
        (await http.PostAsync("/api/ops/resume", null)).EnsureSuccessStatusCode();
        using var historyWait = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        List<string> kinds;
        do
        {
            var history = await http.GetFromJsonAsync<JsonElement>("/api/risk/history?limit=10");
            kinds = history.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("kind").GetString()!).ToList();
            if (kinds.Contains("risk-kill-switch-released.v1"))
            {
                break;
            }

            await Task.Delay(TimeSpan.FromMilliseconds(250));
        }
        while (!historyWait.IsCancellationRequested);

        Assert.Equal(["risk-kill-switch-released.v1", "risk-kill-switch-engaged.v1"], kinds.Take(2));
        Assert.Equal(HttpStatusCode.BadRequest, (await http.GetAsync("/api/risk/history?kind=DROP%20TABLE")).StatusCode);
        Assert.Single(opens, i => i.GetProperty("result").GetString()!.StartsWith("done", StringComparison.Ordinal));
        Assert.All(opens.Where(i => !i.GetProperty("result").GetString()!.StartsWith("done", StringComparison.Ordinal)),
            i => Assert.Contains("no mark/index price yet", i.GetProperty("result").GetString(), StringComparison.Ordinal));
    }
}
