using Akka.Actor;
using Arbitrage.Engine.Persistence;
using Arbitrage.Engine.Projections;
using Arbitrage.Engine.Tests.Triangles;
using Arbitrage.Engine.Triangles;
using Arbitrage.Testing;

namespace Arbitrage.Engine.Tests.Projections;

/// <summary>The triangle actor's journaled episodes projected into <c>read_triangle_episodes</c> and read back, on SQLite and PostgreSQL.</summary>
public sealed class TriangleProjectionTests
{
    [SkippableTheory]
    [InlineData("sqlite")]
    [InlineData("postgres")]
    public async Task The_actors_episodes_are_projected_one_row_each_and_read_back(string backend)
    {
        var db = TestDatabases.ByName(backend, out var dir);
        var venue = "gemini-" + Guid.NewGuid().ToString("N")[..8];
        try
        {
            await db.PrepareAsync(TimeSpan.FromSeconds(10));
            var system = ActorSystem.Create("triangles", AkkaConfig.Build(RepoPaths.Hocon, db, [RepoPaths.TestHocon], includeCluster: false));
            try
            {
                var events = TriangleActorTests.Load(TriangleActorTests.Gemini);
                var config = TriangleActorTests.TriangleConfigOf("near", venue, null, [("USD", 1000m), ("BTC", 0.016m)], 0.001m, -0.005m);
                var expected = Core.Triangles.TriangleTapeDetection.Run(config, events);
                var actor = system.ActorOf(TriangleActor.Props(venue, ActorRefs.Nobody));
                await actor.Ask<TrianglesConfigured>(new ConfigureTriangles(venue, [config], events.Select(e => e.Symbol).Distinct().ToArray(), null), TimeSpan.FromSeconds(20));
                await actor.Ask<TriangleBooksAck>(new TriangleBooks(venue, events.Select(e => new TriangleBook(e.Symbol, e.TimeMs, e.Bids, e.Asks)).ToArray(), 0), TimeSpan.FromSeconds(20));

                var projections = system.StartProjections(db, ReadModels.DefaultHandlers(), ProjectionSettings.Default with { BatchWindow = TimeSpan.FromMilliseconds(20) });
                await new ProjectionStore(db).EnsureSchemaAsync(ReadModels.DefaultHandlers(), CancellationToken.None); // as the API does before a read
                TriangleReadModel.View view;
                var deadline = DateTime.UtcNow.AddSeconds(20);
                do
                {
                    view = await TriangleReadModel.ReadAsync(db, 500, venue, CancellationToken.None);
                    if (view.Recent.Count == expected.Count && view.Open.Count == expected.Count(e => e.EndMs is null)) break;
                    Assert.True(DateTime.UtcNow < deadline, $"projected {view.Recent.Count} of {expected.Count} episodes");
                    await Task.Delay(50);
                }
                while (true);
                await projections.StopAsync();

                var closed = expected.Where(e => e.EndMs is not null).OrderBy(e => e.StartMs).ThenBy(e => e.Cycle, StringComparer.Ordinal).ToList();
                var rows = view.Recent.Where(r => r.EndMs is not null).OrderBy(r => r.StartMs).ThenBy(r => r.Cycle, StringComparer.Ordinal).ToList();
                Assert.Equal(closed.Select(e => (e.StartMs, e.EndMs, e.Cycle, e.Evaluations, e.PeakNetReturn, e.PeakMs)),
                    rows.Select(r => (r.StartMs, r.EndMs, r.Cycle, r.Evaluations, r.PeakNetReturn, r.PeakMs)));
                foreach (var cycle in view.Cycles)
                {
                    var ofCycle = expected.Where(e => e.Cycle == cycle.Cycle).ToList();
                    Assert.Equal(ofCycle.Count, cycle.Episodes);
                    // Open episodes are projected as they opened (their first return); closed ones with their peak.
                    Assert.True(cycle.BestNetReturn <= ofCycle.Max(e => e.PeakNetReturn));
                }
            }
            finally
            {
                await system.Terminate();
            }
        }
        finally
        {
            TestDatabases.DeleteQuietly(dir);
        }
    }
}
