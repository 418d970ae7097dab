using System.Text.Json;
using Arbitrage.Core.Execution;
using Arbitrage.Engine.Projections;
using Arbitrage.Node.Api.Live;
using Arbitrage.Node.Api.Read;
using Arbitrage.Testing;

namespace Arbitrage.Node.Tests.Api;

/// <summary><c>/api/trades</c> (and so <c>arbctl trades</c>) and the SSE trades stream show the exit reason as a code with its detail beside it.</summary>
public sealed class TradesReadTests
{
    [Fact]
    public void The_trades_stream_sends_the_exit_code_and_detail()
    {
        var closed = new TradeClosed("t-1", "BTCUSDT", "v51", Direction.Long, 1, 100m, 1m, 2, 99m, ExitReason.HoldTimeout, "BTCUSDT held 70 min", -1m, -0.5m, 0.08m, 2);
        var json = JsonSerializer.Serialize(closed, LiveStreamActor.Json);
        Assert.Contains("\"exitReason\":\"hold_timeout\",\"exitDetail\":\"BTCUSDT held 70 min\"", json, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Trades_show_the_exit_code_and_detail_also_for_rows_projected_before_the_codes()
    {
        var db = TestDatabases.NewSqliteFile(out var dir);
        try
        {
            await db.PrepareAsync(TimeSpan.FromSeconds(10));
            await using (var connection = await db.OpenConnectionAsync(CancellationToken.None))
            {
                foreach (var sql in new[]
                {
                    // read_trades as the previous version created and filled it: a flatten's words in exit_reason.
                    """
                    CREATE TABLE read_trades (seq BIGINT NOT NULL PRIMARY KEY, signal_id VARCHAR(64) NOT NULL UNIQUE, symbol VARCHAR(32) NOT NULL,
                        strategy VARCHAR(100) NOT NULL, direction VARCHAR(8) NOT NULL, entry_time_ms BIGINT NOT NULL, entry TEXT NOT NULL,
                        qty TEXT NOT NULL, exit_time_ms BIGINT NOT NULL, exit TEXT NOT NULL, exit_reason VARCHAR(200) NOT NULL,
                        pnl_usd TEXT NOT NULL, pnl_r TEXT NOT NULL, fees_usd TEXT NOT NULL)
                    """,
                    "INSERT INTO read_trades VALUES (1, 'old-1', 'BTCUSDT', 'v51', 'long', 1, '100', '1', 2, '99', 'daily loss -5 R ≤ −5 R on UTC day 2026-05-08', '-1', '-0.5', '0.08')",
                    "INSERT INTO read_trades VALUES (2, 'old-2', 'BTCUSDT', 'v51', 'long', 3, '100', '1', 4, '98', 'stop_loss', '-2', '-1', '0.08')",
                })
                {
                    await using var command = connection.CreateCommand();
                    command.CommandText = sql;
                    await command.ExecuteNonQueryAsync();
                }
            }

            // The node's projections start: the table gains exit_detail, new trades store code and detail.
            await new ProjectionStore(db).EnsureSchemaAsync(ReadModels.DefaultHandlers(), CancellationToken.None);
            await using (var connection = await db.OpenConnectionAsync(CancellationToken.None))
            await using (var command = connection.CreateCommand())
            {
                command.CommandText = "INSERT INTO read_trades VALUES (3, 'new-1', 'ETHUSDT', 'v51', 'short', 5, '10', '1', 6, '11', 'manual_close', '-1', '-0.5', '0.01', 'closed by operator ops')";
                await command.ExecuteNonQueryAsync();
            }

            var trades = await EngineStateEndpoints.ReadTradesAsync(db, 10, null, CancellationToken.None);
            Assert.Equal(
                [
                    ("new-1", "manual_close", "closed by operator ops"),
                    ("old-2", "stop_loss", ""),
                    ("old-1", "daily_loss", "daily loss -5 R ≤ −5 R on UTC day 2026-05-08"),
                ],
                trades.Select(t => (t.SignalId, t.ExitReason, t.ExitDetail)));
            Assert.Equal(["new-1"], (await EngineStateEndpoints.ReadTradesAsync(db, 10, "ETHUSDT", CancellationToken.None)).Select(t => t.SignalId));
        }
        finally
        {
            TestDatabases.DeleteQuietly(dir);
        }
    }
}
