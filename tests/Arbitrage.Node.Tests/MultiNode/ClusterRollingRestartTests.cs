using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.Json;
using Arbitrage.Node.Tests.Live;
using Arbitrage.Testing;
using Arbitrage.Testing.Faults;
using Npgsql;
using Xunit.Abstractions;

namespace Arbitrage.Node.Tests.MultiNode;

/// <summary>
/// Issue #17, rolling restart: three real nodes on one PostgreSQL trade paper (a strategy that signals on trades alone)
/// over three symbols while each node in turn gets SIGTERM (graceful leave: its shards and singletons are handed over
/// before it exits with 0), then starts again and rejoins. No signal is lost or duplicated: the signals in the journal,
/// in the read model and on the live streams (every node's SSE, reopened after its restart) are the same set, each id
/// once; no order is duplicated: every client order id has one intent in the executor's journal and one acceptance at
/// the paper exchange.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class ClusterRollingRestartTests(ITestOutputHelper output) : IAsyncLifetime
{
    private readonly string _work = Path.Combine(Path.GetTempPath(), "arb-rolling", Guid.NewGuid().ToString("N"));
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
    public async Task Each_node_restarted_in_turn_with_SIGTERM_loses_and_duplicates_no_signal_and_no_order()
    {
        var tapes = ClusterRig.ThreeSymbolTapes(_work);
        var env = new Dictionary<string, string> { ["ARB__Paths__Strategies"] = ClusterTestFiles.Strategies(_work) };
        _rig = await ClusterRig.StartAsync(_work, 3, tapes, ClusterRig.ThreeSymbols, "400", env);
        await _rig.WaitSpreadAsync(TimeSpan.FromSeconds(60));

        var seen = new ConcurrentDictionary<string, int>(StringComparer.Ordinal);
        using var stop = new CancellationTokenSource();
        var streams = new List<Task>();
        async Task OpenStreamAsync(RigNode node)
        {
            var sse = await SseClient.OpenAsync(node.Http.Http, "/api/stream?topics=signals", node.Http.Token);
            streams.Add(CollectAsync(sse, seen, stop.Token));
        }

        foreach (var node in _rig.Nodes)
        {
            await OpenStreamAsync(node);
        }

        await _rig.Sim.PostAsync("/sim/control/play");
        await FaultDrills.UntilAsync(() => Task.FromResult(!seen.IsEmpty), "a first signal on the streams", ClusterRig.Patience);

        foreach (var node in _rig.Nodes)
        {
            var clock = Stopwatch.StartNew();
            node.Process!.Signal(PosixSignalNumber.Term);
            var exit = await node.Process.WaitExitAsync(TimeSpan.FromSeconds(60));
            var left = clock.Elapsed;
            Assert.True(exit == 0, $"{node.Name} exited with {exit} after SIGTERM:\n{node.Process.Stdout}");
            Assert.True(
                node.Process.Stdout.Contains(" - Exiting completed.", StringComparison.Ordinal),
                $"{node.Name} did not leave gracefully (Akka's \"Exiting completed\"); its last lines:\n{string.Join("\n", node.Process.Stdout.Split('\n').TakeLast(40))}");
            await _rig.WaitMembersAsync(2, ClusterRig.Patience);
            await _rig.StartNodeAsync(node);
            await _rig.WaitMembersAsync(3, ClusterRig.Patience);
            await OpenStreamAsync(node);
            output.WriteLine($"{node.Name}: SIGTERM → exit 0 after {left.TotalSeconds:F1} s; rejoined, 3 members after {clock.Elapsed.TotalSeconds:F1} s; {seen.Count} signals so far");
        }

        // The tape plays to its end on every symbol; then the read model catches up with the journal.
        var trades = Arbitrage.Binance.Tapes.TapeReader.ReadTrades(tapes[0]).Count();
        await _rig.Nodes[0].Http.WaitForAsync(
            "/api/health", (_, h) => ClusterRig.ThreeSymbols.All(s => ClusterRig.Feed(h, s).GetProperty("trades").GetInt64() == trades), TimeSpan.FromSeconds(180));
        var journal = await JournalIdsAsync("signal-emitted.v1", "signal_id", "strategy-");
        await FaultDrills.UntilAsync(async () => (await ReadModelSignalIdsAsync()).Count == journal.Count, "the read model holding every journaled signal", ClusterRig.Patience);
        await FaultDrills.UntilAsync(() => Task.FromResult(seen.Count >= journal.Distinct().Count()), "every journaled signal on some live stream", TimeSpan.FromSeconds(30));
        await stop.CancelAsync();
        await Task.WhenAll(streams);

        Assert.NotEmpty(journal);
        Assert.Equal(journal.Count, journal.Distinct().Count()); // no signal journaled twice
        Assert.Equal(journal.Order(), (await ReadModelSignalIdsAsync()).Order());
        Assert.Equal(journal.Order(), seen.Keys.Order());
        Assert.All(seen, s => Assert.True(s.Value >= 1));

        var intents = await JournalIdsAsync("execution-order-intent.v1", "client_order_id", "executor");
        var accepted = await JournalIdsAsync("paper-order-accepted.v1", "client_order_id", "paper-exchange");
        Assert.NotEmpty(intents);
        Assert.Equal(intents.Count, intents.Distinct().Count()); // no order intended twice
        Assert.Equal(accepted.Count, accepted.Distinct().Count()); // no order reached the exchange twice
        Assert.Subset(intents.ToHashSet(), accepted.ToHashSet());
        output.WriteLine($"{journal.Count} signals (journal = read model = streams), {intents.Count} orders, each once");
    }

    private static async Task CollectAsync(SseClient sse, ConcurrentDictionary<string, int> seen, CancellationToken stop)
    {
        await using (sse)
        {
            while (!stop.IsCancellationRequested)
            {
                try
                {
                    var (type, data) = await sse.NextAsync(seconds: 600).WaitAsync(stop);
                    if (type == "SignalEmitted")
                    {
                        var id = JsonDocument.Parse(data).RootElement.GetProperty("signalId").GetString()!;
                        seen.AddOrUpdate(id, 1, (_, n) => n + 1);
                    }
                }
                catch (Exception e) when (e is OperationCanceledException or EndOfStreamException or IOException or HttpRequestException)
                {
                    return; // stopped, or the node left with its stream
                }
            }
        }
    }

    /// <summary>The <paramref name="field"/> of every <paramref name="manifest"/> event journaled by persistence ids starting with <paramref name="prefix"/>.</summary>
    private async Task<List<string>> JournalIdsAsync(string manifest, string field, string prefix)
    {
        await using var connection = new NpgsqlConnection(_rig!.Schema.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT message FROM journal WHERE manifest = @m AND persistence_id LIKE @p ORDER BY ordering", connection);
        command.Parameters.AddWithValue("m", manifest);
        command.Parameters.AddWithValue("p", prefix + "%");
        var ids = new List<string>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            ids.Add(JsonDocument.Parse((byte[])reader[0]).RootElement.GetProperty(field).GetString()!);
        }

        return ids;
    }

    private async Task<List<string>> ReadModelSignalIdsAsync()
    {
        await using var connection = new NpgsqlConnection(_rig!.Schema.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT signal_id FROM read_signals", connection);
        var ids = new List<string>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            ids.Add(reader.GetString(0));
        }

        return ids;
    }
}
