using Akka.Actor;
using Akka.Cluster.Tools.PublishSubscribe;
using Arbitrage.Engine.Supervision;
using Arbitrage.Engine.Tests.Triangles;
using Arbitrage.Engine.Triangles;
using Xunit.Abstractions;

namespace Arbitrage.Engine.Tests.Supervision;

/// <summary>
/// The triangle detector as the shard region runs it (<see cref="TriangleActor.SupervisedProps"/>): a journal write that
/// fails stops it; while the journal cannot be read it stays down; when the journal answers it comes back, takes the
/// configuration and books sent meanwhile, and closes the episode the journal held open (its books died with it).
/// </summary>
public sealed class TriangleJournalOutageTests(ITestOutputHelper output) : JournalOutageTestKit(output)
{
    [Fact]
    public async Task A_detector_whose_journal_fails_comes_back_when_it_answers_and_handles_what_was_sent_meanwhile()
    {
        var events = TriangleActorTests.Load(TriangleActorTests.Gemini);
        var pairs = events.Select(e => e.Symbol).Distinct().ToArray();
        var config = TriangleActorTests.TriangleConfigOf("near", "gemini", null, [("USD", 1000m), ("BTC", 0.016m), ("ETH", 0.42m)], 0.001m, -0.004m);
        var configure = new ConfigureTriangles("gemini", [config], pairs, null);
        var mediator = CreateTestProbe();
        var detector = Sys.ActorOf(TriangleActor.SupervisedProps("gemini", mediator.Ref), "triangle-gemini");
        detector.Tell(configure);
        ExpectMsg<TrianglesConfigured>(TimeSpan.FromSeconds(10));

        // Books one by one until an episode opens: journaled, then published.
        var next = 0;
        TriangleEpisodeChanged? opened = null;
        while (opened is null)
        {
            Assert.True(next < events.Count, "the tape must open an episode");
            detector.Tell(Books(events[next], next));
            Assert.Equal(next++, ExpectMsg<TriangleBooksAck>(TimeSpan.FromSeconds(10)).Sequence);
            while (mediator.HasMessages)
            {
                var change = (TriangleEpisodeChanged)mediator.ExpectMsg<Publish>().Message;
                if (change.Open) opened ??= change;
            }
        }

        // The journal goes down: the rest of the tape (which closes and opens episodes) cannot be journaled, and a
        // restarted detector cannot recover.
        await Journal.OnWrite.Fail();
        await Journal.OnRecovery.Fail();
        detector.Tell(new TriangleBooks("gemini", events.Skip(next).Select(ToBook).ToArray(), next));
        AwaitAssert(() =>
        {
            detector.Tell(BufferingBackoffSupervisor.GetSupervisorState.Instance);
            var state = ExpectMsg<BufferingBackoffSupervisor.SupervisorState>();
            Assert.True(state.Restarts >= 1, $"the detector has not failed its recovery yet: {state}");
            Assert.False(state.Ready);
        }, TimeSpan.FromSeconds(10));
        ExpectNoMsg(TimeSpan.Zero); // the batch whose events could not be journaled was not acknowledged

        // Down: the keeper's resend and the feed's next book wait for it.
        var keeper = CreateTestProbe();
        var feed = CreateTestProbe();
        detector.Tell(configure, keeper.Ref);
        detector.Tell(Books(events[^1], 1_000), feed.Ref);
        detector.Tell(BufferingBackoffSupervisor.GetSupervisorState.Instance);
        Assert.Equal(2, ExpectMsg<BufferingBackoffSupervisor.SupervisorState>().Buffered);

        await Journal.OnWrite.Pass();
        await Journal.OnRecovery.Pass();

        // Back, in the order sent, each answered to its sender; the episode the journal held open is closed.
        Assert.Equal(["near"], keeper.ExpectMsg<TrianglesConfigured>(TimeSpan.FromSeconds(30)).ConfigIds);
        Assert.Equal(1_000, feed.ExpectMsg<TriangleBooksAck>(TimeSpan.FromSeconds(10)).Sequence);
        var closed = mediator.FishForMessage<Publish>(
            p => p.Message is TriangleEpisodeChanged { Open: false } c && c.Episode.Cycle == opened.Episode.Cycle && c.Episode.StartMs == opened.Episode.StartMs,
            TimeSpan.FromSeconds(10));
        Assert.NotNull(((TriangleEpisodeChanged)closed.Message).Episode.EndMs);
        detector.Tell(BufferingBackoffSupervisor.GetSupervisorState.Instance);
        Assert.True(ExpectMsg<BufferingBackoffSupervisor.SupervisorState>().Ready);
    }

    private static TriangleBooks Books(Core.Triangles.BookTapeEvent e, long sequence) => new("gemini", [ToBook(e)], sequence);

    private static TriangleBook ToBook(Core.Triangles.BookTapeEvent e) => new(e.Symbol, e.TimeMs, e.Bids, e.Asks);
}
