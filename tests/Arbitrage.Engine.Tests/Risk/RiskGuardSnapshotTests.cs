using System.Text.Json;
using Akka.Actor;
using Arbitrage.Core.Execution;
using Arbitrage.Core.Risk;
using Arbitrage.Engine.Execution;
using Arbitrage.Engine.Execution.Paper;
using Arbitrage.Engine.Risk;
using Arbitrage.Engine.Serialization;
using Arbitrage.Engine.Tests.Persistence;
using Xunit.Abstractions;
using static Arbitrage.Engine.Tests.Execution.ExecutionTestData;
using TestKit = Akka.TestKit.Xunit2.TestKit;

namespace Arbitrage.Engine.Tests.Risk;

/// <summary>
/// Issue 14, item 2: the risk guard, its executor and the paper venue snapshot every N events and keep only their latest
/// snapshot; a recovery from a snapshot and the events after it restores exactly what a recovery from every event does.
/// </summary>
public sealed class RiskGuardSnapshotTests(ITestOutputHelper output) : IDisposable
{
    private const string GuardId = "risk-guard-snap";
    private const string ExecutorId = "executor-snap";
    private const string PaperId = "paper-exchange-snap";

    private readonly SnapshotJournal _journal = new();
    private readonly List<SnapshotJournal> _copies = [];

    private static readonly RiskGuardSettings Settings = new(new RiskParameters(), Arbitrage.Engine.Tests.Execution.ExecutionTestData.Settings(ExecutorId), GuardId, AssumeConnected: true);

    private static PaperGateway NewPaper() => new(new PaperGatewaySettings(1_000m, 0.0004m, 0m, PaperId));

    public void Dispose()
    {
        foreach (var c in _copies) c.Dispose();
        _journal.Dispose();
    }

    [Fact]
    public void A_recovery_from_the_latest_snapshots_and_the_events_after_them_equals_a_recovery_from_every_event()
    {
        Trade(); // snapshots every 5 events

        var snapshots = _journal.Snapshots();
        foreach (var (id, manifest) in new[] { (GuardId, "risk-guard-snapshot.v1"), (ExecutorId, "executor-snapshot.v1"), (PaperId, "paper-venue-snapshot.v1") })
        {
            var own = snapshots.Where(s => s.PersistenceId == id).ToArray();
            var only = Assert.Single(own); // the older ones were deleted after each save
            Assert.Equal(manifest, only.Manifest);
            Assert.InRange(only.SequenceNr, 5, _journal.Events(id));
        }

        var all = Recover(Copy());
        var eventsOnly = Copy();
        Assert.Equal(3, eventsOnly.DeleteSnapshots());
        var fromEvents = Recover(eventsOnly);
        var snapshotAndAfter = Copy();
        Assert.True(snapshotAndAfter.DeleteEventsCoveredBySnapshots() >= 15); // recovery cannot but read the snapshots
        var fromSnapshots = Recover(snapshotAndAfter);

        Assert.Equal(fromEvents, fromSnapshots);
        Assert.Equal(fromEvents, all);

        // And the state is the one traded: one trade open, two closed, two losses in a row with the operator's limit of 4.
        var executor = JsonSerializer.Deserialize<ExecutorSnapshot>(fromEvents.Executor, PersistedMessageSerializer.Json)!;
        Assert.Equal(("d-BTCUSDT-L", 2), (Assert.Single(executor.Trades).Plan.SignalId, executor.TradesClosed));
        Assert.Equal(["a-BTCUSDT-L", "b-ETHUSDT-S", "d-BTCUSDT-L"], executor.SeenSignals.Select(s => s.SignalId));
        var guard = JsonSerializer.Deserialize<RiskGuardSnapshot>(fromEvents.Guard, PersistedMessageSerializer.Json)!;
        Assert.Equal((4, 2, true, (KillSwitchState?)null), (guard.Parameters!.MaxConsecutiveLosses, guard.ConsecutiveLosses, guard.TradingEnabled, guard.KillSwitch));
    }

    /// <summary>Two trades closed (a stop, a kill switch), parameters set, trading off and on (a signal blocked), one trade left open.</summary>
    private void Trade()
    {
        using var kit = new TestKit(_journal.Config(snapshotEvery: 5), "trade", output);
        var paper = NewPaper();
        var events = kit.CreateTestProbe();
        var guard = kit.Sys.ActorOf(RiskGuardActor.Props(Settings, paper, events.Ref), "risk-guard");
        events.FishForMessage<ExecutorReady>(_ => true);
        kit.AwaitCondition(() => Ask<RiskStatus>(kit, guard, new GetRiskStatus()).State.BalanceUsd is not null);

        guard.Tell(new MarketTick("BTCUSDT", 100m, T0));
        guard.Tell(LongBtc("a-BTCUSDT-L", T0));
        AwaitWorking(kit, paper, "a-BTCUSDT-L", 3);
        guard.Tell(new MarketTick("BTCUSDT", 97.9m, T0 + 15_000));
        Assert.Equal(ExitReason.StopLoss, events.FishForMessage<TradeClosed>(_ => true).ExitReason);

        Ask<RiskStatus>(kit, guard, new SetRiskParameters(new RiskParameters(MaxConsecutiveLosses: 4), "ops"));
        guard.Tell(new MarketTick("ETHUSDT", 50m, T0 + 20_000));
        guard.Tell(Signal("b-ETHUSDT-S", "ETHUSDT", Direction.Short, 50, 51, 49, 48, T0 + 20_000));
        AwaitWorking(kit, paper, "b-ETHUSDT-S", 3);
        Ask<RiskStatus>(kit, guard, new EngageKillSwitch("ops", "snapshot test"));
        Assert.Equal(ExitReason.KillSwitch, events.FishForMessage<TradeClosed>(_ => true).ExitReason);
        kit.AwaitCondition(() => OpenOrders(paper).Count == 0);
        Ask<RiskStatus>(kit, guard, new ResumeTrading("ops"));

        Ask<RiskStatus>(kit, guard, new SetTradingEnabled(false, "ops"));
        guard.Tell(new MarketTick("BTCUSDT", 100m, T0 + 40_000));
        guard.Tell(LongBtc("c-BTCUSDT-L", T0 + 40_000));
        events.FishForMessage<SignalBlocked>(b => b.SignalId == "c-BTCUSDT-L");
        Ask<RiskStatus>(kit, guard, new SetTradingEnabled(true, "ops"));

        guard.Tell(new MarketTick("BTCUSDT", 100m, T0 + 60_000));
        guard.Tell(LongBtc("d-BTCUSDT-L", T0 + 60_000));
        AwaitWorking(kit, paper, "d-BTCUSDT-L", 3);
        kit.AwaitCondition(() => Ask<ExecutorStatus>(kit, Executor(kit, guard), new GetExecutorStatus()).State.Orders.Values
            .Count(o => o.Accepted && !o.IsFinal) == 3);
        _journal.AwaitLatestSnapshots(kit, 5, GuardId, ExecutorId, PaperId);
    }

    private SnapshotJournal Copy()
    {
        var copy = _journal.Copy();
        _copies.Add(copy);
        return copy;
    }

    /// <summary>The guard's durable state, the executor's state and the paper account, as JSON, right after a restart on <paramref name="journal"/>.</summary>
    private Recovered Recover(SnapshotJournal journal)
    {
        using var kit = new TestKit(journal.Config(), "recover", output);
        var paper = NewPaper();
        var events = kit.CreateTestProbe();
        var guard = kit.Sys.ActorOf(RiskGuardActor.Props(Settings, paper, events.Ref), "risk-guard");
        var ready = events.FishForMessage<ExecutorReady>(_ => true);
        Assert.Equal((1, 0), (ready.OpenTrades, ready.Differences)); // the journal agrees with the venue: nothing written by the restart

        var status = Ask<RiskStatus>(kit, guard, new GetRiskStatus());
        var guardState = RiskGuardSnapshot.Of(status.State, status.State.Parameters, status.TradingEnabled, status.NowMs);
        var executor = Ask<ExecutorStatus>(kit, Executor(kit, guard), new GetExecutorStatus()).State.ToSnapshot();
        var account = paper.AccountAsync().GetAwaiter().GetResult();
        return new Recovered(Json(guardState), Json(executor), Json(account));
    }

    private sealed record Recovered(string Guard, string Executor, string Paper);

    private static string Json<T>(T value) => JsonSerializer.Serialize(value, PersistedMessageSerializer.Json);

    private static IActorRef Executor(TestKit kit, IActorRef guard) =>
        kit.Sys.ActorSelection(guard.Path / "executor").ResolveOne(TimeSpan.FromSeconds(5)).GetAwaiter().GetResult();

    private static T Ask<T>(TestKit kit, IActorRef target, object message)
    {
        var probe = kit.CreateTestProbe();
        target.Tell(message, probe.Ref);
        return probe.ExpectMsg<T>(TimeSpan.FromSeconds(10));
    }

    private static IReadOnlyList<GatewayOrder> OpenOrders(PaperGateway paper) => paper.OpenOrdersAsync().GetAwaiter().GetResult().Value!;

    private static void AwaitWorking(TestKit kit, PaperGateway paper, string signalId, int orders) =>
        kit.AwaitCondition(() => OpenOrders(paper).Count(o => o.ClientOrderId.StartsWith(signalId, StringComparison.Ordinal)) == orders);
}
