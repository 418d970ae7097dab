using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Arbitrage.Binance.Tapes;
using Arbitrage.Node.Tests.Cli;
using Arbitrage.Node.Tests.Live;
using Arbitrage.Testing;
using Xunit.Abstractions;

namespace Arbitrage.Node.Tests.MultiNode;

/// <summary>
/// Issue #17, shard failover: three real node processes on one PostgreSQL, one standalone simulator playing three
/// symbols (the real BTCUSD_PERP fixture and two copies under other names) at 500×. The coordinator spreads the symbols
/// over the nodes; the node hosting BTCUSD_PERP is SIGKILLed mid-tape. Its SymbolActor restarts on a survivor from its
/// snapshot (remembered entity) and catches up from the table and REST. Over the whole run every agg id reaches the
/// indicators exactly once: every indicator row the cluster published (SSE on every node, through pub-sub) equals the
/// row of an uninterrupted single-node replay of the same tape, to the bit, its trade count included; and agg_trades
/// holds each id once.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class ClusterShardFailoverTests(ITestOutputHelper output) : IAsyncLifetime
{
    private const string Symbol = "BTCUSD_PERP";
    private readonly string _work = Path.Combine(Path.GetTempPath(), "arb-shard-failover", Guid.NewGuid().ToString("N"));
    private ClusterRig? _rig;

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        if (_rig is not null)
        {
            await _rig.DisposeAsync();
        }
    }

    [SkippableFact]
    public async Task A_SIGKILLed_nodes_symbol_restarts_on_a_survivor_and_every_agg_id_reaches_the_indicators_exactly_once()
    {
        var tapes = ClusterRig.ThreeSymbolTapes(_work);
        var trades = TapeReader.ReadTrades(tapes[0]).Select(t => t.Trade).ToArray();
        _rig = await ClusterRig.StartAsync(_work, 3, tapes, ClusterRig.ThreeSymbols, "500");
        await _rig.WaitSpreadAsync(TimeSpan.FromSeconds(60));

        // Every node streams BTCUSD_PERP's ticks (pub-sub: wherever the symbol runs) from before the tape plays.
        var rows = new ConcurrentBag<JsonElement>();
        using var stop = new CancellationTokenSource();
        var streams = new List<Task>();
        foreach (var node in _rig.Nodes)
        {
            var sse = await SseClient.OpenAsync(node.Http.Http, $"/api/stream?topics=indicators&symbol={Symbol}", node.Http.Token);
            streams.Add(CollectAsync(sse, rows, stop.Token));
        }

        var victim = await _rig.HostOfAsync(Symbol) ?? throw new InvalidOperationException($"no node hosts {Symbol}");
        var survivor = _rig.Nodes.First(n => n != victim);
        output.WriteLine($"{Symbol} on {victim.Name}; placement: {string.Join("; ", await Task.WhenAll(_rig.Nodes.Select(async n => $"{n.Name} [{string.Join(",", await ClusterRig.EntitiesAsync(n))}]")))}");
        await _rig.Sim.PostAsync("/sim/control/play");

        var before = await survivor.Http.WaitForAsync(
            "/api/health", (_, h) => ClusterRig.Feed(h, Symbol).GetProperty("trades").GetInt64() >= 5_000, ClusterRig.Patience);
        var tradesAtKill = ClusterRig.Feed(before, Symbol).GetProperty("trades").GetInt64();
        var clock = Stopwatch.StartNew();
        output.WriteLine($"SIGKILL at {DateTime.UtcNow:HH:mm:ss.fff}");
        victim.Process!.Kill();
        await victim.Process.WaitExitAsync(TimeSpan.FromSeconds(30));

        // The symbol ingests again on a survivor (its count moves past what it had), then the survivors converge on two members.
        var moved = await survivor.Http.WaitForAsync(
            "/api/health", (_, h) => ClusterRig.Feed(h, Symbol).GetProperty("trades").GetInt64() > tradesAtKill + 100, ClusterRig.Patience);
        var ingesting = clock.Elapsed;
        await _rig.WaitMembersAsync(2, ClusterRig.Patience);
        var converged = clock.Elapsed;
        var host = await _rig.HostOfAsync(Symbol);
        Assert.NotNull(host);
        Assert.NotEqual(victim, host);

        var final = await survivor.Http.WaitForAsync(
            "/api/health",
            (_, h) => ClusterRig.Feed(h, Symbol) is var f && f.GetProperty("trades").GetInt64() >= trades.Length && f.GetProperty("lastTickMs").GetInt64() >= Tick(trades[^1].TimeMs),
            TimeSpan.FromSeconds(120));
        output.WriteLine($"SIGKILL at {tradesAtKill} trades → {Symbol} ingesting on {host!.Name} after {ingesting.TotalSeconds:F1} s; 2 members after {converged.TotalSeconds:F1} s; tape done after {clock.Elapsed.TotalSeconds:F1} s");
        Assert.Equal(trades.Length, ClusterRig.Feed(final, Symbol).GetProperty("trades").GetInt64());

        foreach (var line in survivor.Process!.Stdout.Split('\n').Where(l => l.Contains("nreachable", StringComparison.Ordinal) || l.Contains("SBR", StringComparison.Ordinal) || l.Contains("Down", StringComparison.Ordinal) || l.Contains("emoved", StringComparison.Ordinal) || l.Contains("ingleton", StringComparison.Ordinal) || l.Contains("Leader", StringComparison.Ordinal)))
        {
            output.WriteLine(line);
        }

        // Recorded exactly once in the shared table (its key is (symbol, agg_id): a second insert is skipped, not counted).
        Assert.Equal(trades.Select(t => t.AggId), await _rig.RecordedIdsAsync(Symbol, trades.Length));

        // Every row the cluster published equals the single-node replay's row of that tick; none is missing.
        await stop.CancelAsync();
        await Task.WhenAll(streams);
        var expected = await ReplayRowsAsync(tapes[0], trades[^1].TimeMs);
        var seen = new Dictionary<long, double[]>();
        foreach (var row in rows)
        {
            var values = Values(row);
            var time = (long)values[0];
            if (time > trades[^1].TimeMs)
            {
                continue; // a heartbeat tick past the tape's end: not in a replay
            }

            Assert.True(expected.TryGetValue(time, out var want), $"tick {time} published by the cluster is not in the replay");
            Assert.True(want.SequenceEqual(values), $"tick {time}: cluster [{string.Join(", ", values)}] ≠ replay [{string.Join(", ", want)}]");
            seen[time] = values;
        }

        Assert.Equal(expected.Keys.Order(), seen.Keys.Order());
        output.WriteLine($"{seen.Count} indicator rows equal to the replay's; {rows.Count} events over the three streams");
    }

    private static long Tick(long timeMs) => timeMs / 15_000 * 15_000;

    private static async Task CollectAsync(SseClient sse, ConcurrentBag<JsonElement> rows, CancellationToken stop)
    {
        await using (sse)
        {
            while (!stop.IsCancellationRequested)
            {
                try
                {
                    var (type, data) = await sse.NextAsync(seconds: 600).WaitAsync(stop);
                    if (type == "IndicatorSnapshot")
                    {
                        rows.Add(JsonDocument.Parse(data).RootElement.Clone());
                    }
                }
                catch (Exception e) when (e is OperationCanceledException or EndOfStreamException or IOException or HttpRequestException)
                {
                    return; // stopped, or the node died with its stream
                }
            }
        }
    }

    /// <summary>time, trades, the CVDs, VWAPs, ATR, its percentile and p99 (nulls as NaN): the replay CSV's columns.</summary>
    private static double[] Values(JsonElement snapshot)
    {
        var v = snapshot.GetProperty("values");
        double N(string name) => v.GetProperty(name) is { ValueKind: JsonValueKind.Number } x ? x.GetDouble() : double.NaN;
        return [N("timeMs"), N("trades"), N("cvd30m"), N("cvd4h"), N("cvd24h"), N("vwap30m"), N("vwap4h"), N("vwap24h"), N("atr"), N("atrPercentile"), N("p99Qty")];
    }

    private async Task<Dictionary<long, double[]>> ReplayRowsAsync(string tape, long lastTradeMs)
    {
        var csv = Path.Combine(_work, "replay-indicators.csv");
        var (exit, _, stderr) = await ArbctlProcess.RunAsync(
            Path.Combine(_work, "arbctl.json"), null,
            "replay", "--tape", tape, "--strategies", RepoPaths.Strategies, "--hocon", RepoPaths.Hocon, "--indicators-out", csv);
        Assert.True(exit == 0, stderr);
        var rows = new Dictionary<long, double[]>();
        foreach (var line in File.ReadLines(csv).Skip(1))
        {
            var f = line.Split(',');
            double D(string s) => s.Length == 0 ? double.NaN : double.Parse(s, CultureInfo.InvariantCulture);
            var time = long.Parse(f[0], CultureInfo.InvariantCulture);
            if (f[1] == Symbol && time <= lastTradeMs)
            {
                rows[time] = [time, D(f[2]), D(f[3]), D(f[4]), D(f[5]), D(f[6]), D(f[7]), D(f[8]), D(f[9]), D(f[10]), D(f[11])];
            }
        }

        Assert.NotEmpty(rows);
        return rows;
    }
}
