using System.Net.Http.Json;
using System.Text.Json;
using Arbitrage.Testing;

namespace Arbitrage.Node.Tests.Hosting;

/// <summary>
/// The real node process with its market-data pipeline: the offline demo (in-process simulator over a
/// real tape, real WebSocket/REST client code) delivers every trade to the symbol actor; an unreachable
/// exchange leaves the node up with the feed reported down.
/// </summary>
public sealed class NodeFeedTests : IDisposable
{
    private readonly string _work = Path.Combine(Path.GetTempPath(), "arb-node-feed", Guid.NewGuid().ToString("N"));

    public NodeFeedTests() => Directory.CreateDirectory(_work);

    public void Dispose() => TestDatabases.DeleteQuietly(_work);

    private Dictionary<string, string> Env() => NodeProcess.TestEnvironment(_work);

    private static async Task<JsonElement> WaitForAsync(HttpClient http, Func<JsonElement, bool> condition, TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        JsonElement last = default;
        while (!cts.IsCancellationRequested)
        {
            var response = await http.GetAsync("/api/health", CancellationToken.None);
            last = await response.Content.ReadFromJsonAsync<JsonElement>();
            if (condition(last))
            {
                return last;
            }

            await Task.Delay(TimeSpan.FromMilliseconds(250), CancellationToken.None);
        }

        throw new TimeoutException($"condition not met within {timeout}; last health: {last}");
    }

    [Fact]
    public async Task Offline_demo_streams_every_tape_trade_through_the_simulator_into_the_symbol_actor()
    {
        var tape = Path.Combine(RepoPaths.Fixtures, "BTCUSD_PERP-aggTrades-2026-05-08.head4500.csv");
        var rows = File.ReadLines(tape).Count() - 1;

        await using var node = NodeProcess.Start(_work, Env(), "--exchange", "sim", "--tape", tape, "--speed", "max");
        using var http = new HttpClient { BaseAddress = await node.WaitListeningAsync(TimeSpan.FromSeconds(60)) };

        var health = await WaitForAsync(
            http,
            h => h.GetProperty("feeds")[0].GetProperty("trades").GetInt64() == rows,
            TimeSpan.FromSeconds(60));

        var feed = health.GetProperty("feeds")[0];
        Assert.Equal("BTCUSD_PERP", feed.GetProperty("symbol").GetString());
        Assert.Equal("connected", feed.GetProperty("status").GetString());
        Assert.Equal(JsonValueKind.Number, feed.GetProperty("lastTickMs").ValueKind);
        Assert.StartsWith("simulator http://127.0.0.1:", health.GetProperty("exchange").GetString(), StringComparison.Ordinal);

        // /metrics: ingest per symbol, sampled mailbox depths, journal/snapshot write latency (the tape spans
        // more than the 5-minute snapshot interval, so the symbol actor has written snapshots).
        string metrics = string.Empty;
        using (var metricsWait = new CancellationTokenSource(TimeSpan.FromSeconds(30)))
        {
            while (!metricsWait.IsCancellationRequested)
            {
                metrics = await http.GetStringAsync("/metrics");
                if (metrics.Contains("arb_mailbox_messages{actor=\"/user/strategies/strategies\"}", StringComparison.Ordinal)
                    && metrics.Contains("arb_journal_write_ms_count{writer=\"symbol-snapshot\"}", StringComparison.Ordinal))
                {
                    break;
                }

                await Task.Delay(TimeSpan.FromMilliseconds(250));
            }
        }

        Assert.Contains("arb_ingest_trades_total{symbol=\"BTCUSD_PERP\"}", metrics, StringComparison.Ordinal);
        Assert.Contains("arb_mailbox_messages{actor=\"/user/strategies/strategies\"}", metrics, StringComparison.Ordinal);
        Assert.Contains("arb_journal_write_ms_count{writer=\"symbol-snapshot\"}", metrics, StringComparison.Ordinal);

        // The live tape is recorded to agg_trades (batched, off the actor path): every trade, once.
        var db = Path.Combine(_work, "data", "arbitrage.db");
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        long stored = 0, distinct = 0;
        while (!cts.IsCancellationRequested)
        {
            await using var sqlite = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={db};Mode=ReadOnly");
            await sqlite.OpenAsync();
            await using var count = sqlite.CreateCommand();
            count.CommandText = "SELECT COUNT(*), COUNT(DISTINCT agg_id) FROM agg_trades WHERE symbol = 'BTCUSD_PERP'";
            await using var reader = await count.ExecuteReaderAsync();
            await reader.ReadAsync();
            (stored, distinct) = (reader.GetInt64(0), reader.GetInt64(1));
            if (stored == rows)
            {
                break;
            }

            await Task.Delay(TimeSpan.FromMilliseconds(250));
        }

        Assert.Equal(rows, stored);
        Assert.Equal(rows, distinct);
    }

    [Fact]
    public async Task Record_tape_writes_the_live_frames_to_a_jsonl_tape_that_reads_back_as_the_same_trades()
    {
        var tape = Path.Combine(RepoPaths.Fixtures, "BTCUSD_PERP-aggTrades-2026-05-08.head4500.csv");
        var recorded = Path.Combine(_work, "recorded.jsonl");
        await using (var node = NodeProcess.Start(_work, Env(), "--exchange", "sim", "--tape", tape, "--speed", "200", "--record-tape", recorded))
        {
            await node.WaitListeningAsync(TimeSpan.FromSeconds(60));

            // The recorder joins once the trading feed is connected; wait for frames to arrive, then stop.
            using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(60));
            while (!cts.IsCancellationRequested && (!File.Exists(recorded) || CountLines(recorded) < 50))
            {
                await Task.Delay(TimeSpan.FromMilliseconds(250));
            }
        }

        var source = Arbitrage.Binance.Tapes.TapeReader.ReadTrades(tape).Select(t => t.Trade).ToDictionary(t => t.AggId);
        var replayed = Arbitrage.Binance.Tapes.TapeReader.ReadTrades(recorded).ToList();
        Assert.True(replayed.Count >= 50, $"recorded {replayed.Count} trades");
        Assert.All(replayed, t => Assert.Equal(source[t.Trade.AggId], t.Trade));
        Assert.Equal(replayed.Select(t => t.Trade.AggId).Order(), replayed.Select(t => t.Trade.AggId));
    }

    private static int CountLines(string path)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        using var reader = new StreamReader(stream);
        var n = 0;
        while (reader.ReadLine() is not null)
        {
            n++;
        }

        return n;
    }

    [Fact]
    public async Task An_unreachable_exchange_keeps_the_node_up_and_health_says_the_feed_is_down()
    {
        var env = Env();
        // A closed loopback port: connection refused at once; the feed keeps retrying with backoff.
        env["ARB__Exchange__RestUrl"] = "http://127.0.0.1:9";
        env["ARB__Exchange__WsUrl"] = "ws://127.0.0.1:9";
        env["ARB__Exchange__SpotRestUrl"] = "http://127.0.0.1:9";
        env["ARB__Exchange__SpotWsUrl"] = "ws://127.0.0.1:9";
        env["ARB__Exchange__Symbols__0"] = "BTCUSDT";

        await using var node = NodeProcess.Start(_work, env);
        using var http = new HttpClient { BaseAddress = await node.WaitListeningAsync(TimeSpan.FromSeconds(60)) };

        var health = await WaitForAsync(
            http,
            h => h.GetProperty("feeds")[0].GetProperty("status").GetString()!.StartsWith("down", StringComparison.Ordinal),
            TimeSpan.FromSeconds(60));

        Assert.Equal("degraded", health.GetProperty("status").GetString());
        Assert.False(node.HasExited);
        Assert.DoesNotContain("Unhandled exception", node.Stdout + node.Stderr, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("", "BTCUSDT,ETHUSDT")]
    [InlineData("--symbol solusdt --symbol SOLUSDT", "SOLUSDT")]
    public async Task Each_configured_symbol_gets_exactly_one_feed(string args, string expected)
    {
        var env = Env();
        env["ARB__Exchange__RestUrl"] = "http://127.0.0.1:9";
        env["ARB__Exchange__WsUrl"] = "ws://127.0.0.1:9";
        env["ARB__Exchange__SpotRestUrl"] = "http://127.0.0.1:9";
        env["ARB__Exchange__SpotWsUrl"] = "ws://127.0.0.1:9";

        await using var node = NodeProcess.Start(_work, env, args.Split(' ', StringSplitOptions.RemoveEmptyEntries));
        using var http = new HttpClient { BaseAddress = await node.WaitListeningAsync(TimeSpan.FromSeconds(60)) };

        var symbols = expected.Split(',');
        var health = await WaitForAsync(
            http,
            h => h.GetProperty("feeds").EnumerateArray().Count(f => f.GetProperty("status").GetString()!.StartsWith("down", StringComparison.Ordinal)) >= symbols.Length,
            TimeSpan.FromSeconds(60));

        Assert.Equal(symbols, health.GetProperty("feeds").EnumerateArray().Select(f => f.GetProperty("symbol").GetString()!).Order(StringComparer.Ordinal));
    }
}
