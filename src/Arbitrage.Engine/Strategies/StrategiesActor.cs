using Akka.Actor;
using Akka.Cluster.Tools.PublishSubscribe;
using Akka.Event;
using Arbitrage.Core.Strategies;
using Arbitrage.Engine.Supervision;
using Arbitrage.Engine.Symbols;
using Arbitrage.Engine.Topics;

namespace Arbitrage.Engine.Strategies;

/// <summary>How the strategies parent finds and watches its files.</summary>
/// <param name="Directory">The strategies/ directory.</param>
/// <param name="Watch">Hot reload on file changes (off for replays: a replay's config is fixed).</param>
/// <param name="RemovalGrace">How long a running strategy's file must stay missing before the strategy stops (an editor
/// that saves by rename leaves the file missing for a moment); null = 2 s.</param>
public sealed record StrategiesSettings(string Directory, bool Watch = true, TimeSpan? RemovalGrace = null);

/// <summary>
/// <c>/user/strategies</c>: one <see cref="StrategyActor"/> per valid file. Hot reload re-validates a changed
/// file with the same loader as startup; a valid file replaces the running definition, an invalid one is
/// rejected with its errors (file, JSON path, rule) and the old definition keeps running. It subscribes to the indicator
/// and market-input topics once and routes each snapshot to the strategies it applies to. Each strategy runs under a
/// <see cref="BufferingBackoffSupervisor"/>: a journal failure stops it, the snapshots of that time wait, and it comes
/// back when the journal answers, with the definition in force, the latest inputs and the signal whose write failed
/// (<see cref="StrategyDown"/>, <see cref="ResumeStrategy"/>), then takes the snapshots it missed, in order. A deleted (or renamed away) file stops its strategy, which is then no
/// longer listed (<see cref="StrategyFileRemoved"/>).
/// </summary>
public sealed class StrategiesActor : ReceiveActor, IWithTimers
{
    private static readonly TimeSpan ScoreTimeout = TimeSpan.FromSeconds(3);

    private readonly StrategiesSettings _settings;
    private readonly IActorRef _mediator;
    private readonly IActorRef? _riskGuard;
    private readonly ILoggingAdapter _log = Context.GetLogger();
    private readonly Dictionary<string, (StrategyDefinition Definition, string File, IActorRef Actor)> _running = new(StringComparer.Ordinal);
    private readonly HashSet<string> _ready = new(StringComparer.Ordinal);
    private readonly List<IActorRef> _waiting = [];
    private readonly Dictionary<string, string> _down = new(StringComparer.Ordinal);
    private readonly Dictionary<string, List<SignalEmitted>> _unwritten = new(StringComparer.Ordinal);
    private readonly Dictionary<string, MarketInputsUpdated> _inputs = new(StringComparer.Ordinal);
    private int _pendingSubscriptions;
    private readonly Dictionary<IActorRef, string> _stopping = [];
    private readonly Dictionary<string, (StrategyDefinition Definition, string File)> _startAfterStop = new(StringComparer.Ordinal);
    private FileSystemWatcher? _watcher;

    public StrategiesActor(StrategiesSettings settings, IActorRef mediator, IActorRef? riskGuard)
    {
        _settings = settings;
        _mediator = mediator;
        _riskGuard = riskGuard;

        Receive<StrategyReady>(r =>
        {
            _ready.Add(r.StrategyId);
            ReplyIfReady();
        });
        Receive<StrategyDown>(d =>
        {
            _down[d.StrategyId] = d.Reason;
            if (d.Unwritten is { } signal)
            {
                if (!_unwritten.TryGetValue(d.StrategyId, out var list))
                {
                    _unwritten[d.StrategyId] = list = [];
                }

                list.Add(signal);
            }

            _log.Warning(
                "Strategy {0} stopped: {1}; it restarts with backoff when the journal answers{2}",
                d.StrategyId, d.Reason, d.Unwritten is null ? string.Empty : $" and then writes signal {d.Unwritten.SignalId}");
        });
        Receive<StrategyRecovered>(r =>
        {
            if (!_running.TryGetValue(r.StrategyId, out var entry))
            {
                return;
            }

            var unwritten = _unwritten.Remove(r.StrategyId, out var list) ? list : [];
            if (_down.Remove(r.StrategyId))
            {
                _log.Info("Strategy {0} is back ({1} unwritten signal(s) to write)", r.StrategyId, unwritten.Count);
            }

            Sender.Tell(new ResumeStrategy(entry.Definition, unwritten, _inputs.Values.ToArray()));
        });
        Receive<SubscribeAck>(_ =>
        {
            _pendingSubscriptions--;
            ReplyIfReady();
        });
        Receive<IndicatorSnapshot>(snapshot => Route(snapshot.Symbol, snapshot));
        Receive<IndicatorSnapshotBatch>(batch => Route(batch.Symbol, batch));
        Receive<IndicatorStreamEnded>(ended => Route(ended.Symbol, ended));
        Receive<MarketInputsUpdated>(inputs =>
        {
            _inputs[inputs.Symbol] = inputs; // a strategy (re)started later gets the latest at once
            Route(inputs.Symbol, inputs);
        });
        Receive<AwaitStrategiesReady>(_ =>
        {
            _waiting.Add(Sender);
            ReplyIfReady();
        });
        Receive<ReloadStrategyFile>(r => Reload(r.Path));
        Receive<ConfirmStrategyFileRemoved>(r => ConfirmRemoved(r.Path));
        Receive<Terminated>(t =>
        {
            // A removed strategy has finished its journal writes: a file that came back with its id may start it again.
            if (_stopping.Remove(t.ActorRef, out var id) && _startAfterStop.Remove(id, out var next))
            {
                Start(next.Definition, next.File);
            }
        });
        Receive<SetStrategyEnabled>(m =>
        {
            if (!_running.TryGetValue(m.StrategyId, out var entry))
            {
                Sender.Tell(new StrategyNotFound(m.StrategyId));
                return;
            }

            // Until the next edit of the file, which stays the source of truth.
            var changed = entry.Definition.Enabled != m.Enabled;
            if (changed)
            {
                var definition = entry.Definition with { Enabled = m.Enabled };
                entry.Actor.Tell(new ReplaceDefinition(definition));
                _running[m.StrategyId] = entry with { Definition = definition };
                _mediator.Tell(new Publish(EngineTopics.StrategyEvents, new StrategyFileLoaded(entry.File, definition.Id, definition.Version, definition.Enabled)));
            }

            Sender.Tell(new StrategyEnabledSet(m.StrategyId, m.Enabled, changed));
        });
        Receive<GetStrategyScores>(_ =>
        {
            // Each strategy answers after the snapshots already in its mailbox (and its pending journal writes); one that
            // does not answer (stopped after a journal failure) is left out rather than failing the others.
            var asks = _running.Values.Select(v => v.Actor.Ask<StrategyScoreReport>(GetStrategyScore.Instance, ScoreTimeout)
                .ContinueWith(t => t.IsCompletedSuccessfully ? t.Result : null, TaskScheduler.Default)).ToArray();
            Task.WhenAll(asks).PipeTo(
                Sender,
                success: reports => new StrategyScores(reports.OfType<StrategyScoreReport>().OrderBy(r => r.StrategyId, StringComparer.Ordinal).ToArray()));
        });
        Receive<ListStrategies>(_ => Sender.Tell(new StrategyList(_running.Values
            .OrderBy(v => v.Definition.Id, StringComparer.Ordinal)
            .Select(v => new StrategyInfo(
                v.Definition.Id, v.Definition.Version, v.File, v.Definition.Enabled, v.Definition.Threshold, v.Definition.Symbols,
                Running: !_down.ContainsKey(v.Definition.Id), Problem: _down.GetValueOrDefault(v.Definition.Id)))
            .ToArray())));
    }

    public ITimerScheduler Timers { get; set; } = null!;

    public static Props Props(StrategiesSettings settings, IActorRef mediator, IActorRef? riskGuard) =>
        Akka.Actor.Props.Create(() => new StrategiesActor(settings, mediator, riskGuard));

    protected override void PreStart()
    {
        // One subscription for every strategy: a strategy down after a journal failure misses nothing (see Route).
        string[] topics = [EngineTopics.Indicators, EngineTopics.MarketInputs];
        _pendingSubscriptions = topics.Length;
        foreach (var topic in topics)
        {
            _mediator.Tell(new Subscribe(topic, Self));
        }

        var set = StrategyLoader.LoadDirectory(_settings.Directory);
        foreach (var file in set.Errors.GroupBy(e => e.File, StringComparer.Ordinal))
        {
            // Announced like a hot-reload rejection, so operators see a bad file at startup too, not only in the log.
            var errors = file.Select(e => $"{e} [{e.Rule}]").ToArray();
            foreach (var error in errors)
            {
                _log.Error("Strategy file rejected: {0}", error);
            }

            _mediator.Tell(new Publish(EngineTopics.StrategyEvents, new StrategyFileRejected(file.Key, errors)));
        }

        // The loader returns definitions without their files: map ids back to files (first file wins, as in the loader).
        var files = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var file in System.IO.Directory.GetFiles(_settings.Directory, "*.json").Order(StringComparer.Ordinal))
        {
            if (StrategyLoader.Load(file).Definition is { } d)
            {
                files.TryAdd(d.Id, file);
            }
        }

        foreach (var definition in set.Strategies)
        {
            Start(definition, files.GetValueOrDefault(definition.Id) ?? Path.Combine(_settings.Directory, definition.Id + ".json"));
        }

        if (_settings.Watch)
        {
            var self = Self;
            _watcher = new FileSystemWatcher(_settings.Directory, "*.json")
            {
                NotifyFilter = NotifyFilters.LastWrite | NotifyFilters.FileName | NotifyFilters.Size,
            };
            _watcher.Changed += (_, e) => self.Tell(new ReloadStrategyFile(e.FullPath));
            _watcher.Created += (_, e) => self.Tell(new ReloadStrategyFile(e.FullPath));
            _watcher.Deleted += (_, e) => self.Tell(new ReloadStrategyFile(e.FullPath));
            _watcher.Renamed += (_, e) =>
            {
                self.Tell(new ReloadStrategyFile(e.OldFullPath));
                self.Tell(new ReloadStrategyFile(e.FullPath));
            };
            _watcher.EnableRaisingEvents = true;
        }
    }

    protected override void PostStop()
    {
        _watcher?.Dispose();
        base.PostStop();
    }

    private void Start(StrategyDefinition definition, string file)
    {
        if (_stopping.ContainsValue(definition.Id))
        {
            // Its previous actor (same persistence id) is still finishing: start when it has stopped.
            _startAfterStop[definition.Id] = (definition, file);
            return;
        }

        // A persistent actor stops when its journal fails: back off and start it again until the journal answers,
        // keeping what is routed to it meanwhile; a StopStrategy (file deleted) stops it for good.
        var actor = Context.ActorOf(
            BufferingBackoffSupervisor.Props(
                StrategyActor.Props(definition, _mediator, _riskGuard, Self), "strategy", finalStop: m => m is StopStrategy),
            "strategy-" + Uri.EscapeDataString(definition.Id));
        _running[definition.Id] = (definition, file, actor);
        _mediator.Tell(new Publish(EngineTopics.StrategyEvents, new StrategyFileLoaded(file, definition.Id, definition.Version, definition.Enabled)));
    }

    private void Reload(string file)
    {
        if (!File.Exists(file))
        {
            if (_running.Values.Any(v => SameFile(v.File, file)))
            {
                var grace = _settings.RemovalGrace ?? TimeSpan.FromSeconds(2);
                Timers.StartSingleTimer("removed:" + file, new ConfirmStrategyFileRemoved(file), grace);
            }

            return;
        }

        var result = StrategyLoader.Load(file);
        if (result.Definition is not { } definition)
        {
            var errors = result.Errors.Select(e => $"{e} [{e.Rule}]").ToArray();
            _log.Error("Strategy file {0} rejected on reload; the running definition stays: {1}", file, string.Join("; ", errors));
            _mediator.Tell(new Publish(EngineTopics.StrategyEvents, new StrategyFileRejected(file, errors)));
            return;
        }

        var owner = _running.Values.FirstOrDefault(v => v.Definition.Id == definition.Id);
        if (owner.Actor is not null)
        {
            if (!SameFile(owner.File, file) && File.Exists(owner.File))
            {
                var error = $"{file}: $.id: duplicate id \"{definition.Id}\" (already defined in {owner.File}) [{StrategyRules.DuplicateId}]";
                _log.Error("Strategy file rejected on reload: {0}", error);
                _mediator.Tell(new Publish(EngineTopics.StrategyEvents, new StrategyFileRejected(file, [error])));
                return;
            }

            if (owner.Definition == definition)
            {
                return;
            }

            owner.Actor.Tell(new ReplaceDefinition(definition));
            _running[definition.Id] = (definition, file, owner.Actor);
            _mediator.Tell(new Publish(EngineTopics.StrategyEvents, new StrategyFileLoaded(file, definition.Id, definition.Version, definition.Enabled)));
            return;
        }

        Start(definition, file);
    }

    /// <summary>To every running strategy that trades <paramref name="symbol"/>, through its supervisor.</summary>
    private void Route(string symbol, object message)
    {
        foreach (var (definition, _, actor) in _running.Values)
        {
            if (definition.AppliesTo(symbol))
            {
                actor.Tell(message);
            }
        }
    }

    private void ConfirmRemoved(string file)
    {
        if (File.Exists(file))
        {
            return; // Saved again (an editor's rename dance): the change events reload it.
        }

        foreach (var (id, entry) in _running.Where(r => SameFile(r.Value.File, file)).ToList())
        {
            entry.Actor.Tell(StopStrategy.Instance);
            Context.Watch(entry.Actor);
            _stopping[entry.Actor] = id;
            _running.Remove(id);
            _ready.Remove(id);
            _down.Remove(id);
            if (_unwritten.Remove(id, out var unwritten))
            {
                _log.Error("Strategy {0} removed while {1} of its signals waited for the journal; not written: {2}",
                    id, unwritten.Count, string.Join(", ", unwritten.Select(u => u.SignalId)));
            }

            _log.Warning("Strategy file {0} was deleted: strategy {1} (version {2}) stopped and is no longer listed", file, id, entry.Definition.Version);
            _mediator.Tell(new Publish(EngineTopics.StrategyEvents, new StrategyFileRemoved(file, id, entry.Definition.Version)));
        }
    }

    /// <summary>The loader's paths are as configured (maybe relative), the watcher's may be full: compare them resolved.</summary>
    private static bool SameFile(string a, string b) => string.Equals(Path.GetFullPath(a), Path.GetFullPath(b), StringComparison.Ordinal);

    private void ReplyIfReady()
    {
        if (_pendingSubscriptions > 0 || _ready.Count < _running.Count || _waiting.Count == 0)
        {
            return;
        }

        var ids = _running.Keys.Order(StringComparer.Ordinal).ToArray();
        foreach (var w in _waiting)
        {
            w.Tell(new StrategiesReady(ids));
        }

        _waiting.Clear();
    }
}
