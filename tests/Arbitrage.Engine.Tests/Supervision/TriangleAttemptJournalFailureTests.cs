using Akka.Actor;
using Akka.Cluster.Tools.PublishSubscribe;
using Akka.Persistence.TestKit;
using Arbitrage.Core.Triangles;
using Arbitrage.Core.Triangles.Execution;
using Arbitrage.Engine.Triangles;
using Xunit.Abstractions;

namespace Arbitrage.Engine.Tests.Supervision;

/// <summary>
/// An attempt whose own journal refuses a write stops (Akka persistence's rule: state it could not journal is not
/// state). Its venue actor starts it again after a backoff: it recovers what it had journaled, asks about the leg that
/// was out by client id and completes the cycle — without waiting for the detector itself to restart.
/// </summary>
public sealed class TriangleAttemptJournalFailureTests(ITestOutputHelper output) : JournalOutageTestKit(output)
{
    private const string Venue = "paper-venue";

    private static TriangleBook Book(string symbol, long t, double bid, double ask, double qty = 10) => new(symbol, t, [new(bid, qty)], [new(ask, qty)]);

    [Fact]
    public async Task An_attempt_whose_journal_write_fails_is_started_again_and_completes_from_what_it_journaled()
    {
        var mediator = CreateTestProbe();
        var config = new TriangleConfig("tri_exec", Venue, null, [new StartAsset("USD", 1000m)], 0.001m, 0.0005m,
            Execution: new TriangleExecutionSettings(PaperLatencyMs: 500, Execute: true));
        var detector = Sys.ActorOf(TriangleActor.Props(Venue, mediator.Ref));
        detector.Tell(new ConfigureTriangles(Venue, [config], ["BTC/USD", "ETH/BTC", "ETH/USD"], null));
        ExpectMsg<TrianglesConfigured>(TimeSpan.FromSeconds(10));

        // At 2000 ETH/USD bids 3030: USD>BTC>ETH ≈ +0.7 % after fees; the attempt starts, leg 1 fills at 2500.
        detector.Tell(new TriangleBooks(Venue, [Book("BTC/USD", 1000, 49990, 50000, 1), Book("ETH/BTC", 1000, 0.0599, 0.06), Book("ETH/USD", 1000, 2990, 3001)], 0));
        ExpectMsg<TriangleBooksAck>(TimeSpan.FromSeconds(10));
        detector.Tell(new TriangleBooks(Venue, [Book("ETH/USD", 2000, 3030, 3031)], 1));
        ExpectMsg<TriangleBooksAck>(TimeSpan.FromSeconds(10));

        // The attempt's next write (leg 1's answer and leg 2's intent) is refused, once; the detector's own writes pass.
        var refused = 0;
        // The filter is listening before the refusal can happen (the attempt may write before the next books arrive).
        await EventFilter.Warning(contains: "stopped before its end (failure 1)").ExpectOneAsync(TimeSpan.FromSeconds(10), async () =>
        {
            await Journal.OnWrite.SetInterceptorAsync(new JournalInterceptors.OnCondition(
                m => m.PersistenceId.StartsWith("triangle-attempt-", StringComparison.Ordinal) && Interlocked.Increment(ref refused) == 1,
                new JournalInterceptors.Failure()));
            detector.Tell(new TriangleBooks(Venue, [Book("BTC/USD", 2600, 49990, 50000, 1)], 2));
            ExpectMsg<TriangleBooksAck>(TimeSpan.FromSeconds(10));
        });

        // Started again, it recovers, queries leg 1 (filled at the venue) and goes on; the tape's end flushes the legs.
        detector.Tell(new DrainTriangleAttempts(Venue));
        ExpectMsg<TriangleAttemptsDrained>(TimeSpan.FromSeconds(20));
        var result = mediator.ReceiveWhile(TimeSpan.FromSeconds(1), m => ((Publish)m).Message).OfType<TriangleAttemptChanged>().Select(c => c.Result).Single();
        Assert.Equal((TriangleAttemptOutcome.Completed, 3), (result.Outcome, result.LegsFilled));
        Assert.True(result.PnlStartAsset > 0m, result.Detail);
        Assert.True(Volatile.Read(ref refused) >= 2, "the restarted attempt journaled again");
    }

    [Fact]
    public async Task An_attempt_whose_first_write_fails_after_leg_one_went_out_resumes_from_the_venues_journal_and_asks_about_leg_one()
    {
        var mediator = CreateTestProbe();
        var config = new TriangleConfig("tri_exec", Venue, null, [new StartAsset("USD", 1000m)], 0.001m, 0.0005m,
            Execution: new TriangleExecutionSettings(PaperLatencyMs: 500, Execute: true));
        var detector = Sys.ActorOf(TriangleActor.Props(Venue, mediator.Ref));
        detector.Tell(new ConfigureTriangles(Venue, [config], ["BTC/USD", "ETH/BTC", "ETH/USD"], null));
        ExpectMsg<TrianglesConfigured>(TimeSpan.FromSeconds(10));
        detector.Tell(new TriangleBooks(Venue, [Book("BTC/USD", 1000, 49990, 50000, 1), Book("ETH/BTC", 1000, 0.0599, 0.06), Book("ETH/USD", 1000, 2990, 3001)], 0));
        ExpectMsg<TriangleBooksAck>(TimeSpan.FromSeconds(10));

        // The venue journals the attempt with its first step and sends leg 1; the attempt's own journal refuses that
        // step: it stops before it has journaled anything, with leg 1 out.
        var refused = 0;
        // The filter is listening before the refusal can happen (the attempt may write before the next books arrive).
        await EventFilter.Warning(contains: "stopped before its end (failure 1)").ExpectOneAsync(TimeSpan.FromSeconds(10), async () =>
        {
            await Journal.OnWrite.SetInterceptorAsync(new JournalInterceptors.OnCondition(
                m => m.PersistenceId.StartsWith("triangle-attempt-", StringComparison.Ordinal) && Interlocked.Increment(ref refused) == 1,
                new JournalInterceptors.Failure()));
            detector.Tell(new TriangleBooks(Venue, [Book("ETH/USD", 2000, 3030, 3031)], 1));
            ExpectMsg<TriangleBooksAck>(TimeSpan.FromSeconds(10));
        });

        // Started again with the step the venue journaled, it journals it, asks about leg 1 (the venue filled it) and
        // completes with all three legs. Without the venue's copy of the step the
        // attempt would recover empty and never end (and count as in flight forever).
        detector.Tell(new TriangleBooks(Venue, [Book("BTC/USD", 2600, 49990, 50000, 1)], 2));
        ExpectMsg<TriangleBooksAck>(TimeSpan.FromSeconds(10));
        detector.Tell(new DrainTriangleAttempts(Venue));
        ExpectMsg<TriangleAttemptsDrained>(TimeSpan.FromSeconds(20));
        var result = mediator.ReceiveWhile(TimeSpan.FromSeconds(1), m => ((Publish)m).Message).OfType<TriangleAttemptChanged>().Select(c => c.Result).Single();
        Assert.Equal((TriangleAttemptOutcome.Completed, 3), (result.Outcome, result.LegsFilled));
        Assert.True(result.PnlStartAsset > 0m, result.Detail);
        Assert.True(Volatile.Read(ref refused) >= 2, "the restarted attempt journaled its adopted start");
    }
}
