using System.Net;
using System.Net.Http.Json;
using Arbitrage.Testing;
using Microsoft.Playwright;

namespace Arbitrage.Node.Tests.Dashboard;

/// <summary>
/// The offline demo node (<c>--exchange sim --tape …head20000.zip --speed 50</c>) as a real process with an admin, an
/// operator and a viewer, and Debian's Chromium driven by Playwright (nothing downloaded: the executable is the system's).
/// Without Chromium the tests skip with how to install it, or fail under CI=true.
/// </summary>
public sealed class DashboardNode : IAsyncLifetime
{
    public const string ChromiumPath = "/usr/bin/chromium";
    public const string Password = NodeClient.Password;
    public static readonly string[] Users = ["admin", "operator1", "viewer1"];

    private readonly string _work = Path.Combine(Path.GetTempPath(), "arb-dashboard", Guid.NewGuid().ToString("N"));
    private IPlaywright? _playwright;

    public NodeProcess Node { get; private set; } = null!;

    public Uri Url { get; private set; } = null!;

    public IBrowser Browser { get; private set; } = null!;

    /// <summary>The node's <c>Paths:Reports</c> folder (<see cref="NodeProcess.TestEnvironment"/>'s; created by the test that writes one).</summary>
    public string Reports => Path.Combine(_work, "reports");

    /// <summary>The node's working folder (the reports folder's parent).</summary>
    public string Work => _work;

    /// <summary>Bearer clients per user, to check from outside the browser what the page did.</summary>
    public Dictionary<string, NodeClient> Api { get; } = new(StringComparer.Ordinal);

    /// <summary>Where each test writes its screenshots (the test output folder).</summary>
    public static string Screenshots { get; } = Path.Combine(AppContext.BaseDirectory, "dashboard-screenshots");

    public static string? MissingChromium =>
        File.Exists(ChromiumPath) ? null : $"Chromium is not installed at {ChromiumPath}: install Debian's package with `apt-get install -y chromium` (.ci/run does)";

    /// <summary>Skips the calling test without Chromium, except under CI=true where it fails.</summary>
    public static void RequireChromium()
    {
        if (MissingChromium is { } why)
        {
            Assert.False(Environment.GetEnvironmentVariable("CI") == "true", why);
            Skip.If(true, why);
        }
    }

    public async Task InitializeAsync()
    {
        if (MissingChromium is not null)
        {
            return; // each test skips (or fails under CI) with the reason
        }

        Directory.CreateDirectory(_work);
        Directory.CreateDirectory(Screenshots);
        var invite = "boot-" + Guid.NewGuid().ToString("N");
        var tape = Path.Combine(RepoPaths.Fixtures, "BTCUSD_PERP-aggTrades-2026-05-08.head20000.zip");
        var env = NodeProcess.TestEnvironment(_work, invite);

        // Every test logs in through the page from 127.0.0.1: more than the production per-IP login limit allows.
        env["ARB__Auth__LoginPermitsPerMinutePerIp"] = "1000";
        env["ARB__Auth__LoginPermitsPerMinute"] = "1000";
        Node = NodeProcess.Start(_work, env, "--exchange", "sim", "--tape", tape, "--speed", "50");
        Url = await Node.WaitListeningAsync(TimeSpan.FromSeconds(120));

        var admin = new NodeClient(Url);
        await admin.RegisterAndLoginAsync(invite);
        Api["admin"] = admin;
        foreach (var (user, role) in new[] { ("operator1", "operator"), ("viewer1", "viewer") })
        {
            var (status, created) = await admin.PostAsync("/api/admin/invites", new { role });
            Assert.Equal(HttpStatusCode.Created, status);
            using var http = new HttpClient { BaseAddress = Url };
            using var register = await http.PostAsJsonAsync("/api/auth/register", new { inviteCode = created.GetProperty("code").GetString(), username = user, password = Password });
            Assert.Equal(HttpStatusCode.Created, register.StatusCode);
            var client = new NodeClient(Url);
            await client.LoginAsync(user);
            Api[user] = client;
        }

        // The feed is up before a page is opened.
        await admin.WaitForAsync("/api/health", (s, b) => s == HttpStatusCode.OK && b.GetProperty("feeds")[0].GetProperty("status").GetString() == "connected", TimeSpan.FromSeconds(90));

        _playwright = await Playwright.CreateAsync();
        Browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = ChromiumPath,
            Headless = true,
            Args = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
        });
    }

    public async Task DisposeAsync()
    {
        if (Browser is not null)
        {
            await Browser.CloseAsync();
        }

        _playwright?.Dispose();
        foreach (var c in Api.Values)
        {
            c.Dispose();
        }

        if (Node is not null)
        {
            await Node.DisposeAsync();
        }

        TestDatabases.DeleteQuietly(_work);
    }
}

/// <summary>A browser context (its own cookies) and page that records every console error and page error.</summary>
public sealed class DashboardPage : IAsyncDisposable
{
    private readonly IBrowserContext _context;

    private DashboardPage(IBrowserContext context, IPage page)
    {
        _context = context;
        Page = page;
        page.Console += (_, m) =>
        {
            if (m.Type == "error")
            {
                lock (Errors)
                {
                    Errors.Add($"console: {m.Text} ({m.Location})");
                }
            }
        };
        page.PageError += (_, e) =>
        {
            lock (Errors)
            {
                Errors.Add("page error: " + e);
            }
        };
    }

    public IPage Page { get; }

    public IBrowserContext Context => _context;

    public List<string> Errors { get; } = [];

    public static Task<DashboardPage> OpenAsync(DashboardNode node, int width = 1280, int height = 800) => OpenAsync(node.Browser, node.Url, width, height);

    /// <summary>A page on another node (a test's own) in the shared browser.</summary>
    public static async Task<DashboardPage> OpenAsync(IBrowser browser, Uri url, int width = 1280, int height = 800)
    {
        var context = await browser.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = url.ToString().TrimEnd('/'),
            ViewportSize = new ViewportSize { Width = width, Height = height },
        });
        return new DashboardPage(context, await context.NewPageAsync());
    }

    /// <summary>Logs in through the login page and waits for the overview to be ready.</summary>
    public async Task LoginAsync(string user)
    {
        await Page.GotoAsync("/login");
        await Page.FillAsync("#username", user);
        await Page.FillAsync("#password", DashboardNode.Password);
        await Page.ClickAsync("button[type=submit]");
        try
        {
            await Page.WaitForURLAsync(u => new Uri(u).AbsolutePath == "/", new PageWaitForURLOptions { Timeout = 30_000 });
        }
        catch (TimeoutException)
        {
            Assert.Fail($"{user} was not logged in: {await Page.TextContentAsync("[data-testid=login-error]")}");
        }

        await WaitReadyAsync();
    }

    /// <summary>Waits until the page rendered (or failed to: then its message and the errors are the assertion's).</summary>
    public async Task WaitReadyAsync()
    {
        await Page.WaitForSelectorAsync("main[data-ready=true], main.error", new PageWaitForSelectorOptions { Timeout = 30_000 });
        if (await Page.GetAttributeAsync("main", "data-ready") != "true")
        {
            lock (Errors)
            {
                Assert.Fail($"{Page.Url} did not render: {Page.TextContentAsync("main").GetAwaiter().GetResult()}\n{string.Join('\n', Errors)}");
            }
        }
    }

    public async Task ScreenshotAsync(string name) =>
        await Page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(DashboardNode.Screenshots, name + ".png"), FullPage = true });

    /// <summary>No console or page error, except the browser's own line for a refusal the test asked for.</summary>
    public void AssertNoErrors(params string[] expected)
    {
        lock (Errors)
        {
            var unexpected = Errors.Where(e => !expected.Any(x => e.Contains(x, StringComparison.Ordinal))).ToList();
            Assert.True(unexpected.Count == 0, "the page reported errors:\n" + string.Join('\n', unexpected));
        }
    }

    public async ValueTask DisposeAsync() => await _context.CloseAsync();
}

[CollectionDefinition(Name)]
public sealed class DashboardCollection : ICollectionFixture<DashboardNode>
{
    public const string Name = "dashboard node and browser";
}
