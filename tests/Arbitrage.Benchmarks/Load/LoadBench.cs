using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Reflection;
using System.Security.Cryptography;
using System.Text.Json;
using Arbitrage.Testing;
using Microsoft.Data.Sqlite;

namespace Arbitrage.Benchmarks.Load;

/// <summary>
/// A bounded load test against the real node process (loopback only): the node runs the in-process simulator
/// over the real 24 h BTCUSD_PERP aggTrades day at high speed with the shipped strategies, whose trades-only example
/// emits signals during the run; <c>clients</c> concurrent loops hit the read endpoints with a
/// bearer token while one SSE client counts <c>signals,indicators</c> events. Afterwards it checks that no
/// signal was lost between the journal (<c>signal-emitted.v1</c> rows), the read model (<c>read_signals</c>)
/// and the SSE stream.
/// Usage: e2e load [seconds=20] [clients=8] [speed=auto] [maxRequests=500000]. The node binary is
/// ARB_BENCH_NODE, else $ARB_ARTIFACTS/bin/Arbitrage.Node/{release,debug}/Arbitrage.Node.dll, else
/// src/Arbitrage.Node/bin/{Release,Debug}/net10.0/Arbitrage.Node.dll (build src/Arbitrage.Node first).
/// </summary>
public static partial class LoadBench
{
    private const string RealDay = "/work/shared/data/tommyca_binance_datatool__BTCUSD_PERP__futures_cm__aggTrades__2026-05-08.zip";
    private const string FixtureDay = "BTCUSD_PERP-aggTrades-2026-05-08.head20000.zip";
    private const string SignalManifest = "signal-emitted.v1";

    private static readonly string[] Endpoints =
    [
        "/api/signals?limit=50",
        "/api/health",
        "/api/rates",
        "/api/risk",
        "/api/indicators/BTCUSD_PERP",
    ];

    public static async Task RunAsync(string[] args)
    {
        var seconds = Math.Clamp(Arg(args, 0, 20), 1, 600);
        var clients = Math.Clamp(Arg(args, 1, 8), 1, 64);
        // Default speed: the 24 h day lasts about the run plus start-up, so signals flow throughout.
        var speed = args.Length > 2 && args[2] != "auto" ? args[2] : Math.Round(86_400.0 / (seconds + 10)).ToString(CultureInfo.InvariantCulture);
        var maxRequests = Math.Clamp(Arg(args, 3, 500_000), 1, 10_000_000);

        var repo = RepoRoot();
        var nodeDll = FindNodeDll(repo);
        var tape = File.Exists(RealDay) ? RealDay : Path.Combine(AppContext.BaseDirectory, "fixtures", FixtureDay);
        var work = Path.Combine(Path.GetTempPath(), "arb-bench-load", Guid.NewGuid().ToString("N"));
        var strategies = Path.Combine(work, "strategies");
        Directory.CreateDirectory(strategies);
        foreach (var f in Directory.GetFiles(Path.Combine(repo, "strategies"), "*.json"))
        {
            File.Copy(f, Path.Combine(strategies, Path.GetFileName(f)));
        }

        var dataDir = Path.Combine(work, "data");
        var dbFile = Path.Combine(dataDir, "arbitrage.db");
        var invite = "bench-" + Convert.ToHexString(RandomNumberGenerator.GetBytes(12));
        var env = new Dictionary<string, string>
        {
            ["ARB__Http__Urls"] = "http://127.0.0.1:0",
            ["ARB__Storage__DataDir"] = dataDir,
            ["ARB__Paths__Hocon"] = Path.Combine(repo, "hocon"),
            ["ARB__Paths__Strategies"] = strategies,
            ["ARB__Paths__Logs"] = Path.Combine(work, "logs"),
            ["ARB__Auth__JwtKey"] = Convert.ToBase64String(RandomNumberGenerator.GetBytes(48)),
            ["ARB__Auth__BootstrapInvite"] = invite,
        };

        Console.WriteLine($"load: {seconds} s, {clients} clients + 1 SSE client, max {maxRequests:N0} requests, {Environment.ProcessorCount} cores (shared with the node)");
        Console.WriteLine($"node: {nodeDll} (built {File.GetLastWriteTime(nodeDll):yyyy-MM-dd HH:mm:ss})");
        Console.WriteLine($"feed: simulator over {Path.GetFileName(tape)} at speed {speed}; strategies: shipped (v51, v52, example_trades_only with threshold 50)");

        await using var node = NodeProcess.Start(nodeDll, work, env, "--exchange", "sim", "--tape", tape, "--speed", speed);
        try
        {
            var baseUri = await node.WaitListeningAsync(TimeSpan.FromSeconds(90));
            if (!IPAddress.IsLoopback(IPAddress.Parse(baseUri.Host)))
            {
                throw new InvalidOperationException($"refusing to load a non-loopback address: {baseUri}");
            }

            await RunAgainstAsync(baseUri, invite, dbFile, seconds, clients, maxRequests, node);
        }
        catch
        {
            Console.Error.WriteLine("node stdout (tail):\n" + Tail(node.Stdout, 40) + "\nnode stderr (tail):\n" + Tail(node.Stderr, 40));
            throw;
        }
        finally
        {
            await node.DisposeAsync();
            SqliteConnection.ClearAllPools();
            try
            {
                Directory.Delete(work, true);
            }
            catch (IOException)
            {
            }
        }
    }

    private static async Task RunAgainstAsync(Uri baseUri, string invite, string dbFile, int seconds, int clients, int maxRequests, NodeProcess node)
    {
        using var handler = new SocketsHttpHandler { MaxConnectionsPerServer = clients + 4, PooledConnectionLifetime = Timeout.InfiniteTimeSpan, UseProxy = false };
        using var http = new HttpClient(handler, disposeHandler: false) { BaseAddress = baseUri, Timeout = TimeSpan.FromSeconds(30) };

        var register = await http.PostAsJsonAsync("/api/auth/register", new { inviteCode = invite, username = "loadbench", password = "load-bench-password-1" });
        if (!register.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"register: {(int)register.StatusCode} {await register.Content.ReadAsStringAsync()}");
        }

        var login = await http.PostAsJsonAsync("/api/auth/login", new { username = "loadbench", password = "load-bench-password-1" });
        var token = (await login.EnsureSuccessStatusCode().Content.ReadFromJsonAsync<JsonElement>()).GetProperty("accessToken").GetString()!;
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);

        // The SSE client first: signals journalled before it subscribed cannot reach it; count them apart.
        using var sseStop = new CancellationTokenSource();
        var sse = new SseCounter();
        using var sseHttp = new HttpClient(new SocketsHttpHandler { UseProxy = false }) { BaseAddress = baseUri, Timeout = Timeout.InfiniteTimeSpan };
        sseHttp.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        var sseTask = sse.RunAsync(sseHttp, "/api/stream?topics=signals,indicators", sseStop.Token);
        await sse.Ready.WaitAsync(TimeSpan.FromSeconds(15));
        var (journalAtReady, _) = await CountSignalsAsync(dbFile);

        // The load: every client cycles through the endpoints (each from a different offset) until time or count runs out.
        var samples = new ConcurrentBag<List<(int Endpoint, long Ticks)>>();
        var errors = new ConcurrentDictionary<string, int>(StringComparer.Ordinal);
        long issued = 0;
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(seconds));
        var clock = Stopwatch.StartNew();
        var loops = Enumerable.Range(0, clients).Select(c => Task.Run(async () =>
        {
            var mine = new List<(int, long)>(1 << 16);
            samples.Add(mine);
            for (var i = c; !stop.IsCancellationRequested; i++)
            {
                if (Interlocked.Increment(ref issued) > maxRequests)
                {
                    break;
                }

                var e = i % Endpoints.Length;
                var t0 = Stopwatch.GetTimestamp();
                try
                {
                    using var response = await http.GetAsync(Endpoints[e], HttpCompletionOption.ResponseContentRead, CancellationToken.None).ConfigureAwait(false);
                    var ticks = Stopwatch.GetTimestamp() - t0;
                    mine.Add((e, ticks));
                    if (!response.IsSuccessStatusCode)
                    {
                        errors.AddOrUpdate($"{(int)response.StatusCode} {Endpoints[e]}", 1, (_, n) => n + 1);
                    }
                }
                catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException or IOException)
                {
                    mine.Add((e, Stopwatch.GetTimestamp() - t0));
                    errors.AddOrUpdate($"{ex.GetType().Name} {Endpoints[e]}", 1, (_, n) => n + 1);
                }
            }
        })).ToArray();
        await Task.WhenAll(loops);
        clock.Stop();

        var all = samples.SelectMany(s => s).ToList();
        var elapsed = clock.Elapsed.TotalSeconds;
        Console.WriteLine();
        Console.WriteLine($"requests: {all.Count:N0} in {elapsed:0.0} s = {all.Count / elapsed:N0} req/s; errors: {errors.Values.Sum():N0}; SSE events during the run: {sse.Total:N0}");
        Console.WriteLine("| endpoint | requests | req/s | p50 ms | p95 ms | p99 ms | max ms |");
        Console.WriteLine("|---|---:|---:|---:|---:|---:|---:|");
        for (var e = 0; e < Endpoints.Length; e++)
        {
            PrintRow(Endpoints[e], all.Where(s => s.Endpoint == e).Select(s => s.Ticks).ToList(), elapsed);
        }

        var overall = all.Select(s => s.Ticks).ToList();
        var overallP99 = PrintRow("**all**", overall, elapsed);
        Console.WriteLine(errors.IsEmpty ? "errors by status: none" : "errors by status: " + string.Join(", ", errors.OrderBy(k => k.Key, StringComparer.Ordinal).Select(k => $"{k.Key} ×{k.Value}")));

        // No event lost: wait (bounded) until the projection and the SSE client caught up with the journal.
        var wait = Stopwatch.StartNew();
        long journal = 0, readModel = 0;
        var sseSignals = 0;
        var caughtUp = false;
        while (wait.Elapsed < TimeSpan.FromSeconds(30))
        {
            (journal, readModel) = await CountSignalsAsync(dbFile);
            sseSignals = sse.Signals;
            if (journal == readModel && sseSignals == journal - journalAtReady)
            {
                caughtUp = true;
                break;
            }

            await Task.Delay(TimeSpan.FromMilliseconds(250)); // polling the read model until it catches up (bounded above)
        }

        await sseStop.CancelAsync();
        await sseTask;
        var ids = await ReadModelIdsAsync(dbFile);
        var missingFromReadModel = sse.SignalIds.Count(id => !ids.Contains(id));
        var feedTrades = await FeedTradesAsync(http);

        Console.WriteLine();
        Console.WriteLine($"SSE: {sse.Total:N0} events ({sse.Signals:N0} SignalEmitted, {sse.Indicators:N0} IndicatorSnapshot, other {sse.Other:N0}); dropped reported by the server: {sse.Dropped:N0}");
        Console.WriteLine($"journal {SignalManifest} rows: {journal:N0} ({journalAtReady:N0} before the SSE client subscribed); read_signals rows: {readModel:N0}; " +
            $"SSE SignalEmitted: {sseSignals:N0} (expected {journal - journalAtReady:N0}); SSE signal ids missing from read_signals: {missingFromReadModel}; " +
            $"{(caughtUp ? $"caught up {wait.Elapsed.TotalSeconds:0.0} s after the load" : "NOT caught up within 30 s")}; feed trades processed: {feedTrades}; node alive: {!node.HasExited}");
        Console.WriteLine();
        Console.WriteLine("| scenario | throughput | latency | no event lost |");
        Console.WriteLine("|---|---:|---:|---|");
        Console.WriteLine($"| read endpoints + SSE, {seconds} s, {clients} clients | {all.Count / elapsed:N0} req/s | p99 {overallP99:0.0} ms | journal {journal:N0} = read model {readModel:N0} = SSE {sseSignals:N0}{(journalAtReady > 0 ? $" (+{journalAtReady:N0} before subscribe)" : "")}{(caughtUp && missingFromReadModel == 0 ? "" : " MISMATCH")} |");
    }

    private static double PrintRow(string name, List<long> ticks, double elapsed)
    {
        if (ticks.Count == 0)
        {
            Console.WriteLine($"| {name} | 0 | 0 | – | – | – | – |");
            return double.NaN;
        }

        ticks.Sort();
        double Ms(double q) => ticks[Math.Min(ticks.Count - 1, (int)Math.Ceiling(q * ticks.Count) - 1)] * 1000.0 / Stopwatch.Frequency;
        var p99 = Ms(0.99);
        Console.WriteLine($"| {name} | {ticks.Count:N0} | {ticks.Count / elapsed:N0} | {Ms(0.50):0.0} | {Ms(0.95):0.0} | {p99:0.0} | {Ms(1.0):0.0} |");
        return p99;
    }

    private static async Task<(long Journal, long ReadModel)> CountSignalsAsync(string dbFile)
    {
        // One statement = one read snapshot of the WAL database, so both counts describe the same moment.
        await using var db = new SqliteConnection($"Data Source={dbFile};Mode=ReadOnly;Pooling=False");
        await db.OpenAsync();
        await using var cmd = db.CreateCommand();
        cmd.CommandText = $"""
            SELECT (SELECT COUNT(*) FROM journal WHERE manifest = '{SignalManifest}'),
                   (SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = 'read_signals')
            """;
        long journal, hasTable;
        await using (var r = await cmd.ExecuteReaderAsync())
        {
            await r.ReadAsync();
            (journal, hasTable) = (r.GetInt64(0), r.GetInt64(1));
        }

        if (hasTable == 0)
        {
            return (journal, 0);
        }

        cmd.CommandText = $"""
            SELECT (SELECT COUNT(*) FROM journal WHERE manifest = '{SignalManifest}'), (SELECT COUNT(*) FROM read_signals)
            """;
        await using var r2 = await cmd.ExecuteReaderAsync();
        await r2.ReadAsync();
        return (r2.GetInt64(0), r2.GetInt64(1));
    }

    private static async Task<HashSet<string>> ReadModelIdsAsync(string dbFile)
    {
        var ids = new HashSet<string>(StringComparer.Ordinal);
        await using var db = new SqliteConnection($"Data Source={dbFile};Mode=ReadOnly;Pooling=False");
        await db.OpenAsync();
        await using var cmd = db.CreateCommand();
        cmd.CommandText = "SELECT signal_id FROM read_signals";
        await using var r = await cmd.ExecuteReaderAsync();
        while (await r.ReadAsync())
        {
            ids.Add(r.GetString(0));
        }

        return ids;
    }

    private static async Task<string> FeedTradesAsync(HttpClient http)
    {
        try
        {
            var health = await http.GetFromJsonAsync<JsonElement>("/api/health");
            return string.Join(", ", health.GetProperty("feeds").EnumerateArray()
                .Select(f => $"{f.GetProperty("symbol").GetString()} {f.GetProperty("trades").GetInt64():N0}"));
        }
        catch (Exception e) when (e is HttpRequestException or JsonException or KeyNotFoundException or InvalidOperationException)
        {
            return "unknown (" + e.Message + ")";
        }
    }

    private static int Arg(string[] args, int i, int fallback) =>
        args.Length > i && args[i] != "auto" ? int.Parse(args[i], CultureInfo.InvariantCulture) : fallback;

    private static string Tail(string text, int lines) => string.Join('\n', text.Split('\n').TakeLast(lines));

    private static string RepoRoot()
    {
        var fromBuild = typeof(LoadBench).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
            .FirstOrDefault(a => a.Key == "Arbitrage.RepoRoot")?.Value;
        if (fromBuild is not null && Directory.Exists(Path.Combine(fromBuild, "strategies")))
        {
            return Path.GetFullPath(fromBuild);
        }

        for (var d = new DirectoryInfo(AppContext.BaseDirectory); d is not null; d = d.Parent)
        {
            if (File.Exists(Path.Combine(d.FullName, "Arbitrage.sln")))
            {
                return d.FullName;
            }
        }

        return Directory.GetCurrentDirectory();
    }

    private static string FindNodeDll(string repo)
    {
        var candidates = new List<string>();
        if (Environment.GetEnvironmentVariable("ARB_BENCH_NODE") is { Length: > 0 } explicitDll)
        {
            candidates.Add(explicitDll);
        }

        if (Environment.GetEnvironmentVariable("ARB_ARTIFACTS") is { Length: > 0 } artifacts)
        {
            candidates.Add(Path.Combine(artifacts, "bin", "Arbitrage.Node", "release", "Arbitrage.Node.dll"));
            candidates.Add(Path.Combine(artifacts, "bin", "Arbitrage.Node", "debug", "Arbitrage.Node.dll"));
        }

        candidates.Add(Path.Combine(repo, "src", "Arbitrage.Node", "bin", "Release", "net10.0", "Arbitrage.Node.dll"));
        candidates.Add(Path.Combine(repo, "src", "Arbitrage.Node", "bin", "Debug", "net10.0", "Arbitrage.Node.dll"));
        return candidates.FirstOrDefault(File.Exists)
            ?? throw new FileNotFoundException("Arbitrage.Node.dll not found; build it first (dotnet build -c Release src/Arbitrage.Node) or set ARB_BENCH_NODE. Looked at: " + string.Join(", ", candidates));
    }

    /// <summary>Reads an SSE stream line by line and counts events by type; collects signal ids.</summary>
    private sealed class SseCounter
    {
        private readonly TaskCompletionSource _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private int _signals;
        private int _indicators;
        private int _other;
        private long _dropped;

        public Task Ready => _ready.Task;

        public int Signals => Volatile.Read(ref _signals);

        public int Indicators => Volatile.Read(ref _indicators);

        public int Other => Volatile.Read(ref _other);

        public long Dropped => Interlocked.Read(ref _dropped);

        public int Total => Signals + Indicators + Other;

        public ConcurrentBag<string> SignalIds { get; } = [];

        public async Task RunAsync(HttpClient http, string path, CancellationToken ct)
        {
            try
            {
                using var response = await http.GetAsync(path, HttpCompletionOption.ResponseHeadersRead, ct).ConfigureAwait(false);
                response.EnsureSuccessStatusCode();
                await using var body = await response.Content.ReadAsStreamAsync(ct).ConfigureAwait(false);
                using var reader = new StreamReader(body);
                string? type = null;
                string? data = null;
                while (await reader.ReadLineAsync(ct).ConfigureAwait(false) is { } line)
                {
                    if (line.StartsWith("event: ", StringComparison.Ordinal))
                    {
                        type = line[7..];
                    }
                    else if (line.StartsWith("data: ", StringComparison.Ordinal))
                    {
                        data = line[6..];
                    }
                    else if (line.Length == 0 && type is not null)
                    {
                        Dispatch(type, data);
                        type = data = null;
                    }
                }
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
            }
            catch (Exception e) when (e is HttpRequestException or IOException)
            {
                _ready.TrySetException(e);
                Console.Error.WriteLine($"SSE client failed: {e.Message}");
            }
        }

        private void Dispatch(string type, string? data)
        {
            switch (type)
            {
                case "ready":
                    _ready.TrySetResult();
                    break;
                case "SignalEmitted":
                    Interlocked.Increment(ref _signals);
                    if (data is not null && JsonDocument.Parse(data).RootElement.TryGetProperty("signalId", out var id) && id.GetString() is { } s)
                    {
                        SignalIds.Add(s);
                    }

                    break;
                case "IndicatorSnapshot":
                    Interlocked.Increment(ref _indicators);
                    break;
                case "dropped":
                    if (data is not null && JsonDocument.Parse(data).RootElement.TryGetProperty("count", out var n))
                    {
                        Interlocked.Exchange(ref _dropped, n.GetInt64());
                    }

                    break;
                default:
                    Interlocked.Increment(ref _other);
                    break;
            }
        }
    }
}
