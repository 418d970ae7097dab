using Akka.Actor;
using Akka.TestKit;
using Arbitrage.Engine.Supervision;
using Xunit.Abstractions;

namespace Arbitrage.Engine.Tests.Supervision;

/// <summary>
/// The supervisor the risk guard runs under: a child that stops (its journal failed) comes back after a backoff, and
/// nothing sent meanwhile is lost — delivered once the new child is ready, in order, with its original sender.
/// </summary>
public sealed class BufferingBackoffSupervisorTests(ITestOutputHelper output) : Akka.TestKit.Xunit2.TestKit(output: output)
{
    /// <summary>Echoes to the sender; "stop" stops it, "fail" throws; says ready unless told not to (recovering).</summary>
    private sealed class Child : ReceiveActor
    {
        public Child(IActorRef starts, bool ready)
        {
            starts.Tell("started");
            if (ready)
            {
                Context.Parent.Tell(BufferingBackoffSupervisor.ChildReady.Instance);
            }

            Receive<string>(m => m == "stop", _ => Context.Stop(Self));
            Receive<string>(m => m == "fail", _ => throw new InvalidOperationException("boom"));
            Receive<string>(m => m == "ready", _ => Context.Parent.Tell(BufferingBackoffSupervisor.ChildReady.Instance));
            Receive<string>(m => m == "to-parent", _ => Context.Parent.Tell("from-child"));
            ReceiveAny(m => Sender.Tell(m));
        }
    }

    private IActorRef Supervise(TestProbe starts, bool ready = true, int capacity = 100) =>
        Sys.ActorOf(BufferingBackoffSupervisor.Props(
            Props.Create(() => new Child(starts.Ref, ready)), "child", TimeSpan.FromMilliseconds(200), TimeSpan.FromSeconds(1), 0.1, capacity));

    [Fact]
    public void A_stopped_child_is_started_again_and_gets_what_was_sent_meanwhile_in_order_with_the_senders()
    {
        var starts = CreateTestProbe();
        var supervisor = Supervise(starts, ready: true);
        starts.ExpectMsg("started");
        supervisor.Tell("hello");
        ExpectMsg("hello");

        supervisor.Tell("stop");
        var a = CreateTestProbe();
        var b = CreateTestProbe();
        supervisor.Tell(1, a.Ref);
        supervisor.Tell(2, b.Ref);
        supervisor.Tell(3, a.Ref);

        starts.ExpectMsg("started", TimeSpan.FromSeconds(5));
        a.ExpectMsg(1);
        b.ExpectMsg(2);
        a.ExpectMsg(3);
        supervisor.Tell(BufferingBackoffSupervisor.GetSupervisorState.Instance);
        var state = ExpectMsg<BufferingBackoffSupervisor.SupervisorState>();
        Assert.True(state.Ready);
        Assert.Equal(1, state.Restarts);
    }

    [Fact]
    public async Task Messages_wait_until_the_child_says_it_is_ready_and_an_exception_stops_it_for_a_backoff_too()
    {
        var starts = CreateTestProbe();
        var supervisor = Supervise(starts, ready: false);
        starts.ExpectMsg("started");

        supervisor.Tell("early");
        supervisor.Tell(BufferingBackoffSupervisor.GetSupervisorState.Instance);
        var waiting = ExpectMsg<BufferingBackoffSupervisor.SupervisorState>(); // the supervisor answers this itself, after "early"
        Assert.Equal((false, 1), (waiting.Ready, waiting.Buffered)); // recovering: kept, not handed to the child yet

        var child = await Sys.ActorSelection(supervisor.Path / "child").ResolveOne(TimeSpan.FromSeconds(3));
        child.Tell("ready"); // the child tells its parent it is ready: the kept message is delivered
        ExpectMsg("early");

        // An exception is a stop plus backoff (a restart in place would spin while the journal is down).
        supervisor.Tell("fail");
        starts.ExpectMsg("started", TimeSpan.FromSeconds(5));
        supervisor.Tell(BufferingBackoffSupervisor.GetSupervisorState.Instance);
        var state = ExpectMsg<BufferingBackoffSupervisor.SupervisorState>();
        Assert.Equal(1, state.Restarts);
        Assert.False(state.Ready);
    }

    [Fact]
    public void What_the_child_sends_its_parent_reaches_the_supervisors_parent()
    {
        var starts = CreateTestProbe();
        var parent = CreateTestProbe();
        var supervisor = parent.ChildActorOf(BufferingBackoffSupervisor.Props(
            Props.Create(() => new Child(starts.Ref, true)), "child", TimeSpan.FromMilliseconds(200), TimeSpan.FromSeconds(1), 0.1, 10));
        starts.ExpectMsg("started");

        supervisor.Tell("to-parent");

        parent.ExpectMsg("from-child");
    }

    [Fact]
    public async Task A_full_buffer_drops_the_oldest()
    {
        var starts = CreateTestProbe();
        var supervisor = Supervise(starts, ready: false, capacity: 3);
        starts.ExpectMsg("started");
        foreach (var n in new[] { 1, 2, 3, 4, 5 })
        {
            supervisor.Tell(n);
        }

        var child = await Sys.ActorSelection(supervisor.Path / "child").ResolveOne(TimeSpan.FromSeconds(3));
        child.Tell("ready");

        ExpectMsg(3); // in order, so 1 and 2 were dropped
        ExpectMsg(4);
        ExpectMsg(5);
    }

    [Theory]
    [InlineData(0, 500)]
    [InlineData(1, 1000)]
    [InlineData(3, 4000)]
    [InlineData(10, 10000)]
    public void The_backoff_doubles_up_to_its_cap(int failures, double expectedMs)
    {
        Assert.Equal(expectedMs, BufferingBackoffSupervisor.Delay(failures, TimeSpan.FromMilliseconds(500), TimeSpan.FromSeconds(10), 0.2, 0).TotalMilliseconds);
        Assert.Equal(expectedMs * 1.2, BufferingBackoffSupervisor.Delay(failures, TimeSpan.FromMilliseconds(500), TimeSpan.FromSeconds(10), 0.2, 1).TotalMilliseconds, 6);
    }
}
