using System.Diagnostics;
using System.Text;
using Akka.Actor;
using Arbitrage.Binance.Protocol;
using Arbitrage.Binance.Tapes;
using Arbitrage.Engine.Funding;
using Arbitrage.Engine.Persistence;

namespace Arbitrage.Benchmarks.Funding;

/// <summary>
/// markPrice messages/s through a FundingActor storing downsampled snapshots in batches, against a
/// baseline actor that inserts every message as a row (one INSERT, awaited, per message). Workload: the
/// real 2023 markPriceUpdate frames, replayed in a loop at 1 s spacing of event time.
/// Usage: e2e funding [messages=20000] [runs=3] [tape]; PostgreSQL when ARB_BENCH_POSTGRES/ARB_TEST_POSTGRES is set.
/// </summary>
public static class FundingSnapshotBench
{
    private const string DefaultTape = "/work/shared/data/binance_usdm_BTCUSDT_ws_depth0ms_bookTicker_trade_markPrice1s_2023-04-05T0000Z_7min.hftbt.gz";

    public static async Task RunAsync(string[] args)
    {
        var messages = args.Length > 0 ? int.Parse(args[0], System.Globalization.CultureInfo.InvariantCulture) : 20_000;
        var runs = args.Length > 1 ? int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 3;
        var tape = args.Length > 2 ? args[2] : File.Exists(DefaultTape) ? DefaultTape
            : Path.Combine(AppContext.BaseDirectory, "fixtures", "binance_usdm_BTCUSDT_ws_depth0ms_bookTicker_trade_markPrice1s_2023-04-05T0000Z_head3000.hftbt.gz");
        var workload = Workload(tape, messages);

        var backends = new List<(string Name, Database Db)>();
        var dir = Path.Combine(Path.GetTempPath(), "arb-bench-funding", Guid.NewGuid().ToString("N"));
        backends.Add(("SQLite (file, WAL)", Database.From(new StorageOptions { DataDir = dir })));
        var pg = Environment.GetEnvironmentVariable("ARB_BENCH_POSTGRES") ?? Environment.GetEnvironmentVariable("ARB_TEST_POSTGRES");
        if (!string.IsNullOrWhiteSpace(pg)) backends.Add(("PostgreSQL", Database.From(new StorageOptions { Postgres = pg })));
        else Console.Error.WriteLine("PostgreSQL skipped: set ARB_BENCH_POSTGRES to a connection string to include it.");

        Console.WriteLine($"funding snapshots: {messages} markPrice messages per run (real frames from {Path.GetFileName(tape)}), median of {runs} runs, {Environment.ProcessorCount} cores");
        Console.WriteLine("| backend | row per message (baseline) msg/s | FundingActor (tiers 1s/1m/1h, batched) msg/s | ratio | rows baseline | rows FundingActor |");
        Console.WriteLine("|---|---:|---:|---:|---:|---:|");
        foreach (var (name, db) in backends)
        {
            await db.PrepareAsync(TimeSpan.FromSeconds(10));
            var store = new FundingStore(db);
            await store.EnsureSchemaAsync();
            await EnsureBaselineTableAsync(db);
            var system = ActorSystem.Create("bench", "akka.loglevel = WARNING");
            try
            {
                await RunFundingAsync(system, store, workload[..Math.Min(1000, workload.Length)]); // warm-up
                await RunBaselineAsync(system, db, workload[..Math.Min(1000, workload.Length)]);
                var baseline = new List<double>();
                var actor = new List<double>();
                long baselineRows = 0, actorRows = 0;
                for (var r = 0; r < runs; r++)
                {
                    (var b, baselineRows) = await RunBaselineAsync(system, db, workload);
                    (var a, actorRows) = await RunFundingAsync(system, store, workload);
                    baseline.Add(b);
                    actor.Add(a);
                }

                var mb = Median(baseline);
                var ma = Median(actor);
                Console.WriteLine($"| {name} | {mb:N0} | {ma:N0} | {ma / mb:0.0}× | {baselineRows:N0} | {actorRows:N0} |");
            }
            finally
            {
                await system.Terminate();
            }
        }

        try
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            Directory.Delete(dir, true);
        }
        catch (IOException)
        {
        }
    }

    private static MarkPriceUpdate[] Workload(string tape, int messages)
    {
        var real = new List<MarkPriceUpdate>();
        var symbols = new SymbolTable();
        foreach (var frame in TapeReader.ReadFrames(tape))
        {
            if (frame.Stream?.Contains("@markPrice", StringComparison.Ordinal) == true
                && MarkPriceFrame.TryParse(Encoding.UTF8.GetBytes(frame.Json), symbols, out var e, out _))
            {
                real.Add(MarkPriceUpdate.From(e));
            }
        }

        var t0 = real[0].EventTimeMs;
        var result = new MarkPriceUpdate[messages];
        for (var i = 0; i < messages; i++)
        {
            var u = real[i % real.Count];
            var shift = (long)(i / real.Count) * real.Count * 1000L;
            result[i] = u with { EventTimeMs = t0 + i * 1000L, NextFundingTimeMs = u.NextFundingTimeMs + shift };
        }

        return result;
    }

    private static async Task<(double PerSecond, long Rows)> RunFundingAsync(ActorSystem system, FundingStore store, MarkPriceUpdate[] workload)
    {
        var symbol = "F" + Guid.NewGuid().ToString("N")[..12].ToUpperInvariant();
        var actor = system.ActorOf(FundingActor.Props(symbol, store, FundingSettings.Default with { FlushInterval = null }));
        var clock = Stopwatch.StartNew();
        foreach (var u in workload)
        {
            actor.Tell(u with { Symbol = symbol });
        }

        var flushed = await actor.Ask<FundingSnapshotsFlushed>(new FlushFundingSnapshots(symbol), TimeSpan.FromMinutes(10));
        clock.Stop();
        await actor.GracefulStop(TimeSpan.FromSeconds(10));
        return (workload.Length / clock.Elapsed.TotalSeconds, flushed.RowsWritten);
    }

    private static async Task<(double PerSecond, long Rows)> RunBaselineAsync(ActorSystem system, Database db, MarkPriceUpdate[] workload)
    {
        var actor = system.ActorOf(Props.Create(() => new RowPerMessageActor(db)));
        var clock = Stopwatch.StartNew();
        foreach (var u in workload)
        {
            actor.Tell(u);
        }

        var rows = await actor.Ask<long>(new CountRows(), TimeSpan.FromMinutes(10));
        clock.Stop();
        await actor.GracefulStop(TimeSpan.FromSeconds(10));
        return (workload.Length / clock.Elapsed.TotalSeconds, rows);
    }

    private static async Task EnsureBaselineTableAsync(Database db)
    {
        var dec = db.Backend == StorageBackend.PostgreSql ? "NUMERIC" : "TEXT";
        await using var c = await db.OpenConnectionAsync(CancellationToken.None);
        await using var cmd = c.CreateCommand();
        cmd.CommandText = $"""
            CREATE TABLE IF NOT EXISTS bench_funding_ticks (id BIGINT NOT NULL, event_ms BIGINT NOT NULL, symbol TEXT NOT NULL,
              mark {dec} NOT NULL, index_price {dec} NOT NULL, rate {dec} NOT NULL, next_funding_ms BIGINT NOT NULL);
            DELETE FROM bench_funding_ticks;
            """;
        await cmd.ExecuteNonQueryAsync();
    }

    private static double Median(List<double> xs)
    {
        xs.Sort();
        return xs[xs.Count / 2];
    }

    private sealed record CountRows;

    /// <summary>The naive design: one INSERT per message, awaited before the next message.</summary>
    private sealed class RowPerMessageActor : ReceiveActor
    {
        private long _rows;

        public RowPerMessageActor(Database db)
        {
            ReceiveAsync<MarkPriceUpdate>(async u =>
            {
                await using var c = await db.OpenConnectionAsync(CancellationToken.None);
                await using var cmd = c.CreateCommand();
                cmd.CommandText = "INSERT INTO bench_funding_ticks VALUES (@id, @e, @s, @m, @i, @r, @t)";
                Add(cmd, "id", _rows);
                Add(cmd, "e", u.EventTimeMs);
                Add(cmd, "s", u.Symbol);
                Add(cmd, "m", u.MarkPrice);
                Add(cmd, "i", u.IndexPrice);
                Add(cmd, "r", u.PredictedRate);
                Add(cmd, "t", u.NextFundingTimeMs);
                await cmd.ExecuteNonQueryAsync();
                _rows++;
            });
            Receive<CountRows>(_ => Sender.Tell(_rows));
        }

        private static void Add(System.Data.Common.DbCommand cmd, string name, object value)
        {
            var p = cmd.CreateParameter();
            p.ParameterName = name;
            p.Value = value;
            cmd.Parameters.Add(p);
        }
    }
}
