using System.Text.Json;
using Arbitrage.Binance.Tapes;
using Arbitrage.Testing;
using Microsoft.Data.Sqlite;

namespace Arbitrage.Node.Tests.Hosting;

/// <summary>
/// A SIGKILL loses no recorded trade (issue 13): the offline demo (in-process simulator over the fixture tape) killed
/// while trades stream and restarted on the same data ends with every agg id of the tape in <c>agg_trades</c> exactly
/// once, no gap, and the indicators having counted each trade once. The symbol's snapshot cursor never passes what the
/// recorder has stored, so the restarted feed catches up from a recorded id.
/// </summary>
public sealed class NodeKillRecordingTests : IDisposable
{
    private const string Symbol = "BTCUSD_PERP";
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(120);

    private readonly string _work = Path.Combine(Path.GetTempPath(), "arb-kill-rec-" + Guid.NewGuid().ToString("N"));

    public NodeKillRecordingTests() => Directory.CreateDirectory(_work);

    public void Dispose() => TestDatabases.DeleteQuietly(_work);

    [Fact]
    public async Task A_node_killed_while_trades_stream_restarts_from_its_last_recorded_trade_and_agg_trades_ends_contiguous()
    {
        var tape = Path.Combine(RepoPaths.Fixtures, "BTCUSD_PERP-aggTrades-2026-05-08.head20000.zip");
        var trades = TapeReader.ReadTrades(tape).Select(t => t.Trade).ToArray();
        var ids = trades.Select(t => t.AggId).ToArray();
        Assert.Equal(20_000, ids.Length);
        string[] args = ["--exchange", "sim", "--tape", tape, "--speed", "1000"]; // 5.8 h of tape in ≈ 21 s; a snapshot every 0.3 s
        var env = NodeProcess.TestEnvironment(_work);

        // Killed twice mid-stream (SIGKILL of the node process itself), at different points of the tape.
        foreach (var killAt in new[] { 5_000L, 11_000L })
        {
            var node = NodeProcess.Start(_work, env, args);
            await using (node)
            {
                using var client = new NodeClient(await node.WaitListeningAsync(Deadline));
                await client.WaitForAsync("/api/health", (_, h) => Trades(h) >= killAt, Deadline);
                node.Kill();
                await node.WaitExitAsync(TimeSpan.FromSeconds(30));
            }
        }

        // Restarted on the same data: the in-process simulator plays the tape from its start again.
        await using var last = NodeProcess.Start(_work, env, args);
        using var final = new NodeClient(await last.WaitListeningAsync(Deadline));
        // A tick past the tape's last trade (the heartbeat of a silent, caught-up feed) means every trade has been ingested.
        var health = await final.WaitForAsync(
            "/api/health", (_, h) => h.GetProperty("feeds")[0].GetProperty("lastTickMs") is { ValueKind: JsonValueKind.Number } t && t.GetInt64() > trades[^1].TimeMs, Deadline);
        var feed = health.GetProperty("feeds")[0];
        Assert.Equal("connected", feed.GetProperty("status").GetString());
        Assert.Equal(0, feed.GetProperty("tradeGaps").GetInt64());
        Assert.Equal(ids.Length, Trades(health)); // each trade reached the indicators exactly once, across both kills

        var recorded = await RecordedIdsAsync(ids.Length);
        var missing = ids.Except(recorded).ToArray();
        Assert.True(missing.Length == 0, $"{missing.Length} agg ids missing from agg_trades: {Ranges(missing)}");
        Assert.Equal(ids, recorded);
    }

    private static string Ranges(long[] ids)
    {
        var parts = new List<string>();
        for (var i = 0; i < ids.Length;)
        {
            var j = i;
            while (j + 1 < ids.Length && ids[j + 1] == ids[j] + 1)
            {
                j++;
            }

            parts.Add(i == j ? $"{ids[i]}" : $"{ids[i]}-{ids[j]} ({j - i + 1})");
            i = j + 1;
        }

        return string.Join(", ", parts);
    }

    private static long Trades(JsonElement health) => health.GetProperty("feeds")[0].GetProperty("trades").GetInt64();

    /// <summary>The agg ids in agg_trades, ascending, once the recorder has written at least <paramref name="expected"/> rows (or the deadline).</summary>
    private async Task<long[]> RecordedIdsAsync(int expected)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(200));
        while (true)
        {
            var builder = new SqliteConnectionStringBuilder { DataSource = Path.Combine(_work, "data", "arbitrage.db"), Mode = SqliteOpenMode.ReadOnly, Pooling = false };
            await using var db = new SqliteConnection(builder.ConnectionString);
            await db.OpenAsync();
            await using var cmd = db.CreateCommand();
            cmd.CommandText = "SELECT agg_id FROM agg_trades WHERE symbol = $s ORDER BY agg_id";
            cmd.Parameters.AddWithValue("$s", Symbol);
            var ids = new List<long>();
            await using (var reader = await cmd.ExecuteReaderAsync())
            {
                while (await reader.ReadAsync())
                {
                    ids.Add(reader.GetInt64(0));
                }
            }

            if (ids.Count >= expected || DateTime.UtcNow > deadline)
            {
                return [.. ids];
            }

            await timer.WaitForNextTickAsync();
        }
    }
}
