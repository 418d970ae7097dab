using System.Collections.Concurrent;
using Akka.Actor;
using Akka.Cluster.Tools.PublishSubscribe;
using Akka.TestKit;
using Arbitrage.Core.Strategies;
using Arbitrage.Engine.Strategies;
using Arbitrage.Engine.Symbols;
using Arbitrage.Engine.Tests.Symbols;
using Arbitrage.Engine.Topics;
using Xunit.Abstractions;

namespace Arbitrage.Engine.Tests.Strategies;

/// <summary>
/// The strategies supervisor over a temp strategies/ directory: invalid files at startup, hot reload of a
/// valid change (observed by behaviour and by ListStrategies), and rejection of an invalid or duplicate file
/// with the old definition still running.
/// </summary>
public sealed class StrategiesActorTests : SqliteTestKit
{
    private const long T0 = 1_778_200_200_000;
    private const long Minute = 60_000;

    private readonly string _dir = Path.Combine(Path.GetTempPath(), "arb-tests", "strategies-" + Guid.NewGuid().ToString("N"));
    private readonly ConcurrentQueue<IActorRef> _subscribers = new();
    private readonly TestProbe _mediator;

    public StrategiesActorTests(ITestOutputHelper output)
        : base(output)
    {
        Directory.CreateDirectory(_dir);
        _mediator = CreateTestProbe();
        var subscribers = _subscribers;
        _mediator.SetAutoPilot(new DelegateAutoPilot((sender, message) =>
        {
            if (message is Subscribe s)
            {
                subscribers.Enqueue(s.Ref);
                sender.Tell(new SubscribeAck(s));
            }

            return AutoPilot.KeepRunning;
        }));
    }

    [Fact]
    public void Invalid_files_at_startup_are_rejected_and_the_valid_ones_run()
    {
        File.WriteAllText(Path.Combine(_dir, "a_good.json"), TradeOnlyStrategy.Json("good"));
        File.WriteAllText(Path.Combine(_dir, "b_weights.json"), TradeOnlyStrategy.Json("weights", weights: "60, 30, 5"));
        File.WriteAllText(Path.Combine(_dir, "c_syntax.json"), "{ \"id\": \"syntax\", ");

        var supervisor = StartSupervisor(expectedIds: ["good"]);

        supervisor.Tell(new ListStrategies());
        var list = ExpectMsg<StrategyList>();
        var info = Assert.Single(list.Strategies);
        Assert.Equal(("good", "1", Path.Combine(_dir, "a_good.json")), (info.Id, info.Version, info.File));

        // Every file is announced on strategy-events: loaded with its real file, rejected with file, JSON path, rule.
        var events = new List<object>();
        _mediator.FishForMessage<Publish>(p =>
        {
            if (p.Topic == EngineTopics.StrategyEvents)
            {
                events.Add(p.Message);
            }

            return events.Count == 3;
        });
        var loaded = Assert.Single(events.OfType<StrategyFileLoaded>());
        Assert.Equal((Path.Combine(_dir, "a_good.json"), "good", "1"), (loaded.File, loaded.StrategyId, loaded.Version));
        var rejected = events.OfType<StrategyFileRejected>().OrderBy(r => r.File, StringComparer.Ordinal).ToArray();
        Assert.Equal(2, rejected.Length);
        Assert.Equal(Path.Combine(_dir, "b_weights.json"), rejected[0].File);
        Assert.Contains(rejected[0].Errors, e => e.Contains("$.signals", StringComparison.Ordinal) && e.Contains("[weights-sum]", StringComparison.Ordinal));
        Assert.Equal(Path.Combine(_dir, "c_syntax.json"), rejected[1].File);
        Assert.Contains(rejected[1].Errors, e => e.Contains("[json-syntax]", StringComparison.Ordinal));
    }

    [Fact]
    public void A_valid_changed_file_replaces_the_definition_and_an_invalid_one_leaves_it_running()
    {
        var file = Path.Combine(_dir, "trade_only.json");
        File.WriteAllText(file, TradeOnlyStrategy.Json(threshold: 50, version: "1"));
        var supervisor = StartSupervisor(expectedIds: ["trade_only"]);
        var strategy = Assert.Single(_subscribers.Distinct());

        strategy.Tell(Snapshot(T0, strong: false)); // ≈ 60 ≥ 50
        Assert.Equal((T0, "1"), Version(NextSignal()));

        // Raise the threshold to 90: the ≈ 60 tick no longer emits, a ≈ 100 one does, with the new version.
        File.WriteAllText(file, TradeOnlyStrategy.Json(threshold: 90, version: "2"));
        supervisor.Tell(new ReloadStrategyFile(file));
        var loaded = FishLoaded();
        Assert.Equal((file, "trade_only", "2"), (loaded.File, loaded.StrategyId, loaded.Version));
        AssertRunning(supervisor, "2", 90);
        strategy.Tell(Snapshot(T0 + (10 * Minute), strong: false));
        strategy.Tell(Snapshot(T0 + (10 * Minute) + 15_000, strong: true));
        Assert.Equal((T0 + (10 * Minute) + 15_000, "2"), Version(NextSignal()));

        // An invalid edit of the same file is rejected with file, path and rule; version 2 keeps running.
        File.WriteAllText(file, TradeOnlyStrategy.Json(threshold: 10, version: "3", weights: "60, 30, 20"));
        supervisor.Tell(new ReloadStrategyFile(file));
        var rejected = FishRejected();
        Assert.Equal(file, rejected.File);
        Assert.Contains(rejected.Errors, e => e.StartsWith(file + ": $.signals", StringComparison.Ordinal) && e.EndsWith("[weights-sum]", StringComparison.Ordinal));

        // A second file claiming the same id is rejected too.
        var duplicate = Path.Combine(_dir, "copy.json");
        File.WriteAllText(duplicate, TradeOnlyStrategy.Json(threshold: 10, version: "4"));
        supervisor.Tell(new ReloadStrategyFile(duplicate));
        var duplicateRejected = FishRejected();
        Assert.Equal(duplicate, duplicateRejected.File);
        Assert.Contains(duplicateRejected.Errors, e => e.Contains("$.id", StringComparison.Ordinal) && e.EndsWith("[duplicate-id]", StringComparison.Ordinal));

        AssertRunning(supervisor, "2", 90);
        strategy.Tell(Snapshot(T0 + (25 * Minute), strong: false));
        strategy.Tell(Snapshot(T0 + (25 * Minute) + 15_000, strong: true));
        Assert.Equal((T0 + (25 * Minute) + 15_000, "2"), Version(NextSignal()));
    }

    [Fact]
    public void Each_strategy_reports_its_signals_best_score_and_missing_inputs_and_a_new_definition_starts_over()
    {
        var file = Path.Combine(_dir, "a_trade_only.json");
        File.WriteAllText(file, TradeOnlyStrategy.Json(threshold: 50, version: "1"));
        File.Copy(Path.Combine(Arbitrage.Testing.RepoPaths.Strategies, "v51_baseline.json"), Path.Combine(_dir, "b_v51.json"));
        var supervisor = StartSupervisor(expectedIds: ["trade_only", "v51_baseline"]);
        foreach (var strategy in _subscribers.Distinct())
        {
            strategy.Tell(Snapshot(T0, strong: false));       // trade_only ≈ 60: emits; v51: cvd 30 only
            strategy.Tell(Snapshot(T0 + 15_000, strong: true)); // everything trades give: v51 reaches 55
        }

        supervisor.Tell(GetStrategyScores.Instance);
        var scores = ExpectMsg<StrategyScores>().Strategies;
        Assert.Equal(["trade_only", "v51_baseline"], scores.Select(r => r.StrategyId));
        var tradeOnly = scores[0];
        Assert.Equal((2L, 1L, 100.0), (tradeOnly.Ticks, tradeOnly.Signals, Math.Round(tradeOnly.BestScore!.Value, 9)));
        Assert.Empty(tradeOnly.MissingEveryTick);
        var v51 = scores[1];
        Assert.Equal((2L, 0L, 55.0, T0 + 15_000), (v51.Ticks, v51.Signals, Math.Round(v51.BestScore!.Value, 9), v51.BestTimeMs));
        Assert.Equal(["ls_ratio", "oi", "coinbase_premium"], v51.MissingEveryTick.Select(m => m.Name));
        Assert.Equal(55, v51.MaxReachable, 9);

        // A reloaded definition (other threshold) starts a new watch.
        File.WriteAllText(file, TradeOnlyStrategy.Json(threshold: 90, version: "2"));
        supervisor.Tell(new ReloadStrategyFile(file));
        FishLoaded();
        supervisor.Tell(GetStrategyScores.Instance);
        var reloaded = ExpectMsg<StrategyScores>().Strategies[0];
        Assert.Equal((0L, 0L, (double?)null, 90.0), (reloaded.Ticks, reloaded.Signals, reloaded.BestScore, reloaded.Threshold));
    }

    [Fact]
    public void The_directory_watcher_hot_reloads_a_changed_file()
    {
        var file = Path.Combine(_dir, "watched.json");
        File.WriteAllText(file, TradeOnlyStrategy.Json("watched", threshold: 50, version: "1"));
        var supervisor = StartSupervisor(expectedIds: ["watched"], watch: true);

        File.WriteAllText(file, TradeOnlyStrategy.Json("watched", threshold: 90, version: "2"));
        var loaded = FishLoaded(TimeSpan.FromSeconds(20));
        Assert.Equal(("watched", "2"), (loaded.StrategyId, loaded.Version));
        AssertRunning(supervisor, "2", 90);
    }

    [Fact]
    public void A_deleted_file_stops_its_strategy_says_so_and_a_file_that_comes_back_starts_it_again()
    {
        var kept = Path.Combine(_dir, "a_kept.json");
        var file = Path.Combine(_dir, "b_removed.json");
        File.WriteAllText(kept, TradeOnlyStrategy.Json("kept", threshold: 50));
        File.WriteAllText(file, TradeOnlyStrategy.Json("removed", threshold: 50, version: "1"));
        var supervisor = StartSupervisor(expectedIds: ["kept", "removed"], grace: TimeSpan.Zero);
        var actors = RunningActors(supervisor, count: 2);

        File.Delete(file);
        supervisor.Tell(new ReloadStrategyFile(file));
        var removed = (StrategyFileRemoved)_mediator.FishForMessage<Publish>(p => p.Message is StrategyFileRemoved).Message;
        Assert.Equal((file, "removed", "1"), (removed.File, removed.StrategyId, removed.Version));

        // Stopped, no longer listed, and an operator command on it finds nothing; the other strategy runs on.
        Watch(actors["removed"]);
        ExpectTerminated(actors["removed"]);
        supervisor.Tell(new ListStrategies());
        Assert.Equal(["kept"], ExpectMsg<StrategyList>().Strategies.Select(s => s.Id));
        supervisor.Tell(new SetStrategyEnabled("removed", false));
        ExpectMsg<StrategyNotFound>();

        // The file is back: the strategy runs again (recovered from its journal, under the same persistence id).
        File.WriteAllText(file, TradeOnlyStrategy.Json("removed", threshold: 50, version: "2"));
        supervisor.Tell(new ReloadStrategyFile(file));
        var back = FishLoaded();
        Assert.Equal(("removed", "2"), (back.StrategyId, back.Version));
        supervisor.Tell(new ListStrategies());
        Assert.Equal(["kept", "removed"], ExpectMsg<StrategyList>().Strategies.Select(s => s.Id));
    }

    [Fact]
    public void The_directory_watcher_stops_the_strategy_of_a_deleted_file()
    {
        var file = Path.Combine(_dir, "watched.json");
        File.WriteAllText(file, TradeOnlyStrategy.Json("watched", threshold: 50, version: "1"));
        var supervisor = StartSupervisor(expectedIds: ["watched"], watch: true, grace: TimeSpan.FromMilliseconds(200));

        File.Delete(file);
        var removed = (StrategyFileRemoved)_mediator.FishForMessage<Publish>(p => p.Message is StrategyFileRemoved, TimeSpan.FromSeconds(20)).Message;
        Assert.Equal(("watched", file), (removed.StrategyId, removed.File));
        supervisor.Tell(new ListStrategies());
        Assert.Empty(ExpectMsg<StrategyList>().Strategies);
    }

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        if (disposing)
        {
            try
            {
                Directory.Delete(_dir, recursive: true);
            }
            catch (IOException)
            {
                // A temp directory.
            }
        }
    }

    private static IndicatorSnapshot Snapshot(long timeMs, bool strong) => new("BTCUSDT", TradeOnlyStrategy.Tick(timeMs, +1, strong: strong));

    private static (long TimeMs, string Version) Version(SignalEmitted s) => (s.TimeMs, s.StrategyVersion);

    private IActorRef StartSupervisor(string[] expectedIds, bool watch = false, TimeSpan? grace = null)
    {
        var supervisor = Sys.ActorOf(StrategiesActor.Props(new StrategiesSettings(_dir, Watch: watch, RemovalGrace: grace), _mediator, riskGuard: null), "strategies");
        supervisor.Tell(new AwaitStrategiesReady());
        Assert.Equal(expectedIds, ExpectMsg<StrategiesReady>().StrategyIds);
        return supervisor;
    }

    /// <summary>
    /// The running strategy actors by id: each runs under its buffering supervisor (strategies/strategy-{id}/strategy)
    /// and answers its score report with its id.
    /// </summary>
    private Dictionary<string, IActorRef> RunningActors(IActorRef supervisor, int count)
    {
        Sys.ActorSelection(supervisor.Path / "*" / "strategy").Tell(GetStrategyScore.Instance, TestActor);
        var actors = new Dictionary<string, IActorRef>(StringComparer.Ordinal);
        for (var i = 0; i < count; i++)
        {
            actors[ExpectMsg<Arbitrage.Core.Strategies.StrategyScoreReport>().StrategyId] = LastSender;
        }

        return actors;
    }

    private void AssertRunning(IActorRef supervisor, string version, double threshold)
    {
        supervisor.Tell(new ListStrategies());
        var info = Assert.Single(ExpectMsg<StrategyList>().Strategies);
        Assert.Equal((version, threshold), (info.Version, info.Threshold));
    }

    private SignalEmitted NextSignal() =>
        (SignalEmitted)_mediator.FishForMessage<Publish>(p => p.Topic == EngineTopics.Signals).Message;

    private StrategyFileRejected FishRejected() =>
        (StrategyFileRejected)_mediator.FishForMessage<Publish>(p => p.Message is StrategyFileRejected).Message;

    private StrategyFileLoaded FishLoaded(TimeSpan? max = null) =>
        (StrategyFileLoaded)_mediator.FishForMessage<Publish>(p => p.Message is StrategyFileLoaded { Version: not "1" }, max).Message;
}
