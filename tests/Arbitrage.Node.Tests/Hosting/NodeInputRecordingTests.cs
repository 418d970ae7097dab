using System.IO.Compression;
using System.Text.Json;
using Arbitrage.Testing;
using Microsoft.Data.Sqlite;

namespace Arbitrage.Node.Tests.Hosting;

/// <summary>
/// <c>--record-inputs DIR</c> in a real node process (issue 19): the markPrice frames of the real 2023 BTCUSDT capture,
/// streamed by the simulator, land in <c>market_inputs</c> once each with their event time and funding rate.
/// </summary>
public sealed class NodeInputRecordingTests : IDisposable
{
    private readonly string _work = Path.Combine(Path.GetTempPath(), "arb-inputs-" + Guid.NewGuid().ToString("N"));

    public NodeInputRecordingTests() => Directory.CreateDirectory(_work);

    public void Dispose() => TestDatabases.DeleteQuietly(_work);

    [Fact]
    public async Task The_node_records_every_mark_price_of_the_feed_with_its_event_time_in_market_inputs()
    {
        var tape = Path.Combine(RepoPaths.Fixtures, "binance_usdm_BTCUSDT_ws_depth0ms_bookTicker_trade_markPrice1s_2023-04-05T0000Z_head3000.hftbt.gz");
        var expected = MarkPrices(tape); // (event time, funding rate) of every markPriceUpdate frame, read independently
        Assert.Equal(17, expected.Count);

        var env = NodeProcess.TestEnvironment(_work);
        await using var node = NodeProcess.Start(_work, env, "--exchange", "sim", "--tape", tape, "--speed", "max", "--record-inputs", Path.Combine(_work, "inputs"));
        await node.WaitListeningAsync(TimeSpan.FromSeconds(60));

        var rows = new List<(long, string)>();
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (rows.Count < expected.Count)
        {
            Assert.True(DateTime.UtcNow < deadline, $"market_inputs holds {rows.Count} of {expected.Count} mark prices\n{node.Stdout}");
            rows = await ReadMarkPricesAsync(Path.Combine(_work, "data", "arbitrage.db"));
        }

        Assert.Equal(expected.Select(e => e.TimeMs), rows.Select(r => r.Item1));
        Assert.Equal(expected.Select(e => e.Rate), rows.Select(r => JsonDocument.Parse(r.Item2).RootElement.GetProperty("funding_rate").GetString()));
        Assert.Contains("Input recording: market_inputs table", node.Stdout + node.Stderr, StringComparison.Ordinal);
    }

    private static List<(long TimeMs, string Rate)> MarkPrices(string tape)
    {
        var result = new List<(long, string)>();
        using var gz = new GZipStream(File.OpenRead(tape), CompressionMode.Decompress);
        using var reader = new StreamReader(gz);
        while (reader.ReadLine() is { } line)
        {
            if (!line.Contains("markPriceUpdate", StringComparison.Ordinal))
            {
                continue;
            }

            var json = JsonDocument.Parse(line[(line.IndexOf(' ', StringComparison.Ordinal) + 1)..]).RootElement;
            var data = json.TryGetProperty("data", out var d) ? d : json;
            result.Add((data.GetProperty("E").GetInt64(), data.GetProperty("r").GetString()!));
        }

        return result;
    }

    private static async Task<List<(long, string)>> ReadMarkPricesAsync(string dbFile)
    {
        var rows = new List<(long, string)>();
        if (!File.Exists(dbFile))
        {
            return rows;
        }

        var cs = new SqliteConnectionStringBuilder { DataSource = dbFile, Mode = SqliteOpenMode.ReadOnly, Pooling = false }.ConnectionString;
        await using var db = new SqliteConnection(cs);
        await db.OpenAsync();
        await using var cmd = db.CreateCommand();
        cmd.CommandText = "SELECT time_ms, data FROM market_inputs WHERE symbol = 'BTCUSDT' AND kind = 'mark_price' ORDER BY time_ms";
        try
        {
            await using var r = await cmd.ExecuteReaderAsync();
            while (await r.ReadAsync())
            {
                rows.Add((r.GetInt64(0), r.GetString(1)));
            }
        }
        catch (SqliteException e) when (e.Message.Contains("no such table", StringComparison.Ordinal))
        {
            // The recorder has not created it yet.
        }

        return rows;
    }
}
