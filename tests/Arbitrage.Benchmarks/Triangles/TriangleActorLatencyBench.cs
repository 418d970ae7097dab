using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Globalization;
using Akka.Actor;
using Akka.Configuration;
using Arbitrage.Core.Triangles;
using Arbitrage.Engine.Telemetry;
using Arbitrage.Engine.Triangles;

namespace Arbitrage.Benchmarks.Triangles;

/// <summary>
/// Update → decision inside the triangle actor (issue 15: p99 ≤ 10 µs), as the node measures it: the
/// <c>arbitrage.triangles.decision.duration</c> histogram the actor records around each book's detection, read here with
/// a <see cref="MeterListener"/>. The <see cref="TriangleActor"/> runs in an actor system with the in-memory journal on
/// the synthetic 93-pair / 798-cycle venue (<see cref="SyntheticVenue"/>, the example config), fed batches of
/// book updates as the feed and the replay send them. Baseline in the same run: the bare Core detector per update, timed
/// the same way (<see cref="Stopwatch"/> around one <c>TriangleDetector.Apply</c>). Also reported: updates/s
/// through the actor, mailbox and journal included.
/// Usage: e2e tridecision [updates=400000] [batch=64]
/// </summary>
public static class TriangleActorLatencyBench
{
    public static async Task RunAsync(string[] args)
    {
        int total = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 400_000;
        int batch = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 64;
        var venue = SyntheticVenue.Create(100);
        var universe = venue.Universe;
        var settings = new TriangleDetectorSettings(0.001, 0.0005, 5000);
        Console.WriteLine($"triangle update → decision: synthetic venue ({universe.Pairs.Count} pairs, {universe.Cycles.Count} cycles), "
            + $"{total:N0} updates in batches of {batch}, {Environment.ProcessorCount} cores");

        // Baseline: the bare detector, one timed call per update.
        var detector = new TriangleDetector(universe, settings);
        var bare = new List<double>(total);
        Feed(venue, total, (pair, time, bids, asks) =>
        {
            long start = Stopwatch.GetTimestamp();
            detector.Apply(pair, time, bids, asks);
            bare.Add(Stopwatch.GetElapsedTime(start).TotalMicroseconds);
        });

        // The actor, measured by its own histogram.
        var measured = new List<double>(total);
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            // By name: the instrument publishes itself while EngineMetrics' static fields are still being assigned.
            if (instrument.Meter.Name == EngineMetrics.MeterName && instrument.Name == "arbitrage.triangles.decision.duration") l.EnableMeasurementEvents(instrument);
        };
        listener.SetMeasurementEventCallback<double>((_, value, _, _) =>
        {
            lock (measured) measured.Add(value);
        });
        listener.Start();

        var config = ConfigurationFactory.ParseString("""
            akka.loglevel = WARNING
            akka.persistence.journal.plugin = "akka.persistence.journal.inmem"
            akka.persistence.snapshot-store.plugin = "akka.persistence.snapshot-store.inmem"
            arbitrage.persistence.snapshot-every = 1000
            """);
        using var system = ActorSystem.Create("tridecision", config);
        var sink = system.ActorOf(Props.Create(() => new Discard()), "mediator");
        var actor = system.ActorOf(TriangleActor.Props("synthetic", sink), "triangle-synthetic");
        var starts = universe.Cycles.Select(c => (c.StartAsset, c.Notional)).Distinct()
            .Select(s => new StartAsset(s.StartAsset, (decimal)s.Notional)).ToArray();
        var triangleConfig = new TriangleConfig("bench", "synthetic", null, starts, 0.001m, 0.0005m);
        await actor.Ask<TrianglesConfigured>(new ConfigureTriangles("synthetic", [triangleConfig], universe.Pairs.Select(p => p.Symbol).ToArray(), null), TimeSpan.FromSeconds(30));

        var books = new List<TriangleBook>(batch);
        long sequence = 0;
        var pending = new List<Task<TriangleBooksAck>>();
        var wall = Stopwatch.StartNew();
        Feed(venue, total, (pair, time, bids, asks) =>
        {
            books.Add(new TriangleBook(universe.Pairs[pair].Symbol, time, bids, asks));
            if (books.Count < batch) return;
            pending.Add(actor.Ask<TriangleBooksAck>(new TriangleBooks("synthetic", books.ToArray(), sequence++), TimeSpan.FromMinutes(1)));
            books.Clear();
            if (pending.Count >= 8)
            {
                // A bounded window, as the replay keeps: the mailbox never holds more than a few batches.
                Task.WaitAll(pending.ToArray<Task>());
                pending.Clear();
            }
        });
        await Task.WhenAll(pending);
        wall.Stop();
        var status = await actor.Ask<TriangleStatus>(new GetTriangleStatus("synthetic"), TimeSpan.FromSeconds(30));
        listener.Dispose();
        Console.WriteLine($"the actor applied {status.BookUpdates:N0} book updates, {status.Evaluations:N0} cycle evaluations; its histogram holds {measured.Count:N0}");
        await system.Terminate();

        Console.WriteLine("| path | updates | p50 µs | p99 µs | p99.9 µs | max µs | updates/s |");
        Console.WriteLine("|---|---:|---:|---:|---:|---:|---:|");
        Row("bare TriangleDetector.Apply (baseline)", bare, null);
        Row("inside TriangleActor (its decision histogram)", measured, measured.Count / wall.Elapsed.TotalSeconds);
    }

    private static void Feed(SyntheticVenue venue, int total, Action<int, long, BookLevel[], BookLevel[]> apply)
    {
        long shift = 0;
        int done = 0;
        while (done < total)
        {
            foreach (var (pair, time, bids, asks) in venue.Stream)
            {
                apply(pair, time + shift, bids, asks);
                if (++done == total) return;
            }

            shift += SyntheticVenue.Updates;
        }
    }

    private static void Row(string path, List<double> values, double? perSecond)
    {
        // The first pass fills the books (every cycle infeasible until its three are present): it is measured too.
        values.Sort();
        double At(double q) => values[Math.Min(values.Count - 1, (int)Math.Ceiling(q * values.Count) - 1)];
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"| {path} | {values.Count:N0} | {At(0.5):F2} | {At(0.99):F2} | {At(0.999):F2} | {values[^1]:F1} | {(perSecond is { } r ? r.ToString("N0", CultureInfo.InvariantCulture) : "")} |"));
    }

    private sealed class Discard : ReceiveActor
    {
        public Discard() => ReceiveAny(_ => { });
    }
}
