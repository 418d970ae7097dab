using Akka.Actor;
using Arbitrage.Core.Risk;
using Arbitrage.Engine.Execution.Paper;
using Arbitrage.Engine.Risk;
using Arbitrage.Engine.Supervision;
using Arbitrage.Engine.Tests.Execution;
using Xunit.Abstractions;

namespace Arbitrage.Engine.Tests.Supervision;

/// <summary>
/// The risk guard as the node runs it (<see cref="RiskGuardActor.SupervisedProps"/>): while its journal is down it is
/// down too, and comes back on its own when the journal answers; what operators and strategies sent it meanwhile is
/// handled then, not lost in dead letters.
/// </summary>
public sealed class RiskGuardJournalOutageTests(ITestOutputHelper output) : JournalOutageTestKit(output)
{
    [Fact]
    public async Task The_guard_whose_journal_is_down_comes_back_when_it_answers_and_handles_what_was_sent_meanwhile()
    {
        var events = CreateTestProbe();
        var settings = new RiskGuardSettings(new RiskParameters(), ExecutionTestData.Settings("executor-outage"), "risk-guard-outage", AssumeConnected: true);
        IActorRef Start(string name) =>
            Sys.ActorOf(RiskGuardActor.SupervisedProps(settings, new PaperGateway(new PaperGatewaySettings(1_000m, 0.0004m, 0m)), events.Ref), name);

        // A journal with the guard's history (trading off), then a restart while the journal cannot be read.
        var first = Start("risk-guard-1");
        first.Tell(new SetTradingEnabled(false, "ops"));
        Assert.False(ExpectMsg<RiskStatus>(TimeSpan.FromSeconds(10)).TradingEnabled);
        Watch(first);
        Sys.Stop(first);
        ExpectTerminated(first);
        await Journal.OnRecovery.Fail();
        var guard = Start("risk-guard-2");

        // Down: a status request and an operator's command wait for it.
        var reader = CreateTestProbe();
        guard.Tell(new GetRiskStatus(), reader.Ref);
        var operatorProbe = CreateTestProbe();
        guard.Tell(new SetTradingEnabled(true, "ops"), operatorProbe.Ref);
        AwaitAssert(() =>
        {
            guard.Tell(BufferingBackoffSupervisor.GetSupervisorState.Instance);
            var state = ExpectMsg<BufferingBackoffSupervisor.SupervisorState>();
            Assert.True(state.Restarts >= 1, "the guard has not failed its recovery yet");
            Assert.Equal((false, 2), (state.Ready, state.Buffered));
        }, TimeSpan.FromSeconds(10));

        await Journal.OnRecovery.Pass();

        // Handled in the order sent, with their senders, after the history was recovered: the read sees the journal's
        // "trading off", then the command turns it on.
        Assert.False(reader.ExpectMsg<RiskStatus>(TimeSpan.FromSeconds(20)).TradingEnabled);
        Assert.True(operatorProbe.ExpectMsg<RiskStatus>().TradingEnabled);
        guard.Tell(BufferingBackoffSupervisor.GetSupervisorState.Instance);
        Assert.True(ExpectMsg<BufferingBackoffSupervisor.SupervisorState>().Ready);
    }
}
