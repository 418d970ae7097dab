using Akka.Actor;
using Arbitrage.Engine.Execution;
using Arbitrage.Engine.Risk;

namespace Arbitrage.Engine.Replay;

/// <summary>
/// The tape clock's barrier: returns once the risk guard, its executor and the paper venue have handled everything sent to
/// them and everything that caused — journal writes, the venue's answers and fills, the executor's reports to the guard and
/// the guard's orders back. A round asks the guard (through its proxy, so behind whatever the clock and the strategies sent
/// it), then the executor (each answers after its pending journal writes), then waits until every venue call has its answer
/// in the executor's mailbox (<see cref="CallCountingGateway"/>). The account is settled after a round in which the counted
/// mailboxes (<see cref="CountingMailbox"/>) received nothing but those two asks and no venue call was made; otherwise
/// something was still moving, and another round follows. Wall-clock timers (retries, the protection deadline) are not
/// waited for: paper calls do not fail, and a working stop makes the deadline a no-op.
/// </summary>
internal sealed class TradingBarrier(IActorRef guard, IActorRef executor, CallCountingGateway gateway, MessageCount count)
{
    /// <summary>Barriers passed, and probe rounds they took.</summary>
    public (long Settles, long Rounds) Count { get; private set; }

    /// <summary>The guard's status once settled; <paramref name="ct"/> carries the caller's deadline.</summary>
    public async Task<RiskStatus> SettleAsync(CancellationToken ct)
    {
        Count = (Count.Settles + 1, Count.Rounds);
        while (true)
        {
            Count = (Count.Settles, Count.Rounds + 1);
            var enqueued = count.Enqueued;
            var calls = gateway.Started;
            var status = await guard.Ask<RiskStatus>(new GetRiskStatus(), ct).ConfigureAwait(false);
            await executor.Ask<ExecutorStatus>(new GetExecutorStatus(), ct).ConfigureAwait(false);
            await gateway.Answered().WaitAsync(ct).ConfigureAwait(false);
            if (count.Enqueued - enqueued == 2 && gateway.Started == calls)
            {
                return status;
            }
        }
    }
}
