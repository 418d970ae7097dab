using Akka.Actor;
using Akka.Cluster.Tools.PublishSubscribe;
using Akka.Event;
using Arbitrage.Core.Risk;
using Arbitrage.Core.Strategies;
using Arbitrage.Core.Triangles;
using Arbitrage.Engine.Risk;
using Arbitrage.Engine.Triangles;

namespace Arbitrage.Node.Triangles;

/// <summary>How the keeper finds its configs and what it gives the detectors.</summary>
/// <param name="Directory">The <c>strategies/triangles</c> folder.</param>
/// <param name="AccountFee">The fee that replaces <c>"account"</c> on a venue (null: unknown there, such a config is rejected).</param>
/// <param name="Resend">How often every venue's configs are sent again.</param>
/// <param name="Watch">Hot reload on file changes.</param>
/// <param name="RemovalGrace">How long a file must stay missing before its config stops (an editor that saves by rename).</param>
/// <param name="PairsRefresh">How often the venues' pairs are read again (listings and delistings).</param>
public sealed record TriangleKeeperSettings(
    string Directory, Func<string, double?> AccountFee, TimeSpan Resend, bool Watch = true, TimeSpan? RemovalGrace = null, TimeSpan? PairsRefresh = null);

/// <summary>
/// The node's side of the triangle detectors (ARCHITECTURE §7): loads <c>strategies/triangles/*.json</c>, reads each
/// venue's trading pairs (<see cref="ITriangleVenuePairs"/>), and sends each venue's entity in the <c>triangle</c> shard
/// region its <see cref="ConfigureTriangles"/>, again every <see cref="TriangleKeeperSettings.Resend"/> (idempotent: a
/// moved or restarted entity gets its configs back, a running one keeps its state). Hot reload as the strategy files: a
/// changed valid file reconfigures its venue; an invalid one is rejected with its errors (file, JSON path, rule) and
/// the config in force stays; a deleted one stops its config. A cluster singleton: one source of configs.
/// </summary>
public sealed class TriangleKeeper : ReceiveActor, IWithTimers
{
    /// <summary>A config with <c>"taker_fee": "account"</c> on a venue whose account rate this node does not have.</summary>
    public const string AccountFeeRule = "account-fee";

    private readonly TriangleKeeperSettings _settings;
    private readonly IActorRef _region;
    private readonly ITriangleVenuePairs? _venues;
    private readonly ILoggingAdapter _log = Context.GetLogger();
    private readonly SortedDictionary<string, TriangleConfig> _files = new(StringComparer.Ordinal);
    private readonly Dictionary<string, IReadOnlyList<string>> _pairs = new(StringComparer.Ordinal);
    private readonly HashSet<string> _loadingPairs = new(StringComparer.Ordinal);
    private readonly HashSet<string> _sentVenues = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> _reported = new(StringComparer.Ordinal);
    private readonly IActorRef? _mediator;
    private readonly IActorRef? _riskGuard;
    private FileSystemWatcher? _watcher;

    // The risk guard's kill switch as last known; null until the guard answered (then no venue may start an attempt).
    private bool? _killSwitch;

    /// <param name="mediator">The pub-sub mediator whose <c>risk</c> topic carries the kill switch (null: no risk guard to follow).</param>
    /// <param name="riskGuard">Asked for the kill switch at start (null: trading is never stopped from here).</param>
    public TriangleKeeper(TriangleKeeperSettings settings, IActorRef region, ITriangleVenuePairs? venues, IActorRef? mediator = null, IActorRef? riskGuard = null)
    {
        _settings = settings;
        _region = region;
        _venues = venues;
        _mediator = mediator;
        _riskGuard = riskGuard;
        if (riskGuard is null) _killSwitch = false;

        Receive<Resend>(_ => SendAll());
        Receive<RefreshPairs>(_ =>
        {
            foreach (var venue in Venues()) LoadPairs(venue);
        });
        Receive<PairsLoaded>(m =>
        {
            _loadingPairs.Remove(m.Venue);
            var pairs = m.Pairs ?? [];
            var changed = !_pairs.TryGetValue(m.Venue, out var old) || !old.SequenceEqual(pairs, StringComparer.Ordinal);
            _pairs[m.Venue] = pairs;
            if (m.Pairs is null) _log.Warning("Triangles {0}: this node has no exchange info for the venue: its configs run without a live feed", m.Venue);
            if (changed) Send(m.Venue);
        });
        Receive<PairsFailed>(m =>
        {
            _loadingPairs.Remove(m.Venue);
            _log.Warning("Triangles {0}: the venue's pairs could not be read ({1}); retrying", m.Venue, m.Error);
        });
        Receive<TrianglesConfigured>(m =>
        {
            var summary = $"{string.Join(", ", m.ConfigIds)} ({m.Cycles} cycles)";
            if (_reported.TryGetValue(m.Venue, out var last) && last == summary) return;
            _reported[m.Venue] = summary;
            _log.Info("Triangles {0}: running {1}", m.Venue, m.ConfigIds.Count == 0 ? "no config" : summary);
        });
        Receive<Status.Failure>(f =>
        {
            var key = "failure:" + f.Cause.Message;
            if (_reported.TryGetValue(key, out _)) return;
            _reported[key] = key;
            _log.Error("Triangles: a detector refused its configuration: {0}", f.Cause.Message);
        });
        Receive<RiskStatus>(m => SetKillSwitch(m.State.KillSwitch is not null, "the risk guard's state"));
        Receive<RiskStatusFailed>(m =>
        {
            _log.Warning("Triangles: the risk guard did not answer ({0}); no attempt starts until it does", m.Error);
            Timers.StartSingleTimer("risk-status", new AskRiskStatus(), TimeSpan.FromSeconds(5));
        });
        Receive<AskRiskStatus>(_ => AskRisk());
        Receive<KillSwitchEngaged>(m => SetKillSwitch(true, $"kill switch by {m.By}: {m.Reason}"));
        Receive<KillSwitchReleased>(m => SetKillSwitch(false, $"kill switch released by {m.By}"));
        Receive<SubscribeAck>(_ => { });
        Receive<TriangleTradingSet>(_ => { });
        Receive<SetTriangleConfigEnabled>(m =>
        {
            var entry = _files.FirstOrDefault(f => f.Value.Id == m.ConfigId);
            if (entry.Key is null)
            {
                Sender.Tell(new TriangleConfigNotFound(m.ConfigId));
                return;
            }

            var config = entry.Value;
            var changed = config.Enabled != m.Enabled;
            if (changed)
            {
                _files[entry.Key] = config with { Enabled = m.Enabled };
                _log.Warning("Triangle config {0} on {1} {2} by an operator (until its file changes)", config.Id, config.Venue, m.Enabled ? "enabled" : "disabled");
                Send(config.Venue);
            }

            Sender.Tell(new TriangleConfigEnabledSet(config.Id, config.Venue, m.Enabled, changed));
        });
        Receive<ReloadFile>(m => Reload(m.Path));
        Receive<ConfirmRemoved>(m => ConfirmRemove(m.Path));
        ReceiveAny(_ => { }); // the risk topic's other messages: the guard's events, the executor's readiness
    }

    public ITimerScheduler Timers { get; set; } = null!;

    public static Props Props(TriangleKeeperSettings settings, IActorRef region, ITriangleVenuePairs? venues, IActorRef? mediator = null, IActorRef? riskGuard = null) =>
        Akka.Actor.Props.Create(() => new TriangleKeeper(settings, region, venues, mediator, riskGuard));

    protected override void PreStart()
    {
        if (Directory.Exists(_settings.Directory))
        {
            foreach (var file in Directory.GetFiles(_settings.Directory, "*.json").Order(StringComparer.Ordinal))
            {
                if (Accept(file, out var errors) is { } config)
                {
                    _files[Full(file)] = config;
                    Loaded(file, config);
                }
                else
                {
                    Rejected(file, errors, "rejected");
                }
            }

            if (_settings.Watch) Watch();
        }

        _log.Info("Triangles: {0} config(s) from {1}", _files.Count, Path.GetFullPath(_settings.Directory));
        if (_riskGuard is not null)
        {
            _mediator?.Tell(new Subscribe(RiskTopics.Risk, Self));
            AskRisk();
        }

        foreach (var venue in Venues()) LoadPairs(venue);
        Self.Tell(new Resend());
        Timers.StartPeriodicTimer("resend", new Resend(), _settings.Resend);
        Timers.StartPeriodicTimer("pairs", new RefreshPairs(), _settings.PairsRefresh ?? TimeSpan.FromMinutes(10));
    }

    protected override void PostStop()
    {
        _watcher?.Dispose();
        base.PostStop();
    }

    private void Watch()
    {
        var self = Self;
        _watcher = new FileSystemWatcher(_settings.Directory, "*.json")
        {
            NotifyFilter = NotifyFilters.LastWrite | NotifyFilters.FileName | NotifyFilters.Size,
        };
        _watcher.Changed += (_, e) => self.Tell(new ReloadFile(e.FullPath));
        _watcher.Created += (_, e) => self.Tell(new ReloadFile(e.FullPath));
        _watcher.Deleted += (_, e) => self.Tell(new ReloadFile(e.FullPath));
        _watcher.Renamed += (_, e) =>
        {
            self.Tell(new ReloadFile(e.OldFullPath));
            self.Tell(new ReloadFile(e.FullPath));
        };
        _watcher.EnableRaisingEvents = true;
    }

    /// <summary>The file's config when it is valid, its id unused by another file and its fee available; else the errors.</summary>
    private TriangleConfig? Accept(string file, out IReadOnlyList<string> errors)
    {
        string json;
        try
        {
            json = File.ReadAllText(file);
        }
        catch (IOException e)
        {
            errors = [$"{file}: cannot be read: {e.Message}"];
            return null;
        }

        var result = TriangleConfigLoader.LoadText(file, json);
        if (result.Config is not { } config)
        {
            errors = result.Errors.Select(e => $"{e} [{e.Rule}]").ToArray();
            return null;
        }

        var full = Full(file);
        var owner = _files.FirstOrDefault(f => f.Value.Id == config.Id && f.Key != full);
        if (owner.Key is not null && File.Exists(owner.Key))
        {
            errors = [$"{file}: $.id: duplicate id \"{config.Id}\" (already defined in {owner.Key}) [{StrategyRules.DuplicateId}]"];
            return null;
        }

        if (config.Enabled && config.TakerFeeFromAccount && _settings.AccountFee(config.Venue) is null)
        {
            errors = [$"{file}: $.taker_fee: \"account\" needs the {config.Venue} account's commission rate, which this node does not have " +
                      $"(live mode reads binance-spot's at start when a config uses it; restart the node, or write the fee) [{AccountFeeRule}]"];
            return null;
        }

        errors = [];
        return config;
    }

    private void Reload(string file)
    {
        var full = Full(file);
        if (!File.Exists(file))
        {
            if (_files.ContainsKey(full)) Timers.StartSingleTimer("removed:" + full, new ConfirmRemoved(full), _settings.RemovalGrace ?? TimeSpan.FromSeconds(2));
            return;
        }

        if (Accept(file, out var errors) is not { } config)
        {
            Rejected(file, errors, _files.ContainsKey(full) ? "rejected on reload; the config in force stays" : "rejected on reload");
            return;
        }

        if (_files.TryGetValue(full, out var old) && Same(old, config)) return;
        _files[full] = config;
        Loaded(file, config);
        if (old is not null && old.Venue != config.Venue) Send(old.Venue);
        if (!_pairs.ContainsKey(config.Venue)) LoadPairs(config.Venue);
        Send(config.Venue);
    }

    private void ConfirmRemove(string full)
    {
        if (File.Exists(full) || !_files.Remove(full, out var config)) return;
        _log.Warning("Triangle config file {0} was deleted: {1} stopped on {2}", full, config.Id, config.Venue);
        Send(config.Venue);
    }

    private void Loaded(string file, TriangleConfig config)
    {
        var fee = config.TakerFee is { } own
            ? own.ToString(System.Globalization.CultureInfo.InvariantCulture)
            : $"{_settings.AccountFee(config.Venue)?.ToString("R", System.Globalization.CultureInfo.InvariantCulture)} (account)";
        _log.Info("Triangle config {0} loaded: {1} on {2}, taker fee {3}{4}", file, config.Id, config.Venue, fee, config.Enabled ? "" : " (disabled)");
    }

    private void Rejected(string file, IReadOnlyList<string> errors, string what)
    {
        foreach (var error in errors)
        {
            _log.Error("Triangle config file {0} {1}: {2}", file, what, error);
        }
    }

    private IEnumerable<string> Venues() => _files.Values.Select(c => c.Venue).Distinct(StringComparer.Ordinal);

    private void LoadPairs(string venue)
    {
        if (_venues is null || !_loadingPairs.Add(venue)) return;
        _venues.PairsAsync(venue, CancellationToken.None).PipeTo(Self, success: p => new PairsLoaded(venue, p), failure: e => new PairsFailed(venue, e.GetBaseException().Message));
    }

    private void SendAll()
    {
        foreach (var venue in Venues().Concat(_sentVenues).Distinct(StringComparer.Ordinal).ToArray())
        {
            if (_venues is not null && !_pairs.ContainsKey(venue)) LoadPairs(venue); // a failed read is retried at this pace
            Send(venue);
        }
    }

    private void AskRisk() =>
        _riskGuard!.Ask<RiskStatus>(new GetRiskStatus(), TimeSpan.FromSeconds(10))
            .PipeTo(Self, failure: e => new RiskStatusFailed(e.GetBaseException().Message));

    private void SetKillSwitch(bool engaged, string why)
    {
        var was = _killSwitch;
        if (was == engaged) return;
        _killSwitch = engaged;
        if (was is not null || engaged) _log.Info("Triangles: {0}: attempts {1}", why, engaged ? "stop and those in flight unwind" : "may start again");
        foreach (var venue in Venues().Concat(_sentVenues).Distinct(StringComparer.Ordinal))
        {
            _region.Tell(new SetTriangleTrading(venue, !engaged));
        }
    }

    private void Send(string venue)
    {
        // The trading switch first: a restarted detector learns it before its configs can start an attempt.
        _region.Tell(new SetTriangleTrading(venue, _killSwitch == false));

        // File-name order, as the loader's: a config's id is unique, the first file wins.
        var configs = _files.Values.Where(c => c.Venue == venue).ToArray();
        _region.Tell(new ConfigureTriangles(venue, configs, _pairs.GetValueOrDefault(venue) ?? [], _settings.AccountFee(venue)));
        if (configs.Length > 0) _sentVenues.Add(venue);
        else _sentVenues.Remove(venue); // told once that it has none: its episodes closed, nothing to keep alive
    }

    private static string Full(string file) => Path.GetFullPath(file);

    /// <summary>The record's lists compare by reference: compare the configs as data.</summary>
    private static bool Same(TriangleConfig a, TriangleConfig b) =>
        System.Text.Json.JsonSerializer.Serialize(a) == System.Text.Json.JsonSerializer.Serialize(b);

    private sealed record Resend : INoSerializationVerificationNeeded;

    private sealed record RefreshPairs : INoSerializationVerificationNeeded;

    private sealed record PairsLoaded(string Venue, IReadOnlyList<string>? Pairs) : INoSerializationVerificationNeeded;

    private sealed record PairsFailed(string Venue, string Error) : INoSerializationVerificationNeeded;

    private sealed record ReloadFile(string Path) : INoSerializationVerificationNeeded;

    private sealed record ConfirmRemoved(string Path) : INoSerializationVerificationNeeded;

    private sealed record AskRiskStatus : INoSerializationVerificationNeeded;

    private sealed record RiskStatusFailed(string Error) : INoSerializationVerificationNeeded;
}
