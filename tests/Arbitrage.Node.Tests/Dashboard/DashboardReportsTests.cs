using System.Globalization;
using System.Net;
using System.Text.Json;
using Arbitrage.Node.Api.Read;
using Arbitrage.Node.Tests.Cli;
using Arbitrage.Testing;

namespace Arbitrage.Node.Tests.Dashboard;

/// <summary>
/// The Reports page and <c>GET /api/reports</c> on the dashboard node: a real report written by <c>arbctl backtest</c>
/// (the BTCUSD_PERP fixture) into the node's <c>Paths:Reports</c> folder while the node runs is listed with the numbers of
/// its summary.json, opens in the page with its plots loaded, and nothing outside that folder is served; a triangle report
/// (<c>--kind triangles</c> over the Gemini books) is listed beside it with its kind and attempts.
/// </summary>
[Collection(DashboardCollection.Name)]
public sealed class DashboardReportsTests(DashboardNode node)
{
    private const string Name = "bt-btcusd-perp-head20000";
    private const string TriangleName = "bt-triangles-gemini";
    private static readonly string[] Headline = ["trades", "pnl_usd", "win_rate", "fees_usd", "max_drawdown_usd"];

    [SkippableFact]
    public async Task Reports_page_lists_an_arbctl_backtest_report_with_its_summary_numbers_and_opens_it_with_its_plots()
    {
        DashboardNode.RequireChromium();
        var outDir = Path.Combine(node.Reports, Name);
        var fixture = Path.Combine(RepoPaths.Fixtures, "BTCUSD_PERP-aggTrades-2026-05-08.head20000.zip");
        var (exit, _, stderr) = await ArbctlProcess.RunAsync(
            Path.Combine(node.Work, "arbctl-reports.json"), null,
            "backtest", "--tape", fixture, "--strategies", RepoPaths.Strategies, "--hocon", RepoPaths.Hocon, "--out", outDir);
        Assert.True(exit == 0, stderr);
        using var summary = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(outDir, "summary.json")));
        var expected = summary.RootElement;
        Assert.True(expected.GetProperty("trades").GetInt32() > 0, "the fixture run closed no trade: nothing to compare");

        // A triangle report beside it (the Gemini books, one executing paper config): listed with its kind and attempts.
        var strategies = Path.Combine(node.Work, "report-strategies");
        Directory.CreateDirectory(Path.Combine(strategies, "triangles"));
        await File.WriteAllTextAsync(Path.Combine(strategies, "triangles", "gemini.json"), """
            { "id": "gemini_paper", "venue": "gemini-paper", "symbols": ["BTC/USD", "ETH/USD", "ETH/BTC"], "start_assets": { "USD": 10, "BTC": 0.00016, "ETH": 0.004 },
              "taker_fee": 0, "min_net_return": -0.001, "execute": true, "execute_min_net_return": 0.000001,
              "max_slippage_bps": 0, "leg_order_type": "limit_ioc", "cooldown_ms": 100, "paper_latency_ms": 20 }
            """);
        var triangleDir = Path.Combine(node.Reports, TriangleName);
        (exit, _, stderr) = await ArbctlProcess.RunAsync(
            Path.Combine(node.Work, "arbctl-reports.json"), null,
            "backtest", "--kind", "triangles", "--tape", Path.Combine(RepoPaths.Fixtures, "gemini_BTCUSD_ETHUSD_ETHBTC_books_2021-04-17T1645Z_30s.top20.jsonl"),
            "--strategies", strategies, "--hocon", RepoPaths.Hocon, "--out", triangleDir);
        Assert.True(exit == 0, stderr);
        using var triangleSummary = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(triangleDir, "summary.json")));

        // The API: the folder with kind, time and summary.json's top-level numbers, its files.
        var (status, list) = await node.Api["viewer1"].GetAsync("/api/reports");
        Assert.Equal(HttpStatusCode.OK, status);
        var listed = Assert.Single(list.EnumerateArray(), r => r.GetProperty("name").GetString() == Name);
        Assert.Equal("signals", listed.GetProperty("kind").GetString());
        Assert.Equal(
            new DateTimeOffset(File.GetLastWriteTimeUtc(Path.Combine(outDir, "summary.json"))).ToUnixTimeMilliseconds(),
            listed.GetProperty("createdMs").GetInt64());
        Assert.Equal(["drawdown.png", "equity.png", "report.html", "summary.json", "trades.csv"], listed.GetProperty("files").EnumerateArray().Select(f => f.GetString()));
        foreach (var p in expected.EnumerateObject().Where(p => p.Value.ValueKind is JsonValueKind.Number or JsonValueKind.Null))
        {
            Assert.Equal(p.Value.GetRawText(), listed.GetProperty("summary").GetProperty(p.Name).GetRawText());
        }

        var triangles = Assert.Single(list.EnumerateArray(), r => r.GetProperty("name").GetString() == TriangleName);
        Assert.Equal("triangles", triangles.GetProperty("kind").GetString());
        Assert.False(triangles.GetProperty("summary").TryGetProperty("kind", out _));
        Assert.Equal(triangleSummary.RootElement.GetProperty("attempts").GetInt32(), triangles.GetProperty("summary").GetProperty("attempts").GetInt32());
        Assert.Equal(
            [TriangleName, Name],
            list.EnumerateArray().Select(r => r.GetProperty("name").GetString()).Where(n => n is Name or TriangleName)); // newest first

        // The page: the row's cells carry the same numbers, shown with units.
        await using var browser = await DashboardPage.OpenAsync(node);
        await browser.LoginAsync("viewer1");
        var page = browser.Page;
        await page.GotoAsync("/reports");
        await browser.WaitReadyAsync();
        var row = page.Locator($"[data-testid=reports-table] tbody tr[data-report='{Name}']");
        Assert.Equal("signals", await row.GetAttributeAsync("data-kind"));
        foreach (var key in Headline)
        {
            var shown = await row.Locator($"td[data-key='{key}']").GetAttributeAsync("data-value");
            var value = expected.GetProperty(key);
            if (value.ValueKind == JsonValueKind.Null)
            {
                Assert.Equal("null", shown);
            }
            else
            {
                Assert.Equal(value.GetDouble(), double.Parse(shown!, CultureInfo.InvariantCulture));
            }
        }

        var triangleRow = page.Locator($"[data-testid=reports-table] tbody tr[data-report='{TriangleName}']");
        Assert.Equal("triangles", await triangleRow.GetAttributeAsync("data-kind"));
        Assert.Equal(
            triangleSummary.RootElement.GetProperty("attempts").GetInt32().ToString(CultureInfo.InvariantCulture),
            await triangleRow.Locator("td[data-key=attempts]").GetAttributeAsync("data-value"));
        Assert.Equal(
            triangleSummary.RootElement.GetProperty("pnl_usd").GetDouble(),
            double.Parse((await triangleRow.Locator("td[data-key=pnl_usd]").GetAttributeAsync("data-value"))!, CultureInfo.InvariantCulture));

        Assert.Equal(
            expected.GetProperty("pnl_usd").GetDecimal().ToString("#,0.00", CultureInfo.InvariantCulture) + " USD",
            (await row.Locator("td[data-key=pnl_usd]").TextContentAsync())!.Replace("-0.00", "0.00", StringComparison.Ordinal));

        // Open: report.html in the frame, both plots loaded (1000 px wide PNGs), its summary table showing the trades.
        await row.Locator("[data-testid=open-report]").ClickAsync();
        var frame = page.FrameLocator("[data-testid=report-frame]");
        await frame.Locator("h1").WaitForAsync();
        Assert.Equal("Backtest report", await frame.Locator("h1").TextContentAsync());
        foreach (var alt in new[] { "Equity curve", "Drawdown" })
        {
            var image = frame.Locator($"img[alt='{alt}']");
            await image.WaitForAsync();
            Assert.Equal(1000, await image.EvaluateAsync<int>("i => i.complete ? i.naturalWidth : 0"));
        }

        Assert.Equal(
            expected.GetProperty("trades").GetInt32().ToString(CultureInfo.InvariantCulture),
            await frame.Locator("tr:has(th:text-is('Trades')) td").First.GetAttributeAsync("data-value"));
        await browser.ScreenshotAsync("reports");
        browser.AssertNoErrors();
    }

    [SkippableFact]
    public async Task Report_files_are_served_from_the_reports_folder_only_with_the_reports_own_policy()
    {
        DashboardNode.RequireChromium();
        var folder = Path.Combine(node.Reports, "served");
        Directory.CreateDirectory(folder);
        await File.WriteAllTextAsync(Path.Combine(folder, "summary.json"), """{ "trades": 0 }""");
        await File.WriteAllTextAsync(Path.Combine(folder, "report.html"), "<!DOCTYPE html><title>r</title><p>report</p>");
        await File.WriteAllTextAsync(Path.Combine(folder, "notes.txt"), "not a report file");
        await File.WriteAllTextAsync(Path.Combine(node.Work, "secret.json"), """{ "secret": "outside the reports folder" }""");
        var http = node.Api["viewer1"].Http;
        try
        {
            await AssertServedFromFolderOnlyAsync(http);
        }
        finally
        {
            // Not a real report: the Reports page's screenshot shows only the one arbctl wrote.
            Directory.Delete(folder, recursive: true);
        }
    }

    private async Task AssertServedFromFolderOnlyAsync(HttpClient http)
    {

        using (var ok = await http.GetAsync("/api/reports/served/report.html"))
        {
            Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
            Assert.Equal("text/html", ok.Content.Headers.ContentType?.MediaType);
            Assert.Equal(ReportEndpoints.ReportContentSecurityPolicy, ok.Headers.GetValues("Content-Security-Policy").Single());
            Assert.Contains("<p>report</p>", await ok.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }

        string[] refused =
        [
            "/api/reports/served/notes.txt",              // not a report file type
            "/api/reports/served/missing.json",           // not there
            "/api/reports/%2E%2E/secret.json",            // the parent folder, encoded
            "/api/reports/served/..%2F..%2Fsecret.json",  // an encoded separator in the file
            "/api/reports/..%2Fserved/summary.json",      // an encoded separator in the folder
            "/api/reports/served/%2E%2E%5Csecret.json",   // a backslash
            "/api/reports/.%2E/secret.json",
            "/api/reports/served/.hidden.json",
        ];
        foreach (var path in refused)
        {
            using var response = await http.GetAsync(new Uri(http.BaseAddress!, path));
            Assert.True(response.StatusCode is HttpStatusCode.BadRequest or HttpStatusCode.NotFound, $"{path}: {(int)response.StatusCode}");
            Assert.DoesNotContain("outside the reports folder", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }

        // A folder that is not listed, and no access without a session.
        var (_, list) = await node.Api["viewer1"].GetAsync("/api/reports");
        Assert.DoesNotContain(list.EnumerateArray(), r => r.GetProperty("name").GetString() is not { } n || n.Contains("..", StringComparison.Ordinal));
        using var anonymous = new HttpClient { BaseAddress = node.Url };
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync("/api/reports")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync("/api/reports/served/report.html")).StatusCode);
    }
}
