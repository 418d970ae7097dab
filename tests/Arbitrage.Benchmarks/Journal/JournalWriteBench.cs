using System.Diagnostics;
using Akka.Actor;
using Akka.Persistence;
using Arbitrage.Core.Serialization;
using Arbitrage.Engine.Persistence;

namespace Arbitrage.Benchmarks.Journal;

[Manifest("bench-journal-event.v1")]
public sealed record BenchEvent(long N, string Symbol, double Price, double Quantity) : IPersistedEvent;

/// <summary>
/// Journal write throughput through Akka.Persistence.Sql, as the engine uses it: an actor persists
/// events one <c>Persist</c> per command (baseline) or 100 at a time with <c>PersistAll</c>.
/// Usage: e2e journal [events=20000] [runs=5]; PostgreSQL is measured when ARB_BENCH_POSTGRES
/// (or ARB_TEST_POSTGRES) holds a connection string.
/// </summary>
public static class JournalWriteBench
{
    public static async Task RunAsync(string[] args)
    {
        var events = args.Length > 0 ? int.Parse(args[0], System.Globalization.CultureInfo.InvariantCulture) : 20_000;
        var runs = args.Length > 1 ? int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 5;
        var hocon = FindHocon();

        var backends = new List<(string Name, Database Db)>();
        var dir = Path.Combine(Path.GetTempPath(), "arb-bench-journal", Guid.NewGuid().ToString("N"));
        backends.Add(("SQLite (file, WAL)", Database.From(new StorageOptions { DataDir = dir })));
        var pg = Environment.GetEnvironmentVariable("ARB_BENCH_POSTGRES") ?? Environment.GetEnvironmentVariable("ARB_TEST_POSTGRES");
        if (!string.IsNullOrWhiteSpace(pg))
        {
            backends.Add(("PostgreSQL 15", Database.From(new StorageOptions { Postgres = pg })));
        }
        else
        {
            Console.Error.WriteLine("PostgreSQL skipped: set ARB_BENCH_POSTGRES to a connection string to include it.");
        }

        Console.WriteLine($"journal write throughput: {events} events per run, median of {runs} runs, {Environment.ProcessorCount} cores");
        Console.WriteLine("| backend | Persist (1/command) events/s | PersistAll ×100 events/s | ratio |");
        Console.WriteLine("|---|---:|---:|---:|");
        foreach (var (name, db) in backends)
        {
            await db.PrepareAsync(TimeSpan.FromSeconds(10));
            var config = AkkaConfig.Build(hocon, db, includeCluster: false);
            var system = ActorSystem.Create("bench", config.WithFallback("akka.loglevel = WARNING"));
            try
            {
                // Warm-up: schema creation, connection pools, JIT.
                await WriteAsync(system, 1000, 1);
                await WriteAsync(system, 1000, 100);
                var single = new List<double>();
                var batched = new List<double>();
                for (var r = 0; r < runs; r++)
                {
                    single.Add(await WriteAsync(system, events, 1));
                    batched.Add(await WriteAsync(system, events, 100));
                }

                var s = Median(single);
                var b = Median(batched);
                Console.WriteLine($"| {name} | {s:N0} | {b:N0} | {b / s:0.0}× |");
            }
            finally
            {
                await system.Terminate();
            }
        }

        try
        {
            Directory.Delete(dir, true);
        }
        catch (IOException)
        {
        }
    }

    private static async Task<double> WriteAsync(ActorSystem system, int events, int batch)
    {
        var writer = system.ActorOf(Props.Create(() => new WriterActor($"bench-{Guid.NewGuid():N}")));
        var done = writer.Ask<Done>(new Expect(events), TimeSpan.FromMinutes(5));
        var clock = Stopwatch.StartNew();
        for (var i = 0; i < events; i += batch)
        {
            writer.Tell(new Write(i, Math.Min(batch, events - i)));
        }

        await done;
        clock.Stop();
        await writer.GracefulStop(TimeSpan.FromSeconds(10));
        return events / clock.Elapsed.TotalSeconds;
    }

    private static double Median(List<double> xs)
    {
        xs.Sort();
        return xs[xs.Count / 2];
    }

    private static string FindHocon()
    {
        for (var d = new DirectoryInfo(AppContext.BaseDirectory); d is not null; d = d.Parent)
        {
            if (File.Exists(Path.Combine(d.FullName, "hocon", "akka.conf")))
            {
                return Path.Combine(d.FullName, "hocon");
            }
        }

        return Path.Combine(Directory.GetCurrentDirectory(), "hocon");
    }

    private sealed record Expect(int Events);

    private sealed record Write(int From, int Count);

    private sealed record Done;

    private sealed class WriterActor : ReceivePersistentActor
    {
        private int _expected;
        private int _written;
        private IActorRef _client = ActorRefs.Nobody;

        public WriterActor(string id)
        {
            PersistenceId = id;
            Command<Expect>(e =>
            {
                _expected = e.Events;
                _client = Sender;
            });
            Command<Write>(w =>
            {
                if (w.Count == 1)
                {
                    Persist(new BenchEvent(w.From, "BTCUSDT", 61000.5, 0.01), _ => Written());
                }
                else
                {
                    var batch = new BenchEvent[w.Count];
                    for (var i = 0; i < w.Count; i++)
                    {
                        batch[i] = new BenchEvent(w.From + i, "BTCUSDT", 61000.5, 0.01);
                    }

                    PersistAll(batch, _ => Written());
                }
            });
        }

        public override string PersistenceId { get; }

        private void Written()
        {
            if (++_written == _expected)
            {
                _client.Tell(new Done());
            }
        }
    }
}
