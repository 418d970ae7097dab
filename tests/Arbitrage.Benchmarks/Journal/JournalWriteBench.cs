using System.Diagnostics;
using Akka.Actor;
using Akka.Persistence;
using Akka.Persistence.Journal;
using Arbitrage.Core.Serialization;
using Arbitrage.Engine.Persistence;

namespace Arbitrage.Benchmarks.Journal;

[Manifest("bench-journal-event.v1")]
public sealed record BenchEvent(long N, string Symbol, double Price, double Quantity) : IPersistedEvent;

/// <summary>
/// Journal write throughput through Akka.Persistence.Sql, as the engine uses it: an actor persists
/// events one <c>Persist</c> per command (baseline) or 100 at a time with <c>PersistAll</c>, every event
/// wrapped in <see cref="Tagged"/> with one tag like the executor, risk guard and triangle actors write them
/// (the tag table row is part of the cost). The baseline writes a tenth of the events (at least 1,000):
/// it is a per-round-trip rate, and 20,000 single writes would take over a minute per run on PostgreSQL.
/// A third column has 8 actors (distinct persistence ids) write the same events concurrently with <c>PersistAll</c>
/// ×100, as the nodes of a cluster share one journal: there the plugin's batching and parallelism matter.
/// Usage: e2e journal [events=20000] [runs=5] [tagged|untagged]; PostgreSQL is measured when ARB_BENCH_POSTGRES
/// (or ARB_TEST_POSTGRES) holds a connection string.
/// </summary>
public static class JournalWriteBench
{
    private const int Writers = 8;

    public static async Task RunAsync(string[] args)
    {
        var events = args.Length > 0 ? int.Parse(args[0], System.Globalization.CultureInfo.InvariantCulture) : 20_000;
        var runs = args.Length > 1 ? int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 5;
        var tagged = args.Length <= 2 || args[2] != "untagged";
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

        var singleEvents = Math.Max(1000, events / 10);
        Console.WriteLine($"journal write throughput ({(tagged ? "tagged" : "untagged")}): {events} events per PersistAll run, {singleEvents} per Persist run, median of {runs} runs, {Environment.ProcessorCount} cores");
        Console.WriteLine($"| backend | Persist (1/command) events/s | PersistAll ×100 events/s | ratio | PersistAll ×100, {Writers} writers events/s |");
        Console.WriteLine("|---|---:|---:|---:|---:|");
        foreach (var (name, db) in backends)
        {
            await db.PrepareAsync(TimeSpan.FromSeconds(10));
            var config = AkkaConfig.Build(hocon, db, includeCluster: false);
            var system = ActorSystem.Create("bench", PersistenceSetup.Bootstrap(config.WithFallback("akka.loglevel = WARNING"), db));
            try
            {
                // Warm-up: schema creation, connection pools, JIT.
                await WriteAsync(system, 1000, 1, tagged);
                await WriteAsync(system, 1000, 100, tagged);
                var single = new List<double>();
                var batched = new List<double>();
                var concurrent = new List<double>();
                for (var r = 0; r < runs; r++)
                {
                    single.Add(await WriteAsync(system, singleEvents, 1, tagged));
                    batched.Add(await WriteAsync(system, events, 100, tagged));
                    concurrent.Add(await WriteAsync(system, events, 100, tagged, Writers));
                }

                var s = Median(single);
                var b = Median(batched);
                Console.WriteLine($"| {name} | {s:N0} | {b:N0} | {b / s:0.0}× | {Median(concurrent):N0} |");
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

    /// <summary>Events/s for <paramref name="events"/> spread evenly over <paramref name="writers"/> actors.</summary>
    private static async Task<double> WriteAsync(ActorSystem system, int events, int batch, bool tagged, int writers = 1)
    {
        var actors = new IActorRef[writers];
        var done = new Task<Done>[writers];
        var share = events / writers;
        for (var w = 0; w < writers; w++)
        {
            actors[w] = system.ActorOf(Props.Create(() => new WriterActor($"bench-{Guid.NewGuid():N}", tagged)));
            done[w] = actors[w].Ask<Done>(new Expect(share), TimeSpan.FromMinutes(5));
        }

        var clock = Stopwatch.StartNew();
        for (var i = 0; i < share; i += batch)
        {
            foreach (var actor in actors)
            {
                actor.Tell(new Write(i, Math.Min(batch, share - i)));
            }
        }

        await Task.WhenAll(done);
        clock.Stop();
        foreach (var actor in actors)
        {
            await actor.GracefulStop(TimeSpan.FromSeconds(10));
        }

        return share * writers / clock.Elapsed.TotalSeconds;
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
        private static readonly string[] Tags = ["bench-journal"];

        private int _expected;
        private int _written;
        private IActorRef _client = ActorRefs.Nobody;

        public WriterActor(string id, bool tagged)
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
                    var e = new BenchEvent(w.From, "BTCUSDT", 61000.5, 0.01);
                    Persist<object>(tagged ? new Tagged(e, Tags) : e, _ => Written());
                }
                else
                {
                    var batch = new object[w.Count];
                    for (var i = 0; i < w.Count; i++)
                    {
                        var e = new BenchEvent(w.From + i, "BTCUSDT", 61000.5, 0.01);
                        batch[i] = tagged ? new Tagged(e, Tags) : e;
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
