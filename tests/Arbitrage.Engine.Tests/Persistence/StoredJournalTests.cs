using System.Text;
using System.Text.Json;
using Akka.Actor;
using Akka.Cluster.Tools.PublishSubscribe;
using Akka.Configuration;
using Akka.Persistence;
using Akka.Persistence.Journal;
using Akka.Serialization;
using Akka.TestKit;
using Arbitrage.Core.Execution;
using Arbitrage.Core.Risk;
using Arbitrage.Core.Strategies;
using Arbitrage.Engine.Execution;
using Arbitrage.Engine.Execution.Paper;
using Arbitrage.Engine.Risk;
using Arbitrage.Engine.Serialization;
using Arbitrage.Engine.Strategies;
using Arbitrage.Engine.Symbols;
using Arbitrage.Engine.Tests.Strategies;
using Arbitrage.Engine.Tests.Symbols;
using Arbitrage.Engine.Topics;
using Arbitrage.Testing;
using Xunit.Abstractions;

namespace Arbitrage.Engine.Tests.Persistence;

/// <summary>
/// Issue 14, item 3: moving the execution domain to Core (its own enums instead of Binance's and of strings) changed no
/// stored byte. Rows written by the version before (<c>Stored/journal-before-issue-14.jsonl</c>, see its README) read and
/// write back identically, and a journal of them recovers the risk guard, the executor, the paper venue and a strategy.
/// </summary>
public sealed class StoredJournalTests(ITestOutputHelper output) : SqliteTestKit(output)
{
    private const long T0 = 1_778_198_400_000;

    private static readonly IReadOnlyList<StoredRow> Rows = File.ReadAllLines(
            Path.Combine(RepoPaths.Root, "tests", "Arbitrage.Engine.Tests", "Persistence", "Stored", "journal-before-issue-14.jsonl"))
        .Where(l => l.Length > 0)
        .Select(l => JsonSerializer.Deserialize<StoredRow>(l, PersistedMessageSerializer.Json)!)
        .ToArray();

    [Fact]
    public void Every_row_of_the_previous_version_reads_and_writes_back_byte_for_byte()
    {
        var serializer = new PersistedMessageSerializer((ExtendedActorSystem)Sys, new ManifestRegistry());
        Assert.Equal(56, Rows.Count);
        foreach (var row in Rows)
        {
            var value = serializer.FromBinary(Encoding.UTF8.GetBytes(row.Payload), row.Manifest);
            Assert.Equal(row.Manifest, serializer.Manifest(value));
            Assert.Equal(row.Payload, Encoding.UTF8.GetString(serializer.ToBinary(value)));
        }

        var read = Rows.Select(r => serializer.FromBinary(Encoding.UTF8.GetBytes(r.Payload), r.Manifest)).ToArray();
        Assert.Equal([Direction.Short, Direction.Long, Direction.Short, Direction.Long], read.OfType<SignalEmitted>().Select(s => s.Direction));
        Assert.Equal([RejectCode.SymbolBusy, RejectCode.SizeBelowMinQty], read.OfType<SignalRejected>().Select(r => r.Code));
        Assert.Equal(DifferenceKind.PositionMismatch, Assert.Single(read.OfType<ReconciliationDifference>()).Kind);
        Assert.Equal(ExecutionAlertKind.ProtectionMissing, Assert.Single(read.OfType<ExecutionAlertRaised>()).Kind);
        Assert.Equal([Direction.Short, Direction.Long], read.OfType<TradePlanned>().Select(p => p.Side));
        Assert.Contains(read.OfType<OrderIntent>(), i => (i.Side, i.Type) == (Side.Buy, OrderType.StopMarket));
        Assert.Contains(read.OfType<OrderIntent>(), i => (i.Side, i.Type) == (Side.Sell, OrderType.TakeProfitMarket));
        Assert.Contains(read.OfType<PaperOrderAccepted>(), a => (a.Side, a.Type) == (Side.Sell, OrderType.StopMarket));
        var snapshot = Assert.Single(read.OfType<PaperVenueSnapshot>());
        Assert.Contains(snapshot.Orders, o => (o.Side, o.Type, o.Status) == (Side.Buy, OrderType.Market, GatewayOrderStatus.Filled));
    }

    [Fact]
    public async Task A_journal_written_by_the_previous_version_recovers_the_guard_the_executor_the_paper_venue_and_a_strategy()
    {
        await WriteAsThePreviousVersionDid();

        var events = CreateTestProbe();
        var paper = new PaperGateway(new PaperGatewaySettings(1_000m, 0.0004m, 0m, "paper-exchange-old"));
        var settings = new RiskGuardSettings(new RiskParameters(), Execution.ExecutionTestData.Settings("executor-old"), "risk-guard-old", AssumeConnected: true);
        var guard = Sys.ActorOf(RiskGuardActor.Props(settings, paper, events.Ref), "risk-guard");

        // The executor's open BTC long (TP1 taken, break-even stop) meets the venue's snapshot and later event: its TP2 and
        // break-even stop were never at this venue (sent again), the venue's old stop is an orphan, positions differ.
        var differences = new List<string>();
        var ready = Assert.IsType<ExecutorReady>(events.FishForMessage<object>(m =>
        {
            if (m is ReconciliationDifference d) differences.Add(d.Kind.Code());
            return m is ExecutorReady;
        }));
        Assert.Equal((1, 4), (ready.OpenTrades, ready.Differences));
        Assert.Equal(["intent_resent", "intent_resent", "orphan_order", "position_mismatch"], differences.Order());

        var executor = AskOf<ExecutorStatus>(await Sys.ActorSelection(guard.Path / "executor").ResolveOne(TimeSpan.FromSeconds(5)), new GetExecutorStatus()).State;
        var trade = Assert.Single(executor.Trades.Values);
        Assert.Equal(("v51-BTCUSDT-L-1778199300000", Direction.Long, 1m, 0.5m), (trade.Plan.SignalId, trade.Plan.Side, trade.EntryQuantity, trade.OpenQuantity));
        Assert.Equal(1, executor.TradesClosed);
        Assert.Equal(4, executor.SeenSignals.Count);
        var tp2 = executor.Orders["v51-BTCUSDT-L-1778199300000-2"].Intent;
        Assert.Equal((Side.Sell, OrderType.TakeProfitMarket, 0.5m, 104m), (tp2.Side, tp2.Type, tp2.Quantity, tp2.StopPrice!.Value));

        var risk = AskOf<RiskStatus>(guard, new GetRiskStatus());
        Assert.Equal((3, 1, -1.0866m, true), (risk.State.Parameters.MaxConsecutiveLosses, risk.State.ConsecutiveLosses, risk.State.DailyRealisedR, risk.TradingEnabled));
        Assert.Null(risk.State.KillSwitch);
        Assert.Empty(risk.State.Breakers);
        Assert.Equal(T0 + 901_000, risk.State.HoldAlerted["BTCUSDT"]);
        Assert.Equal(T0 + 901_000 + (45 * 60_000), risk.NowMs);

        var account = await paper.AccountAsync();
        Assert.Equal(999.96m, account.BalanceUsd);
        Assert.Equal([new GatewayPosition("BTCUSDT", 1m, 100m)], account.Positions);
        Assert.Equal(GatewayOrderStatus.Canceled, account.Orders.Single(o => o.ClientOrderId == "v51-BTCUSDT-L-1778199300000-1").Status);

        // The strategy's cooldowns come back from signals whose direction was text: inside them nothing is emitted.
        var mediator = CreateTestProbe();
        mediator.SetAutoPilot(new DelegateAutoPilot((sender, message) =>
        {
            if (message is Subscribe s) sender.Tell(new SubscribeAck(s));
            return AutoPilot.KeepRunning;
        }));
        var strategy = Sys.ActorOf(StrategyActor.Props(TradeOnlyStrategy.Definition("trade_only_old"), mediator, null));
        mediator.FishForMessage<Subscribe>(s => s.Topic == EngineTopics.Indicators);
        strategy.Tell(new IndicatorSnapshot("ETHUSDT", TradeOnlyStrategy.Tick(T0 + 585_000, -1)));        // 9 m 45 s after the ETH short
        strategy.Tell(new IndicatorSnapshot("BTCUSDT", TradeOnlyStrategy.Tick(T0 + 1_485_000, +1)));      // 9 m 45 s after the BTC long
        strategy.Tell(new IndicatorSnapshot("BTCUSDT", TradeOnlyStrategy.Tick(T0 + 1_500_000, +1)));      // 10 minutes after: emits
        var emitted = Assert.IsType<SignalEmitted>(mediator.FishForMessage<Publish>(p => p.Topic == EngineTopics.Signals).Message);
        Assert.Equal(("BTCUSDT", Direction.Long, T0 + 1_500_000), (emitted.Symbol, emitted.Direction, emitted.TimeMs));
    }

    /// <summary>
    /// Writes the rows through the SQL journal and snapshot store of a second actor system whose persisted-message serializer
    /// (same id, 4711) stores each row's manifest and bytes as they are: the database then holds what the previous version wrote.
    /// </summary>
    private async Task WriteAsThePreviousVersionDid()
    {
        var raw = ConfigurationFactory.ParseString($$"""
            akka.actor {
              serializers.arbitrage-json = "{{typeof(StoredRowSerializer).AssemblyQualifiedName}}"
              serialization-bindings { "{{typeof(StoredRow).AssemblyQualifiedName}}" = arbitrage-json }
            }
            """).WithFallback(Config);
        var writer = ActorSystem.Create("previous-version", raw);
        try
        {
            foreach (var stream in Rows.GroupBy(r => r.PersistenceId))
            {
                var actor = writer.ActorOf(Props.Create(() => new RowWriter(stream.Key)));
                foreach (var row in stream)
                {
                    Assert.Equal(row.SequenceNr, await actor.Ask<long>(row, TimeSpan.FromSeconds(10)));
                }
            }
        }
        finally
        {
            await writer.Terminate();
        }
    }

    private T AskOf<T>(IActorRef target, object message)
    {
        var probe = CreateTestProbe();
        target.Tell(message, probe.Ref);
        return probe.ExpectMsg<T>();
    }

    /// <summary>A row of the stored file; as a message, the thing to write.</summary>
    public sealed record StoredRow(string Kind, string PersistenceId, long SequenceNr, string Manifest, string Payload);

    /// <summary>Stores a <see cref="StoredRow"/>'s payload under its manifest, as the previous version's serializer did (id 4711).</summary>
    public sealed class StoredRowSerializer(ExtendedActorSystem system) : SerializerWithStringManifest(system)
    {
        public override int Identifier => PersistedMessageSerializer.Id;

        public override string Manifest(object o) => ((StoredRow)o).Manifest;

        public override byte[] ToBinary(object obj) => Encoding.UTF8.GetBytes(((StoredRow)obj).Payload);

        public override object FromBinary(byte[] bytes, string manifest) => new StoredRow("event", "", 0, manifest, Encoding.UTF8.GetString(bytes));
    }

    /// <summary>Writes one persistence id's rows in order: events as events (tagged as their writer tagged them), snapshots at their sequence number.</summary>
    private sealed class RowWriter : ReceivePersistentActor
    {
        private IActorRef? _awaitingSnapshot;

        public RowWriter(string persistenceId)
        {
            PersistenceId = persistenceId;
            Command<StoredRow>(row =>
            {
                var replyTo = Sender;
                if (row.Kind == "snapshot")
                {
                    _awaitingSnapshot = replyTo;
                    SaveSnapshot(row);
                    return;
                }

                object stored = Tag(persistenceId) is { } tag ? new Tagged(row, [tag]) : row;
                Persist(stored, _ => replyTo.Tell(LastSequenceNr));
            });
            Command<SaveSnapshotSuccess>(s => _awaitingSnapshot?.Tell(s.Metadata.SequenceNr));
        }

        public override string PersistenceId { get; }

        private static string? Tag(string persistenceId) =>
            persistenceId.StartsWith("executor", StringComparison.Ordinal) ? ExecutorActor.OrderTag
            : persistenceId.StartsWith("risk-guard", StringComparison.Ordinal) ? RiskGuardActor.RiskTag
            : persistenceId.StartsWith("strategy-", StringComparison.Ordinal) ? StrategyActor.SignalTag
            : null;
    }
}
