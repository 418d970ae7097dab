using Akka.Actor;
using Akka.Persistence;
using Arbitrage.Core.Serialization;
using Arbitrage.Engine.Persistence;
using Arbitrage.Engine.Serialization;
using Arbitrage.Testing;

namespace Arbitrage.Engine.Tests.Persistence;

[Manifest("test-counter-incremented.v1")]
public sealed record CounterIncremented(int By, string Reason) : IPersistedEvent;

[Manifest("test-counter-state.v1")]
public sealed record CounterState(int Total, int Events) : IPersistedSnapshot;

/// <summary>A minimal persistent actor: every Increment is journaled, every 3rd event snapshotted.</summary>
public sealed class CounterActor : ReceivePersistentActor
{
    public sealed record Increment(int By);

    public sealed record Get;

    private CounterState _state = new(0, 0);

    public CounterActor(string id)
    {
        PersistenceId = id;
        Recover<CounterIncremented>(e => _state = Apply(_state, e));
        Recover<SnapshotOffer>(o => _state = (CounterState)o.Snapshot);
        Command<Increment>(cmd => Persist(new CounterIncremented(cmd.By, "test"), e =>
        {
            _state = Apply(_state, e);
            if (_state.Events % 3 == 0)
            {
                SaveSnapshot(_state);
            }

            Sender.Tell(_state.Total);
        }));
        Command<Get>(_ => Sender.Tell(_state));
        Command<SaveSnapshotSuccess>(_ => { });
    }

    public override string PersistenceId { get; }

    private static CounterState Apply(CounterState s, CounterIncremented e) => new(s.Total + e.By, s.Events + 1);
}

public sealed class JournalRoundTripTests
{
    [SkippableTheory]
    [InlineData("sqlite")]
    [InlineData("postgres")]
    public async Task Events_and_snapshots_survive_a_restart_of_the_actor_system(string backend)
    {
        var db = TestDatabases.ByName(backend, out var dir);
        try
        {
            await db.PrepareAsync(TimeSpan.FromSeconds(10));
            var config = AkkaConfig.Build(RepoPaths.Hocon, db, [RepoPaths.TestHocon], includeCluster: false);
            var id = $"counter-{Guid.NewGuid():N}";

            var first = ActorSystem.Create("first", config);
            try
            {
                var counter = first.ActorOf(Props.Create(() => new CounterActor(id)));
                for (var i = 1; i <= 7; i++)
                {
                    await counter.Ask<int>(new CounterActor.Increment(i), TimeSpan.FromSeconds(20));
                }
            }
            finally
            {
                await first.Terminate();
            }

            var second = ActorSystem.Create("second", config);
            try
            {
                var counter = second.ActorOf(Props.Create(() => new CounterActor(id)));
                var state = await counter.Ask<CounterState>(new CounterActor.Get(), TimeSpan.FromSeconds(20));
                Assert.Equal(new CounterState(28, 7), state);

                // The serializer in the rows is ours, not Newtonsoft's.
                var serializer = second.Serialization.FindSerializerFor(new CounterIncremented(1, "x"));
                Assert.IsType<PersistedMessageSerializer>(serializer);
            }
            finally
            {
                await second.Terminate();
            }
        }
        finally
        {
            TestDatabases.DeleteQuietly(dir);
        }
    }
}
