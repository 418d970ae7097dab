using System.Net;
using System.Text.Json;
using Arbitrage.Node.Dashboard;
using Arbitrage.Testing;
using Microsoft.Playwright;

namespace Arbitrage.Node.Tests.Dashboard;

/// <summary>
/// The dashboard's data pages (signals, trades and positions, funding, triangles, audit, admin) and the operators' risk
/// controls, in headless Chromium against the demo node: rows from the node's own data, controls that reach the server
/// and its audit log, roles refused by the server.
/// </summary>
[Collection(DashboardCollection.Name)]
public sealed class DashboardPagesTests(DashboardNode node)
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(30);

    // The example strategy's first signal needs 70 minutes of tape (≈ 1.5 min at ×50 after the node started).
    private static readonly TimeSpan FirstSignal = TimeSpan.FromSeconds(240);

    private static PageWaitForFunctionOptions Within(TimeSpan t) => new() { Timeout = (float)t.TotalMilliseconds };

    [SkippableFact]
    public async Task Signals_page_lists_the_nodes_signals_with_their_score_breakdown_filters_them_and_adds_new_ones_live()
    {
        DashboardNode.RequireChromium();
        var signals = await node.Api["viewer1"].WaitForAsync("/api/signals?limit=200",
            (s, b) => s == HttpStatusCode.OK && b.GetProperty("items").GetArrayLength() > 0, FirstSignal);
        var newest = signals.GetProperty("items")[0];

        await using var browser = await DashboardPage.OpenAsync(node);
        await browser.LoginAsync("viewer1");
        var page = browser.Page;
        await page.GotoAsync("/signals");
        await browser.WaitReadyAsync();

        // The API's newest signal is a row, with its score in points, prices in USD and its breakdown's components.
        var row = page.Locator($"[data-testid=signals-table] tr[data-signal='{newest.GetProperty("signalId").GetString()}']");
        await row.WaitForAsync();
        var cells = await row.Locator(":scope > td").AllTextContentsAsync();
        Assert.Equal(newest.GetProperty("strategyId").GetString(), cells[1]);
        Assert.Equal(newest.GetProperty("symbol").GetString(), cells[2]);
        Assert.Equal(newest.GetProperty("direction").GetString()!.ToLowerInvariant(), cells[3]);
        Assert.EndsWith(" pt", cells[4], StringComparison.Ordinal);
        Assert.EndsWith(" USD", cells[6], StringComparison.Ordinal);
        Assert.StartsWith("local: ", await row.Locator("time").GetAttributeAsync("title"), StringComparison.Ordinal);
        var components = newest.GetProperty("breakdown").EnumerateArray().Select(c => c.GetProperty("name").GetString()!).ToList();
        Assert.NotEmpty(components);
        await row.Locator("details.breakdown summary").ClickAsync();
        var shown = await row.Locator("details.breakdown tbody tr td:first-child").AllTextContentsAsync();
        Assert.Equal(components, shown);

        // Filters: the direction filter keeps only that side; the strategy filter asks the API and is kept in the URL.
        var direction = newest.GetProperty("direction").GetString()!.ToLowerInvariant();
        var other = direction == "long" ? "short" : "long";
        await page.SelectOptionAsync("#filter-direction", other);
        await page.WaitForFunctionAsync("d => [...document.querySelectorAll('[data-testid=signals-table] tbody tr[data-signal]')].every(r => r.children[3].textContent === d)", other);
        Assert.Equal(0, await row.CountAsync());
        await page.SelectOptionAsync("#filter-direction", direction);
        await row.WaitForAsync();
        await page.SelectOptionAsync("#filter-strategy", "v52_8signals");
        await page.WaitForFunctionAsync("() => location.search.includes('strategy=v52_8signals')");
        await page.WaitForFunctionAsync("() => [...document.querySelectorAll('[data-testid=signals-table] tbody tr[data-signal]')].every(r => r.children[1].textContent === 'v52_8signals')");
        Assert.Equal(0, await row.CountAsync());
        await page.SelectOptionAsync("#filter-strategy", string.Empty);
        await page.SelectOptionAsync("#filter-direction", string.Empty);
        await row.WaitForAsync();

        // A new signal arrives from the stream without a reload and is the API's too.
        await page.EvaluateAsync("() => { window.__navigations = performance.getEntriesByType('navigation').length; }");
        var live = page.Locator("[data-testid=signals-table] tr[data-live=true]").First;
        await live.WaitForAsync(new LocatorWaitForOptions { Timeout = (float)FirstSignal.TotalMilliseconds });
        var liveId = await live.GetAttributeAsync("data-signal");
        await node.Api["viewer1"].WaitForAsync("/api/signals?limit=50", (s, b) => s == HttpStatusCode.OK
            && b.GetProperty("items").EnumerateArray().Any(x => x.GetProperty("signalId").GetString() == liveId), Deadline);
        Assert.True(await page.EvaluateAsync<bool>("() => window.__navigations === performance.getEntriesByType('navigation').length"), "the page reloaded");
        await live.Locator("details.breakdown summary").ClickAsync();
        await browser.ScreenshotAsync("signals");
        browser.AssertNoErrors();
    }

    [SkippableFact]
    public async Task Trades_page_shows_the_nodes_closed_trades_with_pnl_in_usd_and_r_and_exit_reason_codes()
    {
        DashboardNode.RequireChromium();
        var trades = await node.Api["viewer1"].WaitForAsync("/api/trades?limit=500",
            (s, b) => s == HttpStatusCode.OK && b.GetArrayLength() > 0, FirstSignal + FirstSignal);
        var last = trades[0];

        await using var browser = await DashboardPage.OpenAsync(node);
        await browser.LoginAsync("viewer1");
        var page = browser.Page;
        await page.GotoAsync("/trades");
        await browser.WaitReadyAsync();

        var row = page.Locator($"[data-testid=trades-table] tr[data-signal='{last.GetProperty("signalId").GetString()}']");
        await row.WaitForAsync();
        var cells = await row.Locator("td").AllTextContentsAsync();
        Assert.Equal(last.GetProperty("symbol").GetString(), cells[1]);
        Assert.Equal(last.GetProperty("strategy").GetString(), cells[2]);
        Assert.EndsWith(" USD", cells[8], StringComparison.Ordinal);
        Assert.Equal(Math.Round(decimal.Parse(last.GetProperty("pnlUsd").GetString()!, System.Globalization.CultureInfo.InvariantCulture), 2),
            decimal.Parse(cells[8].Replace(" USD", string.Empty, StringComparison.Ordinal).Replace(",", string.Empty, StringComparison.Ordinal), System.Globalization.CultureInfo.InvariantCulture));
        Assert.EndsWith(" R", cells[9], StringComparison.Ordinal);
        Assert.Equal(last.GetProperty("exitReason").GetString(), cells[11]);
        Assert.Equal(last.GetProperty("exitDetail").GetString() is { Length: > 0 } d ? d : null, await row.Locator("[data-testid=exit-reason]").GetAttributeAsync("title"));
        // Every trade the API had is a row (more may have closed since).
        foreach (var t in trades.EnumerateArray())
        {
            Assert.Equal(1, await page.Locator($"[data-testid=trades-table] tr[data-signal='{t.GetProperty("signalId").GetString()}']").CountAsync());
        }

        Assert.Contains("USD", await page.TextContentAsync("[data-testid=trades-pnl-usd]"), StringComparison.Ordinal);

        // Quantities in the base asset; open positions have their own table.
        Assert.EndsWith(" BTC", cells[6], StringComparison.Ordinal);
        await page.Locator("[data-testid=positions-table]").WaitForAsync();

        await browser.ScreenshotAsync("trades");
        browser.AssertNoErrors();
    }

    [SkippableFact]
    public async Task Symbol_chart_marks_every_closed_trades_entry_and_exit_beside_the_signals()
    {
        DashboardNode.RequireChromium();
        var trades = await node.Api["viewer1"].WaitForAsync("/api/trades?limit=200&symbol=BTCUSD_PERP",
            (s, b) => s == HttpStatusCode.OK && b.GetArrayLength() > 0, FirstSignal + FirstSignal);
        var (_, signals) = await node.Api["viewer1"].GetAsync("/api/signals?limit=100&symbol=BTCUSD_PERP");

        await using var browser = await DashboardPage.OpenAsync(node);
        await browser.LoginAsync("viewer1");
        var page = browser.Page;
        await page.GotoAsync("/symbol?s=BTCUSD_PERP");
        await browser.WaitReadyAsync();

        // Two markers (entry, exit) for each of the symbol's closed trades, at least; more arrive live as trades close.
        var tradeMarkers = int.Parse((await page.GetAttributeAsync("[data-testid=chart]", "data-trade-markers"))!, System.Globalization.CultureInfo.InvariantCulture);
        Assert.True(tradeMarkers >= 2 * trades.GetArrayLength(), $"{tradeMarkers} trade markers for {trades.GetArrayLength()} trades");
        Assert.Equal(0, tradeMarkers % 2);
        var all = int.Parse((await page.GetAttributeAsync("[data-testid=chart]", "data-markers"))!, System.Globalization.CultureInfo.InvariantCulture);
        Assert.True(all >= tradeMarkers + signals.GetProperty("items").GetArrayLength(), $"{all} markers: fewer than the trades' and the signals'");
        await browser.ScreenshotAsync("symbol-trades");
        browser.AssertNoErrors();
    }

    [SkippableFact]
    public async Task An_operator_disables_and_enables_a_strategy_and_edits_a_risk_parameter_each_confirmed_and_shown_in_the_audit_page()
    {
        DashboardNode.RequireChromium();
        await using var browser = await DashboardPage.OpenAsync(node);
        await browser.LoginAsync("operator1");
        var page = browser.Page;
        await page.GotoAsync("/risk");
        await browser.WaitReadyAsync();
        const string Strategy = "v52_8signals";
        var strategyRow = page.Locator($"[data-testid=strategies-table] tr[data-strategy={Strategy}]");

        // Disable: a cancelled dialog sends nothing; a confirmed one reaches the strategies actor.
        await strategyRow.Locator("[data-testid=strategy-disable]").ClickAsync();
        await page.ClickAsync("[data-testid=confirm-no]");
        Assert.True(await StrategyEnabledAsync(Strategy));
        await strategyRow.Locator("[data-testid=strategy-disable]").ClickAsync();
        await page.WaitForSelectorAsync("dialog[open]");
        await page.ClickAsync("[data-testid=confirm-yes]");
        await node.Api["admin"].WaitForAsync("/api/strategies", (s, b) => s == HttpStatusCode.OK && !Enabled(b, Strategy), Deadline);
        await strategyRow.Locator("[data-testid=strategy-enable]").WaitForAsync();
        Assert.Equal("disabled", await strategyRow.Locator("td").Nth(2).TextContentAsync());

        await strategyRow.Locator("[data-testid=strategy-enable]").ClickAsync();
        await page.ClickAsync("[data-testid=confirm-yes]");
        await node.Api["admin"].WaitForAsync("/api/strategies", (s, b) => s == HttpStatusCode.OK && Enabled(b, Strategy), Deadline);
        await strategyRow.Locator("[data-testid=strategy-disable]").WaitForAsync();

        // A parameter edit: only the changed field is sent, after the dialog listed it.
        var (_, before) = await node.Api["admin"].GetAsync("/api/risk");
        var limit = before.GetProperty("parameters").GetProperty("dailyLossLimitR").GetDecimal();
        var wanted = limit + 1;
        await page.FillAsync("#param-dailyLossLimitR", wanted.ToString(System.Globalization.CultureInfo.InvariantCulture));
        await page.ClickAsync("[data-testid=apply-parameters]");
        await page.WaitForSelectorAsync("dialog[open]");
        Assert.Contains($"Daily loss limit: {limit:0.00} R → {wanted:0.00} R", await page.TextContentAsync("dialog"), StringComparison.Ordinal);
        await page.ClickAsync("[data-testid=confirm-yes]");
        await node.Api["admin"].WaitForAsync("/api/risk", (s, b) => s == HttpStatusCode.OK
            && b.GetProperty("parameters").GetProperty("dailyLossLimitR").GetDecimal() == wanted, Deadline);
        await page.WaitForFunctionAsync("v => document.querySelector('[data-parameter=dailyLossLimitR]').textContent === v", $"{wanted:0.00} R");
        await browser.ScreenshotAsync("risk-operator-controls");

        // Each reached the audit log under the operator's name, and the Audit page lists them newest first.
        var audit = await node.Api["admin"].WaitForAsync("/api/audit?limit=100&user=operator1", (s, b) => s == HttpStatusCode.OK
            && b.GetProperty("items").EnumerateArray().Any(a => a.GetProperty("command").GetString() == "risk.parameters"), Deadline);
        var items = audit.GetProperty("items").EnumerateArray().ToList();
        Assert.Contains(items, a => a.GetProperty("command").GetString() == "strategy.disable" && a.GetProperty("arguments").GetProperty("id").GetString() == Strategy);
        Assert.Contains(items, a => a.GetProperty("command").GetString() == "strategy.enable" && a.GetProperty("arguments").GetProperty("id").GetString() == Strategy);
        var parameters = items.First(a => a.GetProperty("command").GetString() == "risk.parameters");
        Assert.Equal(["dailyLossLimitR"], parameters.GetProperty("arguments").EnumerateObject().Select(p => p.Name));

        await page.GotoAsync("/audit?user=operator1");
        await browser.WaitReadyAsync();
        var commands = await page.Locator("[data-testid=audit-table] tbody tr").EvaluateAllAsync<string[]>("rows => rows.map(r => r.dataset.command)");
        Assert.Equal(items.Select(a => a.GetProperty("command").GetString()!).ToArray(), commands);
        Assert.True(Array.IndexOf(commands, "risk.parameters") < Array.IndexOf(commands, "strategy.enable"), "newest first");
        Assert.True(Array.IndexOf(commands, "strategy.enable") < Array.IndexOf(commands, "strategy.disable"), "newest first");
        await page.FillAsync("#audit-command", "risk.parameters");
        await page.PressAsync("#audit-command", "Enter");
        await page.WaitForFunctionAsync("() => [...document.querySelectorAll('[data-testid=audit-table] tbody tr')].every(r => r.dataset.command === 'risk.parameters')");
        await browser.ScreenshotAsync("audit");

        var (restored, _) = await node.Api["admin"].PutAsync("/api/ops/risk/parameters", new { dailyLossLimitR = limit });
        Assert.Equal(HttpStatusCode.OK, restored);
        browser.AssertNoErrors();
    }

    [SkippableFact]
    public async Task A_viewer_sees_no_strategy_or_parameter_controls_and_the_server_refuses_them_forged()
    {
        DashboardNode.RequireChromium();
        await using var browser = await DashboardPage.OpenAsync(node);
        await browser.LoginAsync("viewer1");
        var page = browser.Page;
        await page.GotoAsync("/risk");
        await browser.WaitReadyAsync();

        // The viewer sees the strategies and the parameters' values, but no control.
        await page.Locator("[data-testid=strategies-table] tr[data-strategy=example_trades_only]").WaitForAsync();
        Assert.Contains("USD", await page.TextContentAsync("[data-parameter=riskPerTradeUsd]"), StringComparison.Ordinal);
        Assert.Equal(0, await page.Locator("[data-testid=strategy-disable], [data-testid=strategy-enable], [data-testid=parameters-form], [data-testid=ops]").CountAsync());

        // With the viewer's session and a valid CSRF token: refused by the server all the same.
        Assert.Equal(403, await ForgeAsync(page, "POST", "/api/ops/strategies/example_trades_only/disable", null));
        Assert.Equal(403, await ForgeAsync(page, "PUT", "/api/ops/risk/parameters", "{\"dailyLossLimitR\":1}"));
        Assert.True(await StrategyEnabledAsync("example_trades_only"), "a refused request disabled the strategy");
        var (_, risk) = await node.Api["admin"].GetAsync("/api/risk");
        Assert.NotEqual(1m, risk.GetProperty("parameters").GetProperty("dailyLossLimitR").GetDecimal());
        browser.AssertNoErrors("the server responded with a status of 403");
    }

    [SkippableFact]
    public async Task An_admin_manages_users_and_creates_an_invite_shown_once_that_registers_a_user()
    {
        DashboardNode.RequireChromium();
        await using var browser = await DashboardPage.OpenAsync(node);
        await browser.LoginAsync("admin");
        var page = browser.Page;
        await page.ClickAsync("nav a[href='/admin']");
        await browser.WaitReadyAsync();
        foreach (var user in DashboardNode.Users)
        {
            await page.Locator($"[data-testid=users-table] tr[data-user={user}]").WaitForAsync();
        }

        Assert.Equal("operator", await page.TextContentAsync("[data-testid=users-table] tr[data-user=operator1] td.user-role"));

        // An invite: created after the dialog, its code shown once, and the code registers a new account.
        await page.SelectOptionAsync("#invite-role", "viewer");
        await page.ClickAsync("[data-testid=invite-create]");
        await page.ClickAsync("[data-testid=confirm-yes]");
        var code = await page.Locator("[data-testid=invite-code]").TextContentAsync();
        Assert.False(string.IsNullOrWhiteSpace(code));
        using (var http = new HttpClient { BaseAddress = node.Url })
        {
            using var register = await http.PostAsync("/api/auth/register", System.Net.Http.Json.JsonContent.Create(new { inviteCode = code, username = "promotee", password = DashboardNode.Password }));
            Assert.Equal(HttpStatusCode.Created, register.StatusCode);
        }

        await page.ReloadAsync();
        await browser.WaitReadyAsync();
        Assert.Equal(0, await page.Locator("[data-testid=invite-code]").CountAsync());
        var promotee = page.Locator("[data-testid=users-table] tr[data-user=promotee]");
        await promotee.WaitForAsync();

        // Change the role: the API reports it, and the table shows it.
        await promotee.Locator("[data-testid=user-role]").SelectOptionAsync("operator");
        await promotee.Locator("[data-testid=user-set-role]").ClickAsync();
        await page.ClickAsync("[data-testid=confirm-yes]");
        await page.WaitForFunctionAsync("() => document.querySelector('[data-testid=users-table] tr[data-user=promotee] td.user-role').textContent === 'operator'");
        Assert.Equal("operator", UserOf(await UsersAsync(), "promotee").GetProperty("role").GetString());

        // Ban: the user can no longer log in; unban lets them in again.
        await promotee.Locator("[data-testid=user-ban]").ClickAsync();
        await page.ClickAsync("[data-testid=confirm-yes]");
        await promotee.Locator("[data-testid=user-unban]").WaitForAsync();
        Assert.True(UserOf(await UsersAsync(), "promotee").GetProperty("banned").GetBoolean());
        Assert.NotEqual(HttpStatusCode.OK, await LoginStatusAsync("promotee"));
        await browser.ScreenshotAsync("admin");
        await promotee.Locator("[data-testid=user-unban]").ClickAsync();
        await page.ClickAsync("[data-testid=confirm-yes]");
        await promotee.Locator("[data-testid=user-ban]").WaitForAsync();
        Assert.Equal(HttpStatusCode.OK, await LoginStatusAsync("promotee"));
        browser.AssertNoErrors();
    }

    [SkippableFact]
    public async Task The_admin_page_is_hidden_from_operators_and_viewers_and_the_server_refuses_them()
    {
        DashboardNode.RequireChromium();
        foreach (var user in new[] { "operator1", "viewer1" })
        {
            await using var browser = await DashboardPage.OpenAsync(node);
            await browser.LoginAsync(user);
            var page = browser.Page;
            Assert.Equal(0, await page.Locator("nav a[href='/admin']").CountAsync());
            Assert.True(await page.Locator("nav a[href='/audit']").CountAsync() == 1, "the audit page is for every role");
            await page.GotoAsync("/admin");
            await browser.WaitReadyAsync();
            Assert.StartsWith("Admins only", await page.TextContentAsync("[data-testid=admin-refused]"), StringComparison.Ordinal);
            Assert.Equal(0, await page.Locator("[data-testid=users-table], [data-testid=invite-create]").CountAsync());

            Assert.Equal(403, await ForgeAsync(page, "GET", "/api/admin/users", null));
            Assert.Equal(403, await ForgeAsync(page, "POST", "/api/admin/invites", "{\"role\":\"admin\"}"));
            Assert.Equal(403, await ForgeAsync(page, "PUT", $"/api/admin/users/{user}/role", "{\"role\":\"admin\"}"));
            Assert.Equal(403, await ForgeAsync(page, "POST", "/api/admin/users/admin/ban", null));
            browser.AssertNoErrors("the server responded with a status of 403");
        }

        var users = await UsersAsync();
        Assert.Equal("viewer", UserOf(users, "viewer1").GetProperty("role").GetString());
        Assert.False(UserOf(users, "admin").GetProperty("banned").GetBoolean());
    }

    [SkippableFact]
    public async Task Every_control_of_every_page_is_reachable_with_the_tab_key()
    {
        DashboardNode.RequireChromium();
        await using var browser = await DashboardPage.OpenAsync(node);
        await browser.LoginAsync("admin");
        var page = browser.Page;
        foreach (var path in DashboardEndpoints.Pages)
        {
            await page.GotoAsync(path);
            await browser.WaitReadyAsync();

            // Tab from the top until focus comes back around; every link, button, field and disclosure of the page was focused.
            var missing = await page.EvaluateAsync<string[]>("""
                () => [...document.querySelectorAll('header a, header button, main a, main button, main select, main input, main summary')]
                  .filter(e => e.getClientRects().length > 0 && !e.closest('[hidden]'))
                  .map((e, i) => { e.dataset.kb = String(i); return e; })
                  .map(e => e.dataset.kb)
                """);
            var seen = new HashSet<string>(StringComparer.Ordinal);
            for (var i = 0; i < 600 && seen.Count < missing.Length; i++)
            {
                await page.Keyboard.PressAsync("Tab");
                if (await page.EvaluateAsync<string?>("() => document.activeElement?.dataset.kb ?? null") is { } kb)
                {
                    seen.Add(kb);
                }
            }

            var unreached = await page.EvaluateAsync<string[]>(
                "seen => [...document.querySelectorAll('[data-kb]')].filter(e => !seen.includes(e.dataset.kb)).map(e => e.outerHTML.slice(0, 120))", seen.ToArray());
            Assert.True(unreached.Length == 0, $"{path}: not reachable with Tab:\n{string.Join('\n', unreached)}");
        }

        browser.AssertNoErrors();
    }

    [SkippableFact]
    public async Task Funding_and_triangles_pages_show_what_the_node_has_with_units_and_say_what_is_missing()
    {
        DashboardNode.RequireChromium();
        await using var browser = await DashboardPage.OpenAsync(node);
        await browser.LoginAsync("viewer1");
        var page = browser.Page;

        await page.GotoAsync("/funding");
        await browser.WaitReadyAsync();
        var (_, rates) = await node.Api["viewer1"].GetAsync("/api/rates");
        Assert.Equal(rates.GetArrayLength(), await page.Locator("[data-testid=rates-table] tbody tr[data-symbol]").CountAsync());
        var symbol = await page.EvalOnSelectorAsync<string>("#funding-symbol", "s => s.value");
        var (_, history) = await node.Api["viewer1"].GetAsync("/api/history?limit=5000&symbol=" + symbol);
        Assert.Equal(history.EnumerateArray().Select(x => x.GetProperty("timeMs").GetInt64() / 1000).Distinct().Count().ToString(System.Globalization.CultureInfo.InvariantCulture),
            await page.GetAttributeAsync("[data-testid=funding-chart]", "data-points"));
        Assert.True(await page.Locator("[data-testid=funding-chart] canvas").CountAsync() > 0, "no chart was drawn");
        if (history.GetArrayLength() == 0)
        {
            Assert.Contains($"No settled funding recorded for {symbol}", await page.TextContentAsync("[data-testid=no-history]"), StringComparison.Ordinal);
        }
        else
        {
            Assert.Contains("% a year", await page.TextContentAsync("[data-testid=annualised-7d]"), StringComparison.Ordinal);
        }

        await browser.ScreenshotAsync("funding");

        await page.GotoAsync("/triangles");
        await browser.WaitReadyAsync();
        var (_, view) = await node.Api["viewer1"].GetAsync("/api/triangles?limit=50");
        var (_, attempts) = await node.Api["viewer1"].GetAsync("/api/triangles/attempts?limit=50");
        Assert.Equal(view.GetProperty("cycles").GetArrayLength(), await page.Locator("[data-testid=cycles-table] tbody tr[data-cycle]").CountAsync());
        Assert.True(await page.Locator("[data-testid=attempts-table] tbody tr[data-attempt]").CountAsync() >= Math.Min(1, attempts.GetArrayLength()));
        await browser.ScreenshotAsync("triangles");
        browser.AssertNoErrors();
    }

    [SkippableFact]
    public async Task Funding_page_shows_rates_history_statistics_and_the_carry_of_a_node_fed_mark_price_frames()
    {
        DashboardNode.RequireChromium();

        // The demo tape has no markPrice frames: this node replays a recorded USD-M BTCUSDT tape that has them (the carry's symbol).
        var work = Path.Combine(Path.GetTempPath(), "arb-dashboard", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(work);
        var invite = "boot-" + Guid.NewGuid().ToString("N");
        var tape = Path.Combine(RepoPaths.Fixtures, "binance_usdm_BTCUSDT_ws_depth0ms_bookTicker_trade_markPrice1s_2023-04-05T0000Z_head3000.hftbt.gz");
        var funding = NodeProcess.Start(work, NodeProcess.TestEnvironment(work, invite), "--exchange", "sim", "--tape", tape, "--speed", "1");
        try
        {
            var url = await funding.WaitListeningAsync(TimeSpan.FromSeconds(120));
            using var admin = new NodeClient(url);
            await admin.RegisterAndLoginAsync(invite);
            var rates = await admin.WaitForAsync("/api/rates", (s, b) => s == HttpStatusCode.OK && b.GetArrayLength() > 0, TimeSpan.FromSeconds(90));
            var history = await admin.WaitForAsync("/api/history?limit=5000&symbol=BTCUSDT", (s, b) => s == HttpStatusCode.OK && b.GetArrayLength() > 0, Deadline);

            await using var browser = await DashboardPage.OpenAsync(node.Browser, url);
            await browser.LoginAsync("admin");
            var page = browser.Page;
            await page.GotoAsync("/funding?s=BTCUSDT");
            await browser.WaitReadyAsync();

            var row = page.Locator("[data-testid=rates-table] tr[data-symbol=BTCUSDT]");
            var cells = await row.Locator("td").AllTextContentsAsync();
            Assert.Equal("BTCUSDT", cells[0]);
            Assert.EndsWith(" USD", cells[1], StringComparison.Ordinal);
            Assert.EndsWith(" %", cells[4], StringComparison.Ordinal);
            Assert.Equal(Math.Round(rates[0].GetProperty("predictedRate").GetDecimal() * 100, 4), decimal.Parse(cells[4].TrimEnd('%', ' '), System.Globalization.CultureInfo.InvariantCulture));
            Assert.EndsWith("% a year", cells[5], StringComparison.Ordinal);
            Assert.Equal("8 h", cells[6]);

            // The chart holds the settled history; the statistics name the interval's source; the carry of BTCUSDT is shown.
            var points = int.Parse((await page.GetAttributeAsync("[data-testid=funding-chart]", "data-points"))!, System.Globalization.CultureInfo.InvariantCulture);
            Assert.True(points >= history.GetArrayLength() && points > 0, $"{points} chart points for {history.GetArrayLength()} settlements");
            var stats = await page.TextContentAsync("[data-testid=stats-values]");
            Assert.Contains("8 h (stream)", stats, StringComparison.Ordinal);
            Assert.Contains("%", await page.TextContentAsync("[data-testid=last-settled]"), StringComparison.Ordinal);
            Assert.Equal(0, await page.Locator("[data-testid=no-carry]").CountAsync());
            Assert.Equal("none", await page.TextContentAsync("[data-testid=carry-open]"));
            var carry = await page.TextContentAsync("[data-testid=carry]");
            Assert.Contains("% a year", carry, StringComparison.Ordinal);
            Assert.DoesNotContain("null", carry, StringComparison.Ordinal);
            await browser.ScreenshotAsync("funding-btcusdt");
            browser.AssertNoErrors();
        }
        finally
        {
            await funding.DisposeAsync();
            TestDatabases.DeleteQuietly(work);
        }
    }

    private static async Task<int> ForgeAsync(IPage page, string method, string path, string? body) =>
        await page.EvaluateAsync<int>("""
            ([method, path, body]) => {
              const csrf = decodeURIComponent(document.cookie.split('; ').find(c => c.startsWith('arb_csrf=')).slice(9));
              const headers = { 'X-CSRF-Token': csrf };
              if (body !== null) headers['Content-Type'] = 'application/json';
              return fetch(path, { method, headers, body: body ?? undefined }).then(r => r.status);
            }
            """, new object?[] { method, path, body });

    private static bool Enabled(JsonElement strategies, string id) =>
        strategies.EnumerateArray().First(s => s.GetProperty("id").GetString() == id).GetProperty("enabled").GetBoolean();

    private async Task<bool> StrategyEnabledAsync(string id)
    {
        var (_, list) = await node.Api["admin"].GetAsync("/api/strategies");
        return Enabled(list, id);
    }

    private async Task<JsonElement> UsersAsync()
    {
        var (status, users) = await node.Api["admin"].GetAsync("/api/admin/users");
        Assert.Equal(HttpStatusCode.OK, status);
        return users;
    }

    private static JsonElement UserOf(JsonElement users, string name) => users.EnumerateArray().First(u => u.GetProperty("username").GetString() == name);

    private async Task<HttpStatusCode> LoginStatusAsync(string user)
    {
        using var http = new HttpClient { BaseAddress = node.Url };
        using var login = await http.PostAsync("/api/auth/login", System.Net.Http.Json.JsonContent.Create(new { username = user, password = DashboardNode.Password }));
        return login.StatusCode;
    }
}
