using System.Globalization;
using System.Net;
using System.Text.Json;
using Arbitrage.Node.Tests.Hosting;
using Arbitrage.Simulator;
using Arbitrage.Testing;
using Arbitrage.Testing.Faults;
using Microsoft.Playwright;

namespace Arbitrage.Node.Tests.Dashboard;

/// <summary>
/// The Triangles page against a node of its own on real spot triangle books (as <c>NodeTriangleTests</c>: the simulator
/// on 127.0.0.1 serving the real BTCUSDT and ETHUSDT captures and a SYNTHETIC ETHBTC book, here 2.5 % rich so that
/// USDT → ETH → BTC → USDT clears the execution floor and the node takes paper attempts): the page's episodes, best
/// returns per cycle and attempts equal the API's, and a new episode arrives over the stream without a reload.
/// </summary>
[Collection(DashboardCollection.Name)]
public sealed class DashboardTrianglesTests(DashboardNode node) : IAsyncLifetime
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(90);
    private const decimal RichEthBtc = 0.04450m;

    private readonly string _work = Path.Combine(Path.GetTempPath(), "arb-dashboard", "tri-" + Guid.NewGuid().ToString("N"));

    public Task InitializeAsync()
    {
        Directory.CreateDirectory(_work);
        SpotTriangleTape.CopyStrategies(_work);
        File.WriteAllText(Path.Combine(_work, "strategies", "triangles", "tri_binance.json"), """
            {
              "id": "tri_paper",
              "venue": "binance-spot",
              "symbols": ["BTC/USDT", "ETH/USDT", "ETH/BTC"],
              "start_assets": { "USDT": 100 },
              "taker_fee": "account",
              "min_net_return": -0.5,
              "staleness_ms": 5000,
              "enabled": true,
              "execute": true,
              "execute_min_net_return": 0.001,
              "cooldown_ms": 2000
            }
            """);
        return Task.CompletedTask;
    }

    public Task DisposeAsync()
    {
        TestDatabases.DeleteQuietly(_work);
        return Task.CompletedTask;
    }

    [SkippableFact]
    public async Task Triangles_page_lists_a_paper_nodes_episodes_best_returns_and_attempts_as_the_api_does_and_adds_new_episodes_live()
    {
        DashboardNode.RequireChromium();
        await using var sim = await SpotTriangleTape.StartSimulatorAsync(speed: 0.3, ethBtcMid: RichEthBtc);
        var invite = "tri-dash-" + Guid.NewGuid().ToString("N");
        await using var triangles = NodeProcess.Start(_work, NodeEnvironment(sim, invite));
        var url = await triangles.WaitListeningAsync(Deadline);
        using var admin = new NodeClient(url);
        await admin.RegisterAndLoginAsync(invite);
        await FaultDrills.UntilAsync(() => Task.FromResult(sim.State.Hub.Subscriptions().Streams.Contains("ethbtc@depth")),
            "the node's spot feed subscribed to the three pairs", Deadline, triangles);
        sim.Control.Play();

        // Episodes on both cycles, and a paper attempt on the rich one (one an episode) that has ended; then the tape is paused: the rows hold still.
        await admin.WaitForAsync("/api/triangles?limit=50", (s, b) => s == HttpStatusCode.OK && b.GetProperty("cycles").GetArrayLength() >= 2, Deadline);
        await admin.WaitForAsync("/api/triangles/attempts?limit=50", (s, b) => s == HttpStatusCode.OK
            && b.EnumerateArray().Count(a => a.GetProperty("outcome").ValueKind == JsonValueKind.String) >= 1, Deadline);
        await sim.Control.PauseAsync();

        await using var browser = await DashboardPage.OpenAsync(node.Browser, url);
        await browser.LoginAsync("admin");
        var page = browser.Page;

        // The page read after the API (the read model catches up with the last events): equal once both read the same rows.
        JsonElement view = default, attempts = default;
        var until = DateTime.UtcNow + Deadline;
        string? difference = "not compared";
        while (difference is not null && DateTime.UtcNow < until)
        {
            (_, view) = await admin.GetAsync("/api/triangles?limit=50");
            (_, attempts) = await admin.GetAsync("/api/triangles/attempts?limit=50");
            await page.GotoAsync("/triangles");
            await browser.WaitReadyAsync();
            difference = await DifferenceAsync(page, view, attempts);
        }

        Assert.True(difference is null, "the Triangles page differs from GET /api/triangles: " + difference);

        // Units and times: returns in bp, amounts in their asset, times in UTC with the local time on hover.
        var first = page.Locator("[data-testid=episodes-table] tbody tr[data-start]").First;
        var cells = await first.Locator("td").AllTextContentsAsync();
        Assert.EndsWith(" bp", cells[8], StringComparison.Ordinal);
        Assert.EndsWith(" USDT", cells[3], StringComparison.Ordinal);
        Assert.EndsWith(" UTC", cells[4], StringComparison.Ordinal);
        Assert.StartsWith("local: ", await first.Locator("time").First.GetAttributeAsync("title"), StringComparison.Ordinal);
        var ended = attempts.EnumerateArray().First(a => a.GetProperty("outcome").ValueKind == JsonValueKind.String).GetProperty("attemptId").GetString();
        var attempt = page.Locator($"[data-testid=attempts-table] tbody tr[data-attempt='{ended}']");
        Assert.StartsWith("local: ", await attempt.Locator("time").First.GetAttributeAsync("title"), StringComparison.Ordinal);
        Assert.EndsWith(" USD", (await attempt.Locator("td").AllTextContentsAsync())[8], StringComparison.Ordinal);
        await browser.ScreenshotAsync("triangles-paper");

        // Live: the tape plays on and the ETHBTC connection drops; its episodes close and the resync opens new ones,
        // which the page adds from the stream without a reload.
        var newestShown = view.GetProperty("recent").EnumerateArray().Max(e => e.GetProperty("startMs").GetInt64());
        await page.EvaluateAsync("() => { window.__navigations = performance.getEntriesByType('navigation').length; }");
        sim.Control.Play();
        Assert.True(sim.Control.DropWebSockets("ethbtc@depth@100ms") > 0);
        await page.WaitForFunctionAsync(
            "t => [...document.querySelectorAll('[data-testid=episodes-table] tbody tr[data-start]')].some(r => Number(r.dataset.start) > t)",
            newestShown, new PageWaitForFunctionOptions { Timeout = (float)Deadline.TotalMilliseconds });
        var liveStart = await page.EvaluateAsync<long>(
            "t => Math.max(...[...document.querySelectorAll('[data-testid=episodes-table] tbody tr[data-start]')].map(r => Number(r.dataset.start)))", newestShown);
        Assert.True(await page.EvaluateAsync<bool>("() => window.__navigations === performance.getEntriesByType('navigation').length"), "the page reloaded");
        var (_, after) = await admin.GetAsync("/api/triangles?limit=50");
        Assert.Contains(after.GetProperty("recent").EnumerateArray(), e => e.GetProperty("startMs").GetInt64() == liveStart);
        Assert.Contains(after.GetProperty("recent").EnumerateArray(), e => e.GetProperty("endedBy").ValueKind == JsonValueKind.String
            && e.GetProperty("endedBy").GetString() == "Unsynchronised");
        await browser.ScreenshotAsync("triangles-paper-live");
        browser.AssertNoErrors();
    }

    /// <summary>Null when the page shows exactly the API's open and recent episodes, cycles and attempts; else the first difference.</summary>
    private static async Task<string?> DifferenceAsync(IPage page, JsonElement view, JsonElement attempts)
    {
        foreach (var (table, key) in new[] { ("open-table", "open"), ("episodes-table", "recent") })
        {
            var rows = page.Locator($"[data-testid={table}] tbody tr[data-start]");
            var expected = view.GetProperty(key).EnumerateArray().ToList();
            if (await rows.CountAsync() != expected.Count)
            {
                return $"{table}: {await rows.CountAsync()} rows, the API {expected.Count}";
            }

            for (var i = 0; i < expected.Count; i++)
            {
                var e = expected[i];
                var row = rows.Nth(i);
                var cells = await row.Locator("td").AllTextContentsAsync();
                var end = e.GetProperty("endMs");
                string?[] want =
                [
                    e.GetProperty("venue").GetString(), e.GetProperty("cycle").GetString(), e.GetProperty("startAsset").GetString(),
                    Fixed(e.GetProperty("notional").GetDouble(), 2) + " " + e.GetProperty("startAsset").GetString(),
                    Utc(e.GetProperty("startMs").GetInt64()), end.ValueKind == JsonValueKind.Null ? "open" : Utc(end.GetInt64()), null,
                    Fixed(e.GetProperty("evaluations").GetInt32(), 0), null, Utc(e.GetProperty("peakMs").GetInt64()),
                    e.GetProperty("endedBy").ValueKind == JsonValueKind.Null ? "–" : e.GetProperty("endedBy").GetString(),
                ];
                for (var c = 0; c < want.Length; c++)
                {
                    if (want[c] is { } w && cells[c] != w)
                    {
                        return $"{table} row {i} column {c}: '{cells[c]}', the API '{w}'";
                    }
                }

                if (!SameBp(cells[8], e.GetProperty("peakNetReturn").GetDouble()))
                {
                    return $"{table} row {i}: peak '{cells[8]}', the API {e.GetProperty("peakNetReturn").GetDouble()}";
                }

                if (await row.GetAttributeAsync("data-start") != e.GetProperty("startMs").GetInt64().ToString(CultureInfo.InvariantCulture))
                {
                    return $"{table} row {i}: another episode than the API's";
                }
            }
        }

        var cycleRows = page.Locator("[data-testid=cycles-table] tbody tr[data-cycle]");
        var cycles = view.GetProperty("cycles").EnumerateArray().ToList();
        if (await cycleRows.CountAsync() != cycles.Count)
        {
            return $"cycles-table: {await cycleRows.CountAsync()} rows, the API {cycles.Count}";
        }

        for (var i = 0; i < cycles.Count; i++)
        {
            var c = cycles[i];
            var cells = await cycleRows.Nth(i).Locator("td").AllTextContentsAsync();
            if (cells[0] != c.GetProperty("venue").GetString() || cells[1] != c.GetProperty("configId").GetString() || cells[2] != c.GetProperty("cycle").GetString()
                || cells[3] != Fixed(c.GetProperty("episodes").GetInt64(), 0) || !SameBp(cells[4], c.GetProperty("bestNetReturn").GetDouble())
                || cells[5] != Utc(c.GetProperty("bestMs").GetInt64()))
            {
                return $"cycles-table row {i}: [{string.Join(" | ", cells)}], the API {c}";
            }
        }

        var attemptRows = page.Locator("[data-testid=attempts-table] tbody tr[data-attempt]");
        var list = attempts.EnumerateArray().ToList();
        if (await attemptRows.CountAsync() != list.Count)
        {
            return $"attempts-table: {await attemptRows.CountAsync()} rows, the API {list.Count}";
        }

        for (var i = 0; i < list.Count; i++)
        {
            var a = list[i];
            var row = attemptRows.Nth(i);
            var cells = await row.Locator("td").AllTextContentsAsync();
            var outcome = a.GetProperty("outcome");
            var legs = a.GetProperty("legsFilled");
            if (await row.GetAttributeAsync("data-attempt") != a.GetProperty("attemptId").GetString()
                || cells[0] != Utc(a.GetProperty("startMs").GetInt64()) || cells[2] != a.GetProperty("cycle").GetString()
                || cells[3] != (outcome.ValueKind == JsonValueKind.Null ? "in flight" : outcome.GetString())
                || cells[4] != (legs.ValueKind == JsonValueKind.Null ? "–" : $"{legs.GetInt32()} / 3")
                || cells[5] != Fixed(double.Parse(a.GetProperty("startAmount").GetString()!, CultureInfo.InvariantCulture), 6) + " " + a.GetProperty("startAsset").GetString())
            {
                return $"attempts-table row {i}: [{string.Join(" | ", cells)}], the API {a}";
            }
        }

        return null;
    }

    /// <summary>The page's "x.x bp" is the API's fraction in basis points to one decimal.</summary>
    private static bool SameBp(string shown, double fraction) =>
        shown.EndsWith(" bp", StringComparison.Ordinal)
        && Math.Abs(double.Parse(shown[..^3].Replace(",", string.Empty, StringComparison.Ordinal), CultureInfo.InvariantCulture) - fraction * 10_000) <= 0.05 + 1e-9;

    private static string Fixed(double v, int digits) => v.ToString("N" + digits, CultureInfo.InvariantCulture);

    private static string Utc(long ms) => DateTimeOffset.FromUnixTimeMilliseconds(ms).UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture) + " UTC";

    private Dictionary<string, string> NodeEnvironment(SimulatorHost sim, string invite)
    {
        var env = NodeProcess.TestEnvironment(_work, invite);
        var origin = sim.BaseUrl.ToString().TrimEnd('/');
        var ws = "ws" + origin["http".Length..];
        env["ARB__Paths__Strategies"] = Path.Combine(_work, "strategies");
        env["ARB__Exchange__Kind"] = "binance";
        env["ARB__Exchange__RestUrl"] = origin;
        env["ARB__Exchange__SpotRestUrl"] = origin;
        env["ARB__Exchange__WsUrl"] = ws;
        env["ARB__Exchange__SpotWsUrl"] = ws;
        env["ARB__Exchange__Symbols__0"] = "BTCUSDT";
        return env;
    }
}
