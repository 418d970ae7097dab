using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json;
using Arbitrage.Testing;

namespace Arbitrage.Node.Tests.Hosting;

/// <summary>
/// The real node process: boots on each backend and answers /api/health; every startup-validation
/// case exits non-zero within 15 s with one line naming the file or key, and starts nothing.
/// </summary>
public sealed class NodeStartupTests : IDisposable
{
    private static readonly TimeSpan ExitLimit = TimeSpan.FromSeconds(15);
    private readonly string _work = Path.Combine(Path.GetTempPath(), "arb-node-tests", Guid.NewGuid().ToString("N"));

    public NodeStartupTests()
    {
        Directory.CreateDirectory(_work);
    }

    public void Dispose() => TestDatabases.DeleteQuietly(_work);

    private Dictionary<string, string> Env(Dictionary<string, string>? overrides = null)
    {
        var env = NodeProcess.TestEnvironment(_work);
        foreach (var (k, v) in overrides ?? [])
        {
            env[k] = v;
        }

        return env;
    }

    [SkippableTheory]
    [InlineData("sqlite")]
    [InlineData("postgres")]
    public async Task Node_boots_and_health_reports_the_backend(string backend)
    {
        var overrides = new Dictionary<string, string>();
        if (backend == "postgres")
        {
            var db = TestDatabases.Postgres();
            overrides["ARB__Storage__Postgres"] = db.ConnectionString;
        }

        // Offline: the in-process simulator over a fixture tape (tests never reach out to Binance).
        var tape = Path.Combine(RepoPaths.Fixtures, "BTCUSD_PERP-aggTrades-2026-05-08.head4500.csv");
        await using var node = NodeProcess.Start(_work, Env(overrides), "--exchange", "sim", "--tape", tape, "--speed", "max");
        var url = await node.WaitListeningAsync(TimeSpan.FromSeconds(60));
        using var http = new HttpClient { BaseAddress = url };
        var health = await http.GetFromJsonAsync<JsonElement>("/api/health");

        Assert.Equal(backend == "postgres" ? "postgresql" : "sqlite", health.GetProperty("persistence").GetProperty("backend").GetString());
        Assert.True(health.GetProperty("persistence").GetProperty("ok").GetBoolean());
        Assert.Equal("Up", health.GetProperty("cluster").GetProperty("status").GetString());
        Assert.False(string.IsNullOrEmpty(health.GetProperty("version").GetString()));
        if (backend == "sqlite")
        {
            Assert.True(File.Exists(Path.Combine(_work, "data", "arbitrage.db")));
            await using var sqlite = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={Path.Combine(_work, "data", "arbitrage.db")}");
            await sqlite.OpenAsync();
            await using var pragma = sqlite.CreateCommand();
            pragma.CommandText = "PRAGMA journal_mode;";
            Assert.Equal("wal", (string?)await pragma.ExecuteScalarAsync());
        }

        // Logs go to a rolling compact-JSON file too.
        var logFile = Directory.GetFiles(Path.Combine(_work, "logs"), "arbitrage-*.clef").Single();
        using (var reader = new StreamReader(new FileStream(logFile, FileMode.Open, FileAccess.Read, FileShare.ReadWrite)))
        {
            var first = await reader.ReadLineAsync();
            Assert.NotNull(first);
            Assert.True(JsonDocument.Parse(first!).RootElement.TryGetProperty("@t", out _));
        }
    }

    [Fact]
    public async Task Live_mode_without_keys_refuses_to_start_and_names_the_keys()
    {
        // A live configuration: the shipped strategies without the example (refused live on its own, see the cases below).
        var strategies = Path.Combine(_work, "live-strategies");
        Directory.CreateDirectory(strategies);
        foreach (var file in Directory.GetFiles(RepoPaths.Strategies, "v5*.json"))
        {
            File.Copy(file, Path.Combine(strategies, Path.GetFileName(file)));
        }

        var overrides = new Dictionary<string, string>
        {
            ["ARB__Exchange__RestUrl"] = "http://127.0.0.1:9",
            ["ARB__Exchange__WsUrl"] = "ws://127.0.0.1:9",
            ["ARB__Exchange__SpotRestUrl"] = "http://127.0.0.1:9",
            ["ARB__Exchange__SpotWsUrl"] = "ws://127.0.0.1:9",
            ["ARB__Paths__Strategies"] = strategies,
        };
        await using var node = NodeProcess.Start(_work, Env(overrides), "--mode", "live");
        var code = await node.WaitExitAsync(ExitLimit);

        Assert.Equal(2, code);
        var line = Assert.Single(node.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Contains("live mode refused", line, StringComparison.Ordinal);
        Assert.Contains("ARB__Exchange__ApiKey", line, StringComparison.Ordinal);
        Assert.DoesNotContain("listening on", node.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Live_mode_against_the_simulator_trades_through_the_live_gateway()
    {
        var tape = Path.Combine(RepoPaths.Fixtures, "BTCUSD_PERP-aggTrades-2026-05-08.head4500.csv");
        await using var node = NodeProcess.Start(_work, Env(), "--exchange", "sim", "--tape", tape, "--speed", "max", "--mode", "live");
        var url = await node.WaitListeningAsync(TimeSpan.FromSeconds(60));
        using var http = new HttpClient { BaseAddress = url };
        var health = await http.GetFromJsonAsync<JsonElement>("/api/health");
        Assert.True(health.GetProperty("persistence").GetProperty("ok").GetBoolean());
        Assert.Contains("Live gateway: user-data stream connected", node.Stdout + node.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Every_invalid_strategy_file_is_reported_on_its_own_line()
    {
        var strategies = Path.Combine(_work, "strategies");
        Directory.CreateDirectory(strategies);
        File.WriteAllText(Path.Combine(strategies, "a_broken.json"), "{ \"id\": \"x\", ");
        var text = File.ReadAllText(Path.Combine(RepoPaths.Strategies, "v51_baseline.json"));
        File.WriteAllText(Path.Combine(strategies, "b_rule.json"), System.Text.RegularExpressions.Regex.Replace(text, "\"threshold\"\\s*:\\s*[0-9.]+", "\"threshold\": 140"));

        await using var node = NodeProcess.Start(_work, Env(new() { ["ARB__Paths__Strategies"] = strategies }));
        Assert.Equal(2, await node.WaitExitAsync(ExitLimit));

        var lines = node.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(2, lines.Length);
        Assert.StartsWith($"arbitrage-node: {Path.Combine(strategies, "a_broken.json")}: ", lines[0], StringComparison.Ordinal);
        Assert.StartsWith($"arbitrage-node: {Path.Combine(strategies, "b_rule.json")}: $.threshold:", lines[1], StringComparison.Ordinal);
        Assert.DoesNotContain("more)", node.Stderr, StringComparison.Ordinal);
        Assert.False(Directory.Exists(Path.Combine(_work, "logs")), "nothing was started");
    }

    [Fact]
    public async Task An_invalid_triangle_config_refuses_start_naming_file_path_and_rule()
    {
        var strategies = Path.Combine(_work, "tri-strategies");
        Directory.CreateDirectory(Path.Combine(strategies, "triangles"));
        File.Copy(Path.Combine(RepoPaths.Strategies, "v51_baseline.json"), Path.Combine(strategies, "v51_baseline.json"));
        var text = File.ReadAllText(Path.Combine(RepoPaths.Strategies, "triangles", "tri_binance.json"));
        var file = Path.Combine(strategies, "triangles", "tri_bad.json");
        File.WriteAllText(file, text.Replace("\"taker_fee\": 0.001", "\"taker_fee\": \"lots\"", StringComparison.Ordinal));

        await using var node = NodeProcess.Start(_work, Env(new() { ["ARB__Paths__Strategies"] = strategies }));
        Assert.Equal(2, await node.WaitExitAsync(ExitLimit));
        var line = Assert.Single(node.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith($"arbitrage-node: {file}: $.taker_fee:", line, StringComparison.Ordinal);
        Assert.False(Directory.Exists(Path.Combine(_work, "logs")), "nothing was started");
    }

    public static TheoryData<string> Cases => new()
    {
        "malformed-hocon",
        "missing-hocon-dir",
        "missing-strategies",
        "invalid-strategy",
        "strategy-rule-broken",
        "malformed-connection-string",
        "unreachable-postgres",
        "unknown-option",
        "sim-without-tape",
        "sim-bad-speed",
        "bad-mode",
        "missing-jwt-key",
        "short-jwt-key",
        "cluster-without-jwt-key-in-development",
        "cluster-on-sqlite",
        "cluster-bad-seed",
        "live-with-example-strategy",
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Invalid_startup_exits_non_zero_with_one_clear_line(string @case)
    {
        var overrides = new Dictionary<string, string>();
        string[] args = [];
        string expected;
        int expectedCode = 2;
        switch (@case)
        {
            case "malformed-hocon":
                var hocon = Path.Combine(_work, "hocon");
                Directory.CreateDirectory(hocon);
                foreach (var f in Directory.GetFiles(RepoPaths.Hocon))
                {
                    File.Copy(f, Path.Combine(hocon, Path.GetFileName(f)));
                }

                File.WriteAllText(Path.Combine(hocon, "cluster.conf"), "akka.cluster { sharding { number-of-shards = 100 \n");
                overrides["ARB__Paths__Hocon"] = hocon;
                expected = Path.Combine(hocon, "cluster.conf") + ":";
                break;
            case "missing-hocon-dir":
                overrides["ARB__Paths__Hocon"] = Path.Combine(_work, "nope");
                expected = "Paths:Hocon";
                break;
            case "missing-strategies":
                overrides["ARB__Paths__Strategies"] = Path.Combine(_work, "no-strategies");
                expected = "Paths:Strategies";
                break;
            case "invalid-strategy":
                var strategies = Path.Combine(_work, "strategies");
                Directory.CreateDirectory(strategies);
                File.WriteAllText(Path.Combine(strategies, "broken.json"), "{ \"id\": \"x\", ");
                overrides["ARB__Paths__Strategies"] = strategies;
                expected = Path.Combine(strategies, "broken.json") + ":";
                break;
            case "strategy-rule-broken":
                var rules = Path.Combine(_work, "strategies2");
                Directory.CreateDirectory(rules);
                var text = File.ReadAllText(Path.Combine(RepoPaths.Strategies, "v51_baseline.json"));
                File.WriteAllText(Path.Combine(rules, "v51_baseline.json"), System.Text.RegularExpressions.Regex.Replace(text, "\"threshold\"\\s*:\\s*[0-9.]+", "\"threshold\": 140"));
                overrides["ARB__Paths__Strategies"] = rules;
                expected = Path.Combine(rules, "v51_baseline.json") + ": $.threshold:";
                break;
            case "malformed-connection-string":
                overrides["ARB__Storage__Postgres"] = "Host=127.0.0.1;Bogus Key=1";
                expected = "Storage:Postgres";
                break;
            case "unreachable-postgres":
                overrides["ARB__Storage__Postgres"] = "Host=127.0.0.1;Port=9;Username=x;Password=y;Database=z;Timeout=3";
                expected = "Storage:Postgres";
                expectedCode = 3;
                break;
            case "unknown-option":
                args = ["--frobnicate", "1"];
                expected = "--frobnicate";
                break;
            case "sim-without-tape":
                args = ["--exchange", "sim"];
                expected = "--tape";
                break;
            case "bad-mode":
                args = ["--mode", "yolo"];
                expected = "Exchange:Mode";
                break;
            case "missing-jwt-key":
                overrides["ARB__Auth__JwtKey"] = "";
                expected = "Auth:JwtKey";
                break;
            case "short-jwt-key":
                overrides["ARB__Auth__JwtKey"] = "secret";
                expected = "Auth:JwtKey";
                break;
            case "cluster-without-jwt-key-in-development":
                // Development tolerates a missing key (a random one per process), but cluster nodes must share one.
                overrides["ARB__Auth__JwtKey"] = "";
                overrides["ASPNETCORE_ENVIRONMENT"] = "Development";
                overrides["ARB__Cluster__Seeds__0"] = "akka.tcp://arbitrage@127.0.0.1:4053";
                expected = "ARB__Auth__JwtKey";
                break;
            case "cluster-on-sqlite":
                overrides["ARB__Cluster__Seeds__0"] = "akka.tcp://arbitrage@127.0.0.1:4053";
                expected = "a cluster needs the shared PostgreSQL journal";
                break;
            case "cluster-bad-seed":
                overrides["ARB__Cluster__Seeds__0"] = "127.0.0.1:4053";
                expected = "Cluster:Seeds:0";
                break;
            case "live-with-example-strategy":
                // The shipped folder enables the trades-only example: fine for paper and the simulator, refused for real money.
                args = ["--mode", "live"];
                expected = "example_trades_only is an example strategy";
                break;
            case "sim-bad-speed":
                args = ["--exchange", "sim", "--tape", Path.Combine(RepoPaths.Fixtures, "BTCUSD_PERP-aggTrades-2026-05-08.head4500.csv"), "--speed", "fast"];
                expected = "Exchange:Speed";
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(@case));
        }

        var clock = Stopwatch.StartNew();
        await using var node = NodeProcess.Start(_work, Env(overrides), args);
        var code = await node.WaitExitAsync(ExitLimit);

        Assert.True(clock.Elapsed < ExitLimit);
        Assert.Equal(expectedCode, code);
        var lines = node.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        var line = Assert.Single(lines);
        Assert.Contains(expected, line, StringComparison.Ordinal);
        Assert.DoesNotContain("Password=y", line, StringComparison.Ordinal);
        Assert.DoesNotContain("listening on", node.Stdout, StringComparison.Ordinal);
        Assert.False(Directory.Exists(Path.Combine(_work, "logs")), "nothing was started");
    }
}
