using System.Text;
using Akka.Actor;
using Arbitrage.Core.Triangles.Execution;
using Arbitrage.Engine.Serialization;
using Arbitrage.Engine.Tests.Triangles;
using Arbitrage.Engine.Triangles;

namespace Arbitrage.Engine.Tests.Persistence;

/// <summary>
/// <c>triangle-attempt-begun.v1</c> carries the attempt's first step (a restart resumes from it when the attempt's own
/// journal lacks it): it round-trips through the journal's serializer into the same saga state, and a row written
/// before the step was carried still reads (without it).
/// </summary>
public sealed class TriangleAttemptBegunSerializationTests : IDisposable
{
    private readonly ActorSystem _system = ActorSystem.Create("begun-serializer-tests");

    public void Dispose() => _system.Terminate().Wait(TimeSpan.FromSeconds(10));

    [Fact]
    public void The_first_step_round_trips_into_the_same_saga_state()
    {
        var serializer = new PersistedMessageSerializer((ExtendedActorSystem)_system, new ManifestRegistry());
        var first = TriangleSagaLogic.Decide(TriangleSagaState.Empty, TriangleAttemptRestartTests.Start("begun1"), TriangleAttemptRestartTests.Books());
        var begun = new TriangleAttemptBegun("paper", "cfg", "USDT>BTC>ETH", 1_700_000_000_000, "begun1", 100m, 5_000,
            first.Events.OfType<TriangleAttemptStarted>().Single(), first.Events.OfType<TriangleLegIntended>().Single());

        var bytes = serializer.ToBinary(begun);
        var read = Assert.IsType<TriangleAttemptBegun>(serializer.FromBinary(bytes, "triangle-attempt-begun.v1"));
        Assert.Equal(bytes, serializer.ToBinary(read));
        var state = TriangleSagaState.Empty.Apply(read.Started!).Apply(read.FirstLeg!);
        Assert.Equal(first.State.OpenOrder!.Intent.ToRequest(), state.OpenOrder!.Intent.ToRequest());
        Assert.Equal(TriangleOrderIds.Leg("begun1", 1), state.OpenOrder.Intent.ClientOrderId);
    }

    [Fact]
    public void A_row_written_before_the_step_was_carried_reads_without_it()
    {
        var serializer = new PersistedMessageSerializer((ExtendedActorSystem)_system, new ManifestRegistry());
        var stored = Encoding.UTF8.GetBytes(
            """{"venue":"paper","config_id":"cfg","cycle":"USDT>BTC>ETH","start_ms":1,"attempt_id":"a1","notional_usd":100,"leg_timeout_ms":5000}""");
        var read = Assert.IsType<TriangleAttemptBegun>(serializer.FromBinary(stored, "triangle-attempt-begun.v1"));
        Assert.Equal(("a1", 100m, 5000L, null, null), (read.AttemptId, read.NotionalUsd, read.LegTimeoutMs, read.Started, read.FirstLeg));
    }
}
