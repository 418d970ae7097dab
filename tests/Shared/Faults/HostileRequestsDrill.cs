using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace Arbitrage.Testing.Faults;

/// <summary>What a <see cref="HostileRequestsDrill"/> run saw.</summary>
/// <param name="Sent">Hostile requests sent.</param>
/// <param name="ServerErrors">Answers 5xx (none allowed).</param>
/// <param name="WithoutProblem">4xx answers without a problem body (<c>application/problem+json</c> with a detail).</param>
/// <param name="UnknownSymbolAnswersNot404">Reads of the 20 unknown symbols that did not answer 404.</param>
/// <param name="NewSessions">Simulator sessions and streams opened by those reads (none allowed).</param>
/// <param name="StackTraces">Stack-trace lines the node logged while probed.</param>
public sealed record HostileRequestsRun(int Sent, int ServerErrors, int WithoutProblem, int UnknownSymbolAnswersNot404, int NewSessions, int StackTraces, string Examples);

/// <summary>
/// Issue #13 items 5 and 6, on the offline demo: malformed JSON, wrong types, bad query values, oversized and non-JSON
/// bodies on the auth, ops and read endpoints; and a viewer reading 20 symbols the node does not trade. Used by the fault suite
/// (the exhaustive per-endpoint test is <c>EveryEndpointTests</c>).
/// </summary>
public static partial class HostileRequestsDrill
{
    public static async Task<HostileRequestsRun> RunAsync(string work)
    {
        Directory.CreateDirectory(work);
        var invite = "boot-" + Guid.NewGuid().ToString("N");
        var tape = Path.Combine(RepoPaths.Fixtures, "BTCUSD_PERP-aggTrades-2026-05-08.head4500.csv");
        await using var node = NodeProcess.Start(work, NodeProcess.TestEnvironment(work, invite), "--exchange", "sim", "--tape", tape);
        var url = await node.WaitListeningAsync(TimeSpan.FromSeconds(120));
        using var admin = new NodeClient(url);
        await admin.RegisterAndLoginAsync(invite);
        var (_, created) = await admin.PostAsync("/api/admin/invites", new { role = "viewer" });
        using var viewer = new NodeClient(url);
        using (var register = await viewer.Http.PostAsJsonAsync("/api/auth/register", new { inviteCode = created.GetProperty("code").GetString(), username = "viewer", password = NodeClient.Password }))
        {
            register.EnsureSuccessStatusCode();
        }

        await viewer.LoginAsync("viewer");
        var health = await admin.WaitForAsync("/api/health", (s, h) => s == HttpStatusCode.OK && h.GetProperty("feeds")[0].GetProperty("status").GetString() == "connected", TimeSpan.FromSeconds(90));
        var outputBefore = node.Stdout.Length;

        var sent = 0;
        var serverErrors = 0;
        var withoutProblem = 0;
        var examples = new List<string>();
        async Task ProbeAsync(HttpClient http, HttpMethod method, string path, HttpContent? content)
        {
            using var request = new HttpRequestMessage(method, path) { Content = content };
            using var response = await http.SendAsync(request);
            sent++;
            var status = (int)response.StatusCode;
            if (status >= 500)
            {
                serverErrors++;
                examples.Add($"{method} {path}: {status}");
            }
            else if (status >= 400)
            {
                var body = await response.Content.ReadAsStringAsync();
                var isProblem = response.Content.Headers.ContentType?.MediaType == "application/problem+json"
                    && body.Length > 0 && JsonDocument.Parse(body).RootElement.TryGetProperty("detail", out var detail) && detail.GetString()!.Length > 0;
                if (!isProblem)
                {
                    withoutProblem++;
                    examples.Add($"{method} {path}: {status} without a problem body");
                }
            }
        }

        static StringContent Json(string text) => new(text, Encoding.UTF8, "application/json");
        var bodies = new (string Name, Func<HttpContent> Body)[]
        {
            ("malformed JSON", () => Json("{\"username\": ")),
            ("wrong types", () => Json("{\"username\": 5, \"password\": [1], \"inviteCode\": {}, \"reason\": 7, \"refreshToken\": true, \"role\": 3, \"notionalUsd\": \"lots\"}")),
            ("not JSON", () => new StringContent("username=admin", Encoding.UTF8, "text/plain")),
            ("oversized", () => Json("{\"reason\": \"" + new string('x', 200_000) + "\"}")),
        };
        var posts = new[]
        {
            ("/api/auth/register", (HttpClient)viewer.Http), ("/api/auth/login", viewer.Http), ("/api/auth/refresh", viewer.Http), ("/api/auth/logout", viewer.Http),
            ("/api/admin/invites", admin.Http), ("/api/ops/kill", admin.Http), ("/api/ops/carry/BTCUSDT/open", admin.Http),
            ("/api/ops/carry/BTCUSDT/close", admin.Http), ("/api/diag/cluster/leave", admin.Http),
        };
        foreach (var (path, http) in posts)
        {
            foreach (var (_, body) in bodies)
            {
                await ProbeAsync(http, HttpMethod.Post, path, body());
            }
        }

        foreach (var (_, body) in bodies)
        {
            await ProbeAsync(admin.Http, HttpMethod.Put, "/api/ops/risk/parameters", body());
        }

        foreach (var query in new[] { "/api/signals?limit=abc", "/api/signals?before=abc", "/api/signals?limit=-1", "/api/audit?limit=99999", "/api/trades?limit=x",
                     "/api/risk/history?before=abc", "/api/diag/logs?level=-1", "/api/kline?symbol=BTCUSDT&interval=7q", "/api/history?symbol=%00" })
        {
            await ProbeAsync(admin.Http, HttpMethod.Get, query, null);
        }

        // A viewer asks about 20 symbols the node does not trade: 404 each, and no feed or session opened for them.
        var simulator = SimulatorUrl().Match(health.GetProperty("exchange").GetString()!);
        using var sim = new HttpClient { BaseAddress = new Uri(simulator.Groups[1].Value), Timeout = TimeSpan.FromSeconds(10) };
        var before = await sim.GetFromJsonAsync<JsonElement>("/sim/state");
        var not404 = 0;
        for (var i = 0; i < 20; i++)
        {
            using var response = await viewer.Http.GetAsync($"/api/indicators/ZZPROBE{i}");
            sent++;
            if (response.StatusCode != HttpStatusCode.NotFound)
            {
                not404++;
                examples.Add($"GET /api/indicators/ZZPROBE{i}: {(int)response.StatusCode}");
            }
        }

        var after = await sim.GetFromJsonAsync<JsonElement>("/sim/state");
        var newSessions = Math.Max(0, after.GetProperty("sessions").GetInt32() - before.GetProperty("sessions").GetInt32())
            + after.GetProperty("streams").EnumerateArray().Count(s => s.GetString()!.Contains("zzprobe", StringComparison.OrdinalIgnoreCase));
        var stackTraces = node.Stdout[outputBefore..].Split('\n').Count(l => l.TrimStart().StartsWith("at ", StringComparison.Ordinal) && l.Contains('(', StringComparison.Ordinal));
        return new HostileRequestsRun(sent, serverErrors, withoutProblem, not404, newSessions, stackTraces, string.Join("; ", examples.Take(5)));
    }

    [GeneratedRegex(@"simulator (http://127\.0\.0\.1:[0-9]+)")]
    private static partial Regex SimulatorUrl();
}
