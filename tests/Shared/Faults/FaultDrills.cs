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
