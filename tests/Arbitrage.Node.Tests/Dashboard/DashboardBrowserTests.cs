using System.Net;
using System.Net.Http.Json;
using Arbitrage.Node.Dashboard;
using Microsoft.Playwright;

namespace Arbitrage.Node.Tests.Dashboard;

/// <summary>The dashboard in headless Chromium against a real node replaying a tape: security, live pages, ops controls.</summary>
[Collection(DashboardCollection.Name)]
public sealed class DashboardBrowserTests(DashboardNode node)
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(30);

    [SkippableFact]
    public async Task Login_keeps_the_session_in_httponly_samesite_strict_cookies_and_nothing_in_web_storage()
    {
        DashboardNode.RequireChromium();
        await using var browser = await DashboardPage.OpenAsync(node);
        await browser.LoginAsync("viewer1");

        var cookies = (await browser.Context.CookiesAsync()).ToDictionary(c => c.Name);
        foreach (var name in new[] { "arb_session", "arb_refresh" })
        {
            Assert.True(cookies.TryGetValue(name, out var c), $"no {name} cookie after login");
            Assert.True(c!.HttpOnly, $"{name} must be HttpOnly");
            Assert.Equal(SameSiteAttribute.Strict, c.SameSite);
        }

        Assert.Equal(SameSiteAttribute.Strict, cookies["arb_csrf"].SameSite);
        Assert.Equal(0, await browser.Page.EvaluateAsync<int>("() => localStorage.length + sessionStorage.length"));
        var visible = await browser.Page.EvaluateAsync<string>("() => document.cookie");
        Assert.DoesNotContain("arb_session", visible, StringComparison.Ordinal);
        Assert.DoesNotContain("arb_refresh", visible, StringComparison.Ordinal);
        Assert.Equal("viewer1 (viewer)", await browser.Page.TextContentAsync("[data-testid=who]"));
        await browser.ScreenshotAsync("overview");
        browser.AssertNoErrors();
    }

    [SkippableFact]
    public async Task A_new_user_registers_with_an_invite_in_the_page_and_lands_logged_in_on_the_overview()
    {
        DashboardNode.RequireChromium();
        var (status, invite) = await node.Api["admin"].PostAsync("/api/admin/invites", new { role = "viewer" });
        Assert.Equal(HttpStatusCode.Created, status);
        await using var browser = await DashboardPage.OpenAsync(node);
        var page = browser.Page;
        await page.GotoAsync("/login");
        await page.ClickAsync("a[href='/register']");
        await page.FillAsync("#invite", invite.GetProperty("code").GetString()!);
        await page.FillAsync("#username", "newcomer");
        await page.FillAsync("#password", DashboardNode.Password);
        await page.ClickAsync("button[type=submit]");
        await page.WaitForURLAsync(u => new Uri(u).AbsolutePath == "/", new PageWaitForURLOptions { Timeout = 30_000 });
        await browser.WaitReadyAsync();
        Assert.Equal("newcomer (viewer)", await page.TextContentAsync("[data-testid=who]"));

        // The invite is used up: a second registration with it is refused with the field named.
        await using var second = await DashboardPage.OpenAsync(node);
        await second.Page.GotoAsync("/register");
        await second.Page.FillAsync("#invite", invite.GetProperty("code").GetString()!);
        await second.Page.FillAsync("#username", "latecomer");
        await second.Page.FillAsync("#password", DashboardNode.Password);
        await second.Page.ClickAsync("button[type=submit]");
        await second.Page.WaitForFunctionAsync("() => document.querySelector('[data-testid=register-error]').textContent.startsWith('inviteCode')");
        browser.AssertNoErrors();
    }

    [SkippableFact]
    public async Task Overview_shows_health_cluster_and_risk_and_the_feed_advances_live_without_a_reload()
    {
        DashboardNode.RequireChromium();
        await using var browser = await DashboardPage.OpenAsync(node);
        await browser.LoginAsync("viewer1");
        var page = browser.Page;

        Assert.Equal("ok", await page.TextContentAsync("[data-testid=health-status]"));
        Assert.Contains("BTCUSD_PERP", await page.TextContentAsync("[data-testid=feeds]"), StringComparison.Ordinal);
        Assert.Contains("Up", await page.TextContentAsync("[data-testid=cluster]"), StringComparison.Ordinal);
        Assert.Equal("off", await page.TextContentAsync("[data-testid=risk-kill]"));
        Assert.Contains("USD", await page.TextContentAsync("[data-testid=pnl-usd]"), StringComparison.Ordinal);
        await page.WaitForSelectorAsync("[data-testid=live].ok", new PageWaitForSelectorOptions { Timeout = 30_000 });

        // The tape plays at ×50: a new 15 s tick arrives over SSE well within the deadline and moves the feed's last tick.
        await page.EvaluateAsync("() => { window.__navigations = performance.getEntriesByType('navigation').length; }");
        var first = await page.TextContentAsync("[data-testid=feed-last-tick]");
        await page.WaitForFunctionAsync(
            "before => document.querySelector('[data-testid=feed-last-tick]').textContent !== before", first, new PageWaitForFunctionOptions { Timeout = 30_000 });
        var later = await page.TextContentAsync("[data-testid=feed-last-tick]");
        Assert.Matches(@"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC$", later!);
        Assert.StartsWith("local: ", await page.GetAttributeAsync("[data-testid=feed-last-tick] time", "title"), StringComparison.Ordinal);
        Assert.True(await page.EvaluateAsync<bool>("() => window.__navigations === performance.getEntriesByType('navigation').length"), "the page reloaded");
        browser.AssertNoErrors();
    }

    [SkippableFact]
    public async Task Symbol_page_draws_candles_with_vwap_cvd_and_atr_panes_from_the_indicator_stream()
    {
        DashboardNode.RequireChromium();
        await using var browser = await DashboardPage.OpenAsync(node);
        await browser.LoginAsync("viewer1");
        await browser.Page.GotoAsync("/symbol?s=BTCUSD_PERP");
        await browser.WaitReadyAsync();

        await browser.Page.WaitForFunctionAsync("() => Number(document.querySelector('[data-testid=chart]').dataset.candles) > 1", null, new PageWaitForFunctionOptions { Timeout = 30_000 });
        var canvases = await browser.Page.Locator("[data-testid=chart] canvas").CountAsync();
        Assert.True(canvases >= 3, $"expected the price, CVD and ATR panes' canvases, found {canvases}");

        // The canvas is drawn: the main pane's pixels are not all the background colour.
        var painted = await browser.Page.EvaluateAsync<bool>("""
            () => {
              const c = [...document.querySelectorAll('[data-testid=chart] canvas')].sort((a, b) => b.width * b.height - a.width * a.height)[0];
              const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
              const seen = new Set();
              for (let i = 0; i < d.length; i += 4 * 97) seen.add(d[i] + ',' + d[i + 1] + ',' + d[i + 2]);
              return seen.size > 3;
            }
            """);
        Assert.True(painted, "the chart canvas is blank");
        Assert.Contains("USD", await browser.Page.TextContentAsync("[data-testid=snapshot-values]"), StringComparison.Ordinal);
        await browser.ScreenshotAsync("symbol");
        browser.AssertNoErrors();
    }

    [SkippableFact]
    public async Task A_viewer_sees_no_ops_controls_and_the_server_refuses_forged_posts()
    {
        DashboardNode.RequireChromium();
        await using var browser = await DashboardPage.OpenAsync(node);
        await browser.LoginAsync("viewer1");
        await browser.Page.GotoAsync("/risk");
        await browser.WaitReadyAsync();

        Assert.Equal(0, await browser.Page.Locator("[data-testid=kill]").CountAsync());
        Assert.Equal(0, await browser.Page.Locator("[data-testid=resume]").CountAsync());

        // With the session cookie but without the CSRF header: refused before anything runs.
        var noCsrf = await browser.Page.EvaluateAsync<int>("""
            () => fetch('/api/ops/kill', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ reason: 'forged' }) }).then(r => r.status)
            """);
        Assert.Equal(403, noCsrf);

        // With the CSRF header too: a viewer's session still may not operate.
        var withCsrf = await browser.Page.EvaluateAsync<int>("""
            () => {
              const csrf = decodeURIComponent(document.cookie.split('; ').find(c => c.startsWith('arb_csrf=')).slice(9));
              return fetch('/api/ops/kill', { method: 'POST', headers: { 'Content-Type': 'application/json', 'X-CSRF-Token': csrf }, body: JSON.stringify({ reason: 'forged' }) }).then(r => r.status);
            }
            """);
        Assert.Equal(403, withCsrf);

        // Even an operator's cookie without the header is refused (the operator's own browser, a forged cross-site form).
        await using var op = await DashboardPage.OpenAsync(node);
        await op.LoginAsync("operator1");
        Assert.Equal(403, await op.Page.EvaluateAsync<int>("() => fetch('/ui/session/refresh', { method: 'POST' }).then(r => r.status)"));
        Assert.Equal(403, await op.Page.EvaluateAsync<int>("() => fetch('/api/ops/resume', { method: 'POST' }).then(r => r.status)"));

        var (_, risk) = await node.Api["admin"].GetAsync("/api/risk");
        Assert.False(risk.GetProperty("killSwitch").GetBoolean(), "a refused request engaged the kill switch");
        await browser.ScreenshotAsync("risk-viewer");
        browser.AssertNoErrors("the server responded with a status of 403");
    }

    [SkippableFact]
    public async Task An_operators_confirmed_kill_switch_reaches_the_risk_guard_and_the_audit_log_and_resume_releases_it()
    {
        DashboardNode.RequireChromium();
        await using var browser = await DashboardPage.OpenAsync(node);
        await browser.LoginAsync("operator1");
        var page = browser.Page;
        await page.GotoAsync("/risk");
        await browser.WaitReadyAsync();

        await page.FillAsync("#kill-reason", "dashboard test");
        await page.ClickAsync("[data-testid=kill]");
        await page.WaitForSelectorAsync("dialog[open]");
        await page.ClickAsync("[data-testid=confirm-yes]");
        await page.WaitForFunctionAsync("() => document.querySelector('[data-testid=risk-kill]').textContent.startsWith('ON')", null, new PageWaitForFunctionOptions { Timeout = 30_000 });
        Assert.Contains("operator1", await page.TextContentAsync("[data-testid=risk-kill]"), StringComparison.Ordinal);

        var risk = await node.Api["admin"].WaitForAsync("/api/risk", (s, b) => s == HttpStatusCode.OK && b.GetProperty("killSwitch").GetBoolean(), Deadline);
        Assert.Equal("dashboard test", risk.GetProperty("killReason").GetString());
        // The audit row is written by the audit singleton: wait for it (the dashboard called the audited ops endpoint).
        await node.Api["admin"].WaitForAsync("/api/audit?limit=50", (s, b) => s == HttpStatusCode.OK && b.GetProperty("items").EnumerateArray().Any(a =>
            a.GetProperty("command").GetString() == "kill" && a.GetProperty("user").GetString() == "operator1"
            && a.GetProperty("arguments").GetProperty("reason").GetString() == "dashboard test"), Deadline);
        await page.GotoAsync("/risk");
        await browser.WaitReadyAsync();
        await page.WaitForSelectorAsync("[data-testid=audit-table] tr[data-command=kill]");
        await browser.ScreenshotAsync("risk-operator");

        await page.ClickAsync("[data-testid=resume]");
        await page.ClickAsync("[data-testid=confirm-yes]");
        await node.Api["admin"].WaitForAsync("/api/risk", (s, b) => s == HttpStatusCode.OK && !b.GetProperty("killSwitch").GetBoolean(), Deadline);
        await page.WaitForFunctionAsync("() => document.querySelector('[data-testid=risk-kill]').textContent === 'off'", null, new PageWaitForFunctionOptions { Timeout = 30_000 });
        browser.AssertNoErrors();
    }

    [SkippableFact]
    public async Task A_cancelled_confirmation_sends_nothing()
    {
        DashboardNode.RequireChromium();
        await using var browser = await DashboardPage.OpenAsync(node);
        await browser.LoginAsync("operator1");
        await browser.Page.GotoAsync("/risk");
        await browser.WaitReadyAsync();
        var (_, before) = await node.Api["admin"].GetAsync("/api/audit?limit=500");

        await browser.Page.FillAsync("#kill-reason", "not meant");
        await browser.Page.ClickAsync("[data-testid=kill]");
        await browser.Page.ClickAsync("[data-testid=confirm-no]");
        await browser.Page.WaitForSelectorAsync("dialog", new PageWaitForSelectorOptions { State = WaitForSelectorState.Detached });

        var (_, after) = await node.Api["admin"].GetAsync("/api/audit?limit=500");
        Assert.DoesNotContain(after.GetProperty("items").EnumerateArray(), a => a.GetProperty("arguments").TryGetProperty("reason", out var r) && r.GetString() == "not meant");
        Assert.Equal(before.GetProperty("items").GetArrayLength(), after.GetProperty("items").GetArrayLength());
        browser.AssertNoErrors();
    }

    [SkippableFact]
    public async Task Every_page_has_a_strict_content_security_policy_and_raises_no_console_errors()
    {
        DashboardNode.RequireChromium();
        await using var browser = await DashboardPage.OpenAsync(node);
        var login = await browser.Page.GotoAsync("/login");
        AssertStrictCsp(login!);
        AssertStrictCsp((await browser.Page.GotoAsync("/register"))!);
        await browser.LoginAsync("admin");
        foreach (var path in DashboardEndpoints.Pages)
        {
            var response = await browser.Page.GotoAsync(path);
            AssertStrictCsp(response!);
            await browser.WaitReadyAsync();
        }

        browser.AssertNoErrors();
    }

    [SkippableFact]
    public async Task A_phone_width_screen_renders_every_page_without_horizontal_scrolling()
    {
        DashboardNode.RequireChromium();
        await using var browser = await DashboardPage.OpenAsync(node, 390, 844);

        // The admin sees every page with every control (an admin is an operator too).
        await browser.LoginAsync("admin");
        foreach (var path in DashboardEndpoints.Pages)
        {
            await browser.Page.GotoAsync(path);
            await browser.WaitReadyAsync();
            var size = await browser.Page.EvaluateAsync<int[]>("() => [document.documentElement.scrollWidth, window.innerWidth]");
            var (scroll, width) = (size[0], size[1]);
            Assert.True(scroll <= width, $"{path}: page is {scroll} px wide in a {width} px viewport");
            await browser.ScreenshotAsync("phone" + (path == "/" ? "-overview" : path.Replace('/', '-')));
        }

        browser.AssertNoErrors();
    }

    [SkippableFact]
    public async Task Logout_ends_the_session()
    {
        DashboardNode.RequireChromium();
        await using var browser = await DashboardPage.OpenAsync(node);
        await browser.LoginAsync("viewer1");
        await browser.Page.ClickAsync("#logout");
        await browser.Page.WaitForURLAsync(u => new Uri(u).AbsolutePath == "/login");

        Assert.Equal(401, await browser.Page.EvaluateAsync<int>("() => fetch('/ui/session').then(r => r.status)"));
        Assert.Equal(401, await browser.Page.EvaluateAsync<int>("() => fetch('/api/risk').then(r => r.status)"));
        await browser.Page.GotoAsync("/");
        await browser.Page.WaitForURLAsync(u => new Uri(u).AbsolutePath == "/login");
        browser.AssertNoErrors("the server responded with a status of 401");
    }

    [SkippableFact]
    public async Task The_csrf_token_must_be_the_servers_signed_one_a_forged_matching_pair_is_refused()
    {
        DashboardNode.RequireChromium();
        using var http = new HttpClient(new HttpClientHandler { UseCookies = false }) { BaseAddress = node.Url };
        using var login = await http.PostAsync("/ui/session/login", JsonContent.Create(new { username = "operator1", password = DashboardNode.Password }));
        Assert.Equal(HttpStatusCode.OK, login.StatusCode);
        var cookies = login.Headers.GetValues("Set-Cookie").Select(c => c.Split(';')[0].Split('=', 2)).ToDictionary(c => c[0], c => c[1]);
        var session = cookies["arb_session"];

        async Task<HttpStatusCode> ResumeAsync(string csrfCookie, string csrfHeader)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, "/api/ops/resume");
            request.Headers.Add("Cookie", $"arb_session={session}; arb_csrf={csrfCookie}");
            request.Headers.Add("X-CSRF-Token", csrfHeader);
            using var response = await http.SendAsync(request);
            return response.StatusCode;
        }

        // An attacker able to plant a cookie still cannot make up a pair: the server signs the token.
        Assert.Equal(HttpStatusCode.Forbidden, await ResumeAsync("made.up", "made.up"));
        Assert.Equal(HttpStatusCode.Forbidden, await ResumeAsync(cookies["arb_csrf"], "other." + cookies["arb_csrf"].Split('.')[1]));
        Assert.Equal(HttpStatusCode.OK, await ResumeAsync(cookies["arb_csrf"], cookies["arb_csrf"]));
    }

    private static void AssertStrictCsp(IResponse response)
    {
        Assert.True(response.Headers.TryGetValue("content-security-policy", out var csp), $"{response.Url}: no Content-Security-Policy");
        Assert.Contains("script-src 'self'", csp, StringComparison.Ordinal);
        Assert.Contains("style-src 'self'", csp, StringComparison.Ordinal);
        Assert.DoesNotContain("unsafe-inline", csp, StringComparison.Ordinal);
        Assert.DoesNotContain("unsafe-eval", csp, StringComparison.Ordinal);
    }
}
