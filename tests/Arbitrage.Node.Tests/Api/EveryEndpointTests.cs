using System.Net;
using System.Net.Http.Json;
using System.Reflection;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Arbitrage.Engine.Persistence;
using Arbitrage.Node.Auth;
using Arbitrage.Node.Hosting;
using Arbitrage.Testing;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Arbitrage.Node.Tests.Api;

/// <summary>
/// The offline demo node (<c>--exchange sim --tape …head4500.csv</c>) as a real process, with an admin, an operator and a
/// viewer, probed the way an attacker probes it.
/// </summary>
public sealed class ProbedNode : IAsyncLifetime
{
    private readonly string _work = Path.Combine(Path.GetTempPath(), "arb-probed-node", Guid.NewGuid().ToString("N"));

    public NodeProcess Node { get; private set; } = null!;

    public HttpClient Http { get; private set; } = null!;

    public Dictionary<string, string> Tokens { get; } = new(StringComparer.Ordinal);

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(_work);
        var invite = "boot-" + Guid.NewGuid().ToString("N");
        var tape = Path.Combine(RepoPaths.Fixtures, "BTCUSD_PERP-aggTrades-2026-05-08.head4500.csv");
        Node = NodeProcess.Start(_work, NodeProcess.TestEnvironment(_work, invite), "--exchange", "sim", "--tape", tape);
        var url = await Node.WaitListeningAsync(TimeSpan.FromSeconds(120));
        Http = new HttpClient { BaseAddress = url, Timeout = TimeSpan.FromSeconds(30) };

        var admin = new NodeClient(url);
        await admin.RegisterAndLoginAsync(invite);
        Tokens[Roles.Admin] = admin.Token;
        foreach (var role in new[] { Roles.Operator, Roles.Viewer })
        {
            var (_, created) = await admin.PostAsync("/api/admin/invites", new { role });
            using var register = await Http.PostAsJsonAsync("/api/auth/register", new { inviteCode = created.GetProperty("code").GetString(), username = role, password = NodeClient.Password });
            Assert.Equal(HttpStatusCode.Created, register.StatusCode);
            using var login = await Http.PostAsJsonAsync("/api/auth/login", new { username = role, password = NodeClient.Password });
            Tokens[role] = (await login.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("accessToken").GetString()!;
        }

        admin.Dispose();

        // The configured symbol's feed is up (its entity exists) before anything is probed.
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(90));
        while ((await Http.GetFromJsonAsync<JsonElement>("/api/health")).GetProperty("feeds")[0].GetProperty("status").GetString() != "connected")
        {
            await Task.Delay(TimeSpan.FromMilliseconds(200), deadline.Token);
        }
    }

    public async Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, string? role, HttpContent? content = null)
    {
        using var request = new HttpRequestMessage(method, path) { Content = content };
        if (role is not null)
        {
            request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", Tokens[role]);
        }

        return await Http.SendAsync(request);
    }

    public async Task DisposeAsync()
    {
        Http?.Dispose();
        if (Node is not null)
        {
            await Node.DisposeAsync();
        }

        TestDatabases.DeleteQuietly(_work);
    }
}

[CollectionDefinition(Name)]
public sealed class ProbedNodeCollection : ICollectionFixture<ProbedNode>
{
    public const string Name = "probed node";
}

/// <summary>
/// Every endpoint of the bridge, enumerated from the app's <see cref="EndpointDataSource"/> (the same <see cref="NodeProgram"/>
/// build the node runs, built here without starting), probed on a real node with what 1,640 hostile requests tried:
/// no token, a too-low role, malformed JSON, JSON values of the wrong type, bad query and route values, non-JSON bodies and
/// oversized bodies. Every 4xx is a problem (RFC 9457) with a detail (and <c>errors.{field}</c> for a 400), the login is
/// checked before any parameter, nothing answers 5xx, and the node logs no stack trace. An endpoint missing from
/// <see cref="Cases"/> fails the test: a new endpoint cannot be forgotten.
/// </summary>
[Collection(ProbedNodeCollection.Name)]
public sealed partial class EveryEndpointTests(ProbedNode probed)
{
    /// <summary>How to probe one endpoint: a harmless sample path, bad query strings and bad paths with the field each must name.</summary>
    private sealed record Case(string Path, (string Query, string Field)[]? BadQueries = null, (string Path, HttpStatusCode Status, string Field)[]? BadPaths = null);

    /// <summary>The only endpoints a request without a token may use.</summary>
    private static readonly string[] Anonymous =
    [
        "GET /", "GET /api/health", "GET /metrics", "GET /openapi/{documentName}.json", "GET /api/rates",
        "POST /api/auth/register", "POST /api/auth/login", "POST /api/auth/refresh", "POST /api/auth/logout",
        "GET /symbol", "GET /signals", "GET /trades", "GET /funding", "GET /triangles", "GET /risk", "GET /reports", "GET /audit", "GET /admin", "GET /login", "GET /register", "POST /ui/session/login", "POST /ui/session/refresh", "POST /ui/session/logout",
    ];

    private static readonly Dictionary<string, Case> Cases = new(StringComparer.Ordinal)
    {
        ["GET /"] = new("/"),
        ["GET /symbol"] = new("/symbol"),
        ["GET /signals"] = new("/signals"),
        ["GET /trades"] = new("/trades"),
        ["GET /funding"] = new("/funding"),
        ["GET /triangles"] = new("/triangles"),
        ["GET /risk"] = new("/risk"),
        ["GET /reports"] = new("/reports"),
        ["GET /audit"] = new("/audit"),
        ["GET /admin"] = new("/admin"),
        ["GET /login"] = new("/login"),
        ["GET /register"] = new("/register"),
        ["GET /ui/session"] = new("/ui/session"),
        ["POST /ui/session/login"] = new("/ui/session/login"),
        ["POST /ui/session/refresh"] = new("/ui/session/refresh"),
        ["POST /ui/session/logout"] = new("/ui/session/logout"),
        ["GET /api/health"] = new("/api/health"),
        ["GET /metrics"] = new("/metrics"),
        ["GET /openapi/{documentName}.json"] = new("/openapi/v1.json"),
        ["GET /api/rates"] = new("/api/rates"),
        ["POST /api/auth/register"] = new("/api/auth/register"),
        ["POST /api/auth/login"] = new("/api/auth/login"),
        ["POST /api/auth/refresh"] = new("/api/auth/refresh"),
        ["POST /api/auth/logout"] = new("/api/auth/logout"),
        ["GET /api/me"] = new("/api/me"),
        ["POST /api/admin/invites"] = new("/api/admin/invites"),
        ["GET /api/admin/users"] = new("/api/admin/users"),
        ["POST /api/admin/users/{username}/ban"] = new("/api/admin/users/nobody/ban", BadPaths: [("/api/admin/users/NO%20ONE!/ban", HttpStatusCode.BadRequest, "username")]),
        ["POST /api/admin/users/{username}/unban"] = new("/api/admin/users/nobody/unban", BadPaths: [("/api/admin/users/NO%20ONE!/unban", HttpStatusCode.BadRequest, "username")]),
        ["PUT /api/admin/users/{username}/role"] = new("/api/admin/users/nobody/role"),
        ["GET /api/signals"] = new("/api/signals", [("limit=abc", "limit"), ("before=abc", "before"), ("symbol=BTC-USDT", "symbol"), ("strategy=a%20b", "strategy")]),
        ["GET /api/reports"] = new("/api/reports"),
        ["GET /api/reports/{name}/{file}"] = new("/api/reports/none/report.html", BadPaths:
        [
            ("/api/reports/.hidden/report.html", HttpStatusCode.BadRequest, "name"), ("/api/reports/none/notes.txt", HttpStatusCode.BadRequest, "file"),
            ("/api/reports/none/..%2Fsecret.json", HttpStatusCode.BadRequest, "file"), ("/api/reports/none/report.html", HttpStatusCode.NotFound, "none"),
        ]),
        ["GET /api/triangles"] = new("/api/triangles", [("limit=abc", "limit"), ("limit=0", "limit"), ("venue=Binance%20Spot", "venue")]),
        ["GET /api/triangles/attempts"] = new("/api/triangles/attempts", [("limit=abc", "limit"), ("limit=501", "limit"), ("venue=Binance%20Spot", "venue")]),
        ["GET /api/audit"] = new("/api/audit", [("limit=abc", "limit"), ("before=-1", "before"), ("user=X'--", "user"), ("command=DROP%20TABLE", "command")]),
        ["GET /api/risk"] = new("/api/risk"),
        ["GET /api/risk/history"] = new("/api/risk/history", [("limit=abc", "limit"), ("before=abc", "before"), ("limit=0", "limit"), ("kind=DROP%20TABLE", "kind")]),
        ["GET /api/positions"] = new("/api/positions"),
        ["GET /api/carry/{symbol}"] = new("/api/carry/BTCUSD_PERP", BadPaths: [("/api/carry/BTC-USDT", HttpStatusCode.BadRequest, "symbol"), ("/api/carry/ZZPROBE0", HttpStatusCode.NotFound, "ZZPROBE0")]),
        ["GET /api/strategies"] = new("/api/strategies"),
        ["GET /api/indicators/{symbol}"] = new("/api/indicators/BTCUSD_PERP", BadPaths: [("/api/indicators/BTC-USDT", HttpStatusCode.BadRequest, "symbol"), ("/api/indicators/ZZPROBE0", HttpStatusCode.NotFound, "ZZPROBE0")]),
        ["GET /api/candles/{symbol}"] = new("/api/candles/BTCUSD_PERP", [("interval=7m", "interval"), ("from=abc", "from"), ("from=0&to=60000060001", "to")],
            [("/api/candles/BTC-USDT", HttpStatusCode.BadRequest, "symbol"), ("/api/candles/ZZPROBE0", HttpStatusCode.NotFound, "ZZPROBE0")]),
        ["GET /api/trades"] = new("/api/trades", [("limit=abc", "limit"), ("limit=5000", "limit"), ("symbol=BTC-USDT", "symbol")]),
        ["POST /api/ops/kill"] = new("/api/ops/kill"),
        ["POST /api/ops/resume"] = new("/api/ops/resume"),
        ["PUT /api/ops/risk/parameters"] = new("/api/ops/risk/parameters"),
        ["POST /api/ops/positions/{symbol}/close"] = new("/api/ops/positions/BTCUSD_PERP/close", BadPaths: [("/api/ops/positions/BTC-USDT'--/close", HttpStatusCode.BadRequest, "symbol")]),
        ["POST /api/ops/paper/on"] = new("/api/ops/paper/on"),
        ["POST /api/ops/paper/off"] = new("/api/ops/paper/off"),
        ["POST /api/ops/carry/{symbol}/open"] = new("/api/ops/carry/BTCUSD_PERP/open", BadPaths: [("/api/ops/carry/BTC-USDT/open", HttpStatusCode.BadRequest, "symbol")]),
        ["POST /api/ops/carry/{symbol}/close"] = new("/api/ops/carry/BTCUSD_PERP/close", BadPaths: [("/api/ops/carry/BTC-USDT/close", HttpStatusCode.BadRequest, "symbol")]),
        ["POST /api/ops/strategies/{id}/enable"] = new("/api/ops/strategies/v51_baseline/enable", BadPaths: [("/api/ops/strategies/a%20b!/enable", HttpStatusCode.BadRequest, "id")]),
        ["POST /api/ops/strategies/{id}/disable"] = new("/api/ops/strategies/v51_baseline/disable", BadPaths: [("/api/ops/strategies/a%20b!/disable", HttpStatusCode.BadRequest, "id")]),
        ["POST /api/ops/triangles/{id}/enable"] = new("/api/ops/triangles/tri_binance/enable", BadPaths: [("/api/ops/triangles/a%20b!/enable", HttpStatusCode.BadRequest, "id")]),
        ["POST /api/ops/triangles/{id}/disable"] = new("/api/ops/triangles/tri_binance/disable", BadPaths: [("/api/ops/triangles/a%20b!/disable", HttpStatusCode.BadRequest, "id")]),
        ["GET /api/stats"] = new("/api/stats?symbol=BTCUSD_PERP", [("symbol=BTC-USDT", "symbol"), ("symbol=BTCUSD_PERP&at=yesterday", "at"), ("", "symbol")]),
        ["GET /api/stats/ytd"] = new("/api/stats/ytd?symbol=BTCUSD_PERP", [("symbol=BTCUSDT&year=abc", "year")]),
        ["GET /api/history"] = new("/api/history?symbol=BTCUSD_PERP", [("symbol=BTCUSDT&limit=abc", "limit"), ("symbol=BTCUSDT&from=abc", "from")]),
        ["GET /api/kline"] = new("/api/kline?symbol=BTCUSD_PERP", [("symbol=BTCUSDT&interval=7m", "interval"), ("symbol=BTCUSDT&field=x", "field"), ("symbol=BTCUSDT&interval=1m&from=0", "from")]),
        ["GET /api/stream"] = new("/api/stream", [("topics=nope", "topics"), ("symbol=btc'--", "symbol"), ("symbol=A&symbol=B", "symbol")], [("/api/stream?symbol=ZZPROBE0", HttpStatusCode.NotFound, "ZZPROBE0")]),
        ["GET /api/diag/actors"] = new("/api/diag/actors", [("depth=abc", "depth"), ("depth=99", "depth")]),
        ["GET /api/diag/cluster"] = new("/api/diag/cluster"),
        ["POST /api/diag/cluster/leave"] = new("/api/diag/cluster/leave"),
        ["POST /api/diag/cluster/down"] = new("/api/diag/cluster/down"),
        ["GET /api/diag/shards"] = new("/api/diag/shards"),
        ["GET /api/diag/deadletters"] = new("/api/diag/deadletters", [("limit=abc", "limit")]),
        ["GET /api/diag/logs"] = new("/api/diag/logs", [("level=-1", "level"), ("level=42", "level"), ("level=Loud", "level"), ("limit=abc", "limit")]),
    };

    /// <summary>An endpoint as routed: its method and pattern, the role it needs (null: anonymous) and the JSON body it takes.</summary>
    private sealed record Route(string Key, string Method, string? Role, Type? Body);

    [Fact]
    public void Every_endpoint_is_in_the_probe_table_and_only_the_public_ones_are_anonymous()
    {
        var routes = Routes();
        Assert.Empty(routes.Select(r => r.Key).Except(Cases.Keys).Select(k => "not probed (add it to Cases): " + k));
        Assert.Empty(Cases.Keys.Except(routes.Select(r => r.Key)).Select(k => "probed but no such endpoint: " + k));
        Assert.Equal(Anonymous.Order(StringComparer.Ordinal), routes.Where(r => r.Role is null).Select(r => r.Key).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task Every_rejection_is_a_problem_with_a_detail_the_login_comes_first_and_nothing_logs_a_stack_trace()
    {
        var logFrom = probed.Node.Stdout.Length; // what the node logs while it is probed
        var checkedResponses = 0;
        foreach (var route in Routes())
        {
            var c = Cases[route.Key];
            var method = new HttpMethod(route.Method);
            var badQuery = c.BadQueries is { Length: > 0 } q ? Join(c.Path, q[0].Query) : c.Path;

            if (route.Role is not null)
            {
                // No token, even with bad parameters and a bad body: 401, before anything else is looked at.
                await ExpectProblemAsync(route, method, badQuery, null, route.Body is null ? null : Json("{\"broken\":"), HttpStatusCode.Unauthorized);
                checkedResponses++;
                if (route.Role != Roles.Viewer)
                {
                    await ExpectProblemAsync(route, method, badQuery, Roles.Viewer, route.Body is null ? null : Json("{\"broken\":"), HttpStatusCode.Forbidden);
                    checkedResponses++;
                }
            }

            // From here with a role that passes (admin passes everything): only values that must be refused, so nothing runs.
            foreach (var (query, field) in c.BadQueries ?? [])
            {
                await ExpectProblemAsync(route, method, Join(c.Path, query), Roles.Admin, null, HttpStatusCode.BadRequest, field);
                checkedResponses++;
            }

            foreach (var (path, status, field) in c.BadPaths ?? [])
            {
                await ExpectProblemAsync(route, method, path, Roles.Admin, route.Body is null ? null : Json("{}"), status, status == HttpStatusCode.BadRequest ? field : null, status == HttpStatusCode.NotFound ? field : null);
                checkedResponses++;
            }

            if (route.Body is { } body)
            {
                var role = route.Role is null ? null : Roles.Admin;
                await ExpectProblemAsync(route, method, c.Path, role, Json("{\"reason\": \"unterminated"), HttpStatusCode.BadRequest, "*");
                await ExpectProblemAsync(route, method, c.Path, role, Json("[1, 2, 3]"), HttpStatusCode.BadRequest, "body");
                await ExpectProblemAsync(route, method, c.Path, role, Json("\"a string\""), HttpStatusCode.BadRequest, "body");
                await ExpectProblemAsync(route, method, c.Path, role, new StringContent("{}", Encoding.UTF8, "text/plain"), HttpStatusCode.UnsupportedMediaType, "Content-Type");
                await ExpectProblemAsync(route, method, c.Path, role, Json("{\"x\":\"" + new string('x', 100_000) + "\"}"), HttpStatusCode.RequestEntityTooLarge, detailContains: "limit of 4,096 bytes");
                checkedResponses += 5;
                foreach (var property in body.GetProperties(BindingFlags.Public | BindingFlags.Instance))
                {
                    // A JSON value of the wrong type for each field: 400 naming that field.
                    var name = JsonNamingPolicy.CamelCase.ConvertName(property.Name);
                    await ExpectProblemAsync(route, method, c.Path, role, Json($"{{\"{name}\": [[1]]}}"), HttpStatusCode.BadRequest, name);
                    checkedResponses++;
                }
            }
        }

        Assert.True(checkedResponses > 150, $"only {checkedResponses} rejections checked");

        // Expected rejections are not errors: while probed, the node logs no stack trace and no error, and the engine
        // never saw a probed symbol.
        var entries = LogEntries(probed.Node.Stdout[logFrom..]);
        var alarming = entries.Where(e => e.Level is "ERR" or "FTL" || StackTraceLine().IsMatch(e.Text)).ToList();
        Assert.True(alarming.Count == 0, "logged while probed:\n" + string.Join("\n", alarming.Select(e => e.Text)));
        Assert.DoesNotContain("ZZPROBE", probed.Node.Stdout, StringComparison.Ordinal);
    }

    /// <summary>The node's console log as entries: the "[time LVL] Source: message" line and its continuation lines.</summary>
    private static List<(string Level, string Text)> LogEntries(string log)
    {
        var entries = new List<(string Level, string Text)>();
        foreach (var line in log.Split('\n'))
        {
            if (EntryStart().Match(line) is { Success: true } m)
            {
                entries.Add((m.Groups[1].Value, line));
            }
            else if (entries.Count > 0)
            {
                entries[^1] = (entries[^1].Level, entries[^1].Text + "\n" + line);
            }
        }

        return entries;
    }

    private async Task ExpectProblemAsync(
        Route route, HttpMethod method, string path, string? role, HttpContent? content, HttpStatusCode expected, string? field = null, string? detailContains = null)
    {
        var sent = content is null ? string.Empty : await content.ReadAsStringAsync();
        using var response = await probed.SendAsync(method, path, role, content);
        var text = await response.Content.ReadAsStringAsync();
        var what = $"{route.Key} as {role ?? "anonymous"}: {method} {Shorten(path)} {Shorten(sent)}";
        Assert.True(response.StatusCode == expected, $"{what}: expected {(int)expected}, got {(int)response.StatusCode} {text}");
        Assert.True(response.Content.Headers.ContentType?.MediaType == "application/problem+json", $"{what}: not a problem: {response.Content.Headers.ContentType} {text}");
        var problem = JsonDocument.Parse(text).RootElement;
        Assert.Equal((int)expected, problem.GetProperty("status").GetInt32());
        var detail = problem.TryGetProperty("detail", out var d) ? d.GetString() : null;
        Assert.False(string.IsNullOrWhiteSpace(detail), $"{what}: no detail: {text}");
        if (detailContains is not null)
        {
            Assert.True(detail!.Contains(detailContains, StringComparison.Ordinal), $"{what}: the detail does not say '{detailContains}': {text}");
        }

        if (expected == HttpStatusCode.BadRequest)
        {
            Assert.True(problem.TryGetProperty("errors", out var errors) && errors.EnumerateObject().Any(), $"{what}: a 400 without errors: {text}");
            if (field is not null && field != "*")
            {
                Assert.True(errors.TryGetProperty(field, out _), $"{what}: errors do not name '{field}': {text}");
            }
        }
    }

    /// <summary>The routed endpoints of the node's own app (built by <see cref="NodeProgram.Build"/>, never started).</summary>
    private static List<Route> Routes()
    {
        var work = Path.Combine(Path.GetTempPath(), "arb-endpoints", Guid.NewGuid().ToString("N"));
        var database = TestDatabases.NewSqliteFile(out var dbDirectory);
        try
        {
            var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = [], ContentRootPath = RepoPaths.Root });
            var options = new NodeOptions { Paths = new PathsOptions { Hocon = RepoPaths.Hocon, Strategies = RepoPaths.Strategies, Logs = work } };
            var startup = new StartupCheck.Result(database, AkkaConfig.Build(RepoPaths.Hocon, database), RepoPaths.Hocon);
            builder.Services.AddSingleton<ExchangeConnection>(_ => throw new InvalidOperationException("endpoint enumeration only"));
            var app = NodeProgram.Build(builder, options, startup);
            var routes = new List<Route>();
            foreach (var endpoint in ((IEndpointRouteBuilder)app).DataSources.SelectMany(s => s.Endpoints).OfType<RouteEndpoint>())
            {
                var metadata = endpoint.Metadata;
                var policy = metadata.GetMetadata<IAllowAnonymous>() is not null
                    ? null
                    : metadata.GetOrderedMetadata<IAuthorizeData>().Select(a => a.Policy).LastOrDefault(p => p is not null);
                var body = metadata.GetMetadata<IAcceptsMetadata>() is { } accepts && accepts.ContentTypes.Any(t => t.Contains("json", StringComparison.Ordinal))
                    ? accepts.RequestType ?? typeof(object)
                    : null;
                foreach (var method in metadata.GetMetadata<IHttpMethodMetadata>()?.HttpMethods ?? ["GET"])
                {
                    routes.Add(new Route($"{method} {endpoint.RoutePattern.RawText}", method, policy, body == typeof(JsonElement) ? typeof(object) : body));
                }
            }

            return routes;
        }
        finally
        {
            TestDatabases.DeleteQuietly(dbDirectory);
            TestDatabases.DeleteQuietly(work);
        }
    }

    private static StringContent Json(string json) => new(json, Encoding.UTF8, "application/json");

    /// <summary>The sample's path with <paramref name="query"/> as its whole query string.</summary>
    private static string Join(string path, string query) => path.Split('?')[0] + "?" + query;

    private static string Shorten(string s) => s.Length > 80 ? s[..80] + "…" : s;

    [GeneratedRegex(@"^\s+at \S+\(.*\)", RegexOptions.Multiline)]
    private static partial Regex StackTraceLine();

    [GeneratedRegex(@"^\[\d\d:\d\d:\d\d ([A-Z]{3})\] ")]
    private static partial Regex EntryStart();
}
