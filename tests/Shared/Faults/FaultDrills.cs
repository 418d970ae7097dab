using Microsoft.Data.Sqlite;

namespace Arbitrage.Testing.Faults;

/// <summary>What the fault drills share: waiting on a condition with a deadline, and the node's recorded tape.</summary>
public static class FaultDrills
{
    /// <summary>Polls <paramref name="condition"/> until true, failing at <paramref name="timeout"/> (or when the node exited) with the node's output.</summary>
    public static async Task UntilAsync(Func<Task<bool>> condition, string what, TimeSpan timeout, NodeProcess? node = null)
    {
        var deadline = DateTime.UtcNow + timeout;
        using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(100));
        while (!await condition())
        {
            if (node is { HasExited: true } || DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"timed out waiting for: {what}\nnode stdout:\n{node?.Stdout}\nstderr:\n{node?.Stderr}");
            }

            await timer.WaitForNextTickAsync();
        }
    }

    /// <summary>
    /// Plays a manual simulator's tape of one trade every 5 s from <paramref name="t0"/> (<paramref name="frames"/> of
    /// them, ending in the tick that signals) in two steps. At max speed the tape arrives in a burst, and the risk guard
    /// hears of the market (ticks through the tick bridge) on another path than the strategy's signal: deep in a burst the
    /// bridge may trail the signal by more than the guard's 30 s staleness, and the tape's one signal would be blocked as
    /// stale. So: all but the last three trades, wait until the guard's clock (<c>/api/risk</c> nowMs) has reached them,
    /// then the last three.
    /// </summary>
    public static async Task StepBurstAsync(Func<int, Task> step, int frames, long t0, NodeClient client, NodeProcess node)
    {
        const int Last = 3;
        await step(frames - Last);
        var caughtUp = t0 + ((frames - Last - 4) * 5_000L); // a 15 s tick boundary the stepped trades have closed
        await UntilAsync(async () =>
        {
            var (status, body) = await client.GetAsync("/api/risk");
            return status == System.Net.HttpStatusCode.OK && body.GetProperty("nowMs").GetInt64() >= caughtUp;
        }, "the risk guard's clock at the stepped trades", TimeSpan.FromSeconds(120), node);
        await step(Last);
    }

    /// <summary>The agg ids in a node's SQLite <c>agg_trades</c> (DATADIR/arbitrage.db), ascending, once it holds <paramref name="expected"/> rows or after 30 s.</summary>
    public static async Task<long[]> RecordedIdsAsync(string dataDirectory, string symbol, int expected)
    {
        var ids = Array.Empty<long>();
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(200));
        while (true)
        {
            var builder = new SqliteConnectionStringBuilder
            {
                DataSource = Path.Combine(dataDirectory, "arbitrage.db"), Mode = SqliteOpenMode.ReadOnly, Pooling = false,
            };
            await using (var db = new SqliteConnection(builder.ConnectionString))
            {
                await db.OpenAsync();
                await using var cmd = db.CreateCommand();
                cmd.CommandText = "SELECT agg_id FROM agg_trades WHERE symbol = $s ORDER BY agg_id";
                cmd.Parameters.AddWithValue("$s", symbol);
                var list = new List<long>();
                await using var reader = await cmd.ExecuteReaderAsync();
                while (await reader.ReadAsync())
                {
                    list.Add(reader.GetInt64(0));
                }

                ids = [.. list];
            }

            if (ids.Length >= expected || DateTime.UtcNow > deadline)
            {
                return ids;
            }

            await timer.WaitForNextTickAsync();
        }
    }

    /// <summary>Consecutive ids as ranges, for messages: <c>5-9 (5), 12</c>.</summary>
    public static string Ranges(IReadOnlyList<long> ids)
    {
        var parts = new List<string>();
        for (var i = 0; i < ids.Count;)
        {
            var j = i;
            while (j + 1 < ids.Count && ids[j + 1] == ids[j] + 1)
            {
                j++;
            }

            parts.Add(i == j ? $"{ids[i]}" : $"{ids[i]}-{ids[j]} ({j - i + 1})");
            i = j + 1;
        }

        return string.Join(", ", parts);
    }
}
