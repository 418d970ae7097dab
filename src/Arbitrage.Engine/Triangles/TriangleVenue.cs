using System.Text.Json;
using Arbitrage.Core.Triangles;
using Arbitrage.Core.Triangles.Execution;

namespace Arbitrage.Engine.Triangles;

/// <summary>
/// One venue's detection state, without the actor: a <see cref="TriangleDetector"/> per enabled config, the pair →
/// detectors index, and the episode events each book produces. <see cref="TriangleActor"/> journals and publishes them.
/// Its books are what execution reads (<see cref="ITriangleBooks"/>, in place); for a config with <c>execute</c> on, the
/// evaluations that clear <c>execute_min_net_return</c> inside an episode not yet taken are execution candidates, and
/// each episode carries its action (<c>taken</c>, or <c>missed</c> with the last refusal; <c>below_floor</c> until one).
/// </summary>
internal sealed class TriangleVenue(string venue) : ITriangleBooks
{
    private readonly Dictionary<(string ConfigId, int Cycle), (string Action, string Reason)> _actions = [];
    private readonly List<Runner> _runners = [];
    private readonly Dictionary<string, List<(Runner Runner, int Pair)>> _bySymbol = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> _byExchangeSymbol = new(StringComparer.Ordinal);

    public string Venue { get; } = venue;

    public bool Configured { get; private set; }

    /// <summary>The latest event time applied (0 before any).</summary>
    public long LastEventMs { get; private set; }

    public long BookUpdates { get; private set; }

    public long Evaluations { get; private set; }

    /// <summary>Evaluations made by the last <see cref="Apply"/> (for the metrics).</summary>
    public int LastEvaluations { get; private set; }

    /// <summary>The union of the configs' pairs (<c>BASE/QUOTE</c>): what a live feed subscribes to.</summary>
    public IReadOnlyCollection<string> Symbols => _bySymbol.Keys;

    public IReadOnlyList<string> ConfigIds => _runners.Select(r => r.Config.Id).ToArray();

    public int Cycles => _runners.Sum(r => r.Detector.Universe.Cycles.Count);

    public int OpenEpisodes => _runners.Sum(r => r.Detector.OpenEpisodeCount);

    /// <summary>Pairs of any config that are unsynchronised (never had a book, or lost it), counted once per venue pair.</summary>
    public int UnsynchronisedPairs
    {
        get
        {
            int n = 0;
            foreach (var (_, list) in _bySymbol)
            {
                var (runner, pair) = list[0];
                if (!runner.Detector.IsSynchronised(pair)) n++;
            }

            return n;
        }
    }

    /// <summary>
    /// Runs <paramref name="configs"/> of this venue on <paramref name="pairs"/>: an unchanged config keeps its detector;
    /// a changed or removed one's open episodes close (<see cref="TriangleEpisodeEnd.Reconfigured"/>) into <paramref name="events"/>.
    /// </summary>
    public void Configure(IReadOnlyList<TriangleConfig> configs, IReadOnlyList<string> pairs, double? accountTakerFee, List<ITriangleEvent> events)
    {
        var venuePairs = new List<TradingPair>(pairs.Count);
        foreach (var s in pairs)
        {
            if (TradingPair.TryParse(s, out var p)) venuePairs.Add(p);
        }

        var pairsKey = string.Join(',', pairs);
        var old = _runners.ToDictionary(r => r.Config.Id, StringComparer.Ordinal);
        _runners.Clear();
        foreach (var config in configs)
        {
            if (!config.Enabled || !string.Equals(config.Venue, Venue, StringComparison.Ordinal)) continue;
            var fee = config.TakerFeeFromAccount ? accountTakerFee : null;
            var key = Fingerprint(config, fee, config.AllSymbols ? pairsKey : "");
            if (old.Remove(config.Id, out var kept) && kept.Key == key)
            {
                _runners.Add(kept);
                continue;
            }

            if (kept is not null) CloseAll(kept, TriangleEpisodeEnd.Reconfigured, events);
            var settings = TriangleDetectorSettings.For(config, fee);
            _runners.Add(new Runner(config, key, new TriangleDetector(config.UniverseOn(venuePairs), settings)));
        }

        foreach (var removed in old.Values) CloseAll(removed, TriangleEpisodeEnd.Reconfigured, events);

        _bySymbol.Clear();
        _byExchangeSymbol.Clear();
        foreach (var runner in _runners)
        {
            var universe = runner.Detector.Universe;
            for (int i = 0; i < universe.Pairs.Count; i++)
            {
                var pair = universe.Pairs[i];
                if (!_bySymbol.TryGetValue(pair.Symbol, out var list)) _bySymbol[pair.Symbol] = list = [];
                list.Add((runner, i));
                _byExchangeSymbol[pair.Base + pair.Quote] = pair.Symbol;
            }
        }

        Configured = true;
    }

    /// <summary>The <c>BASE/QUOTE</c> symbol of a venue's concatenated symbol (Binance spot <c>BTCUSDT</c>), if a config uses it.</summary>
    public bool TryGetSymbol(string exchangeSymbol, out string symbol) => _byExchangeSymbol.TryGetValue(exchangeSymbol, out symbol!);

    public bool Uses(string symbol) => _bySymbol.ContainsKey(symbol);

    /// <summary>Applies one book event to every detector holding its pair; episode changes go to <paramref name="events"/>.</summary>
    public void Apply(TriangleBook book, List<ITriangleEvent> events, List<TriangleCandidate>? candidates = null)
    {
        LastEvaluations = 0;
        if (!_bySymbol.TryGetValue(book.Symbol, out var list)) return;
        BookUpdates++;
        if (book.TimeMs > LastEventMs) LastEventMs = book.TimeMs;
        foreach (var (runner, pair) in list)
        {
            var detector = runner.Detector;
            int changes = book.Synchronised
                ? detector.Apply(pair, book.TimeMs, book.Bids, book.Asks)
                : detector.MarkUnsynchronised(pair, book.TimeMs);
            foreach (ref readonly var e in detector.Evaluations)
            {
                if (e.Status is CycleStatus.Evaluated or CycleStatus.Infeasible) LastEvaluations++;
            }

            if (changes > 0)
            {
                foreach (ref readonly var change in detector.Changes)
                {
                    events.Add(change.Kind == EpisodeChangeKind.Opened
                        ? Opened(runner, change.Episode)
                        : Closed(runner, change.Episode, End(change.Episode.EndedBy), change.Episode.EndMs ?? book.TimeMs));
                }
            }

            if (candidates is null || !runner.Config.Exec.Execute) continue;
            var floor = (double)runner.Config.ExecuteMinNetReturn;
            foreach (ref readonly var e in detector.Evaluations)
            {
                if (e.Status != CycleStatus.Evaluated || e.NetReturn < floor || !detector.TryGetOpenEpisode(e.Cycle, out var episode)) continue;
                if (_actions.TryGetValue((runner.Config.Id, e.Cycle), out var a) && a.Action == TriangleEpisodeRecord.Taken) continue;
                candidates.Add(new TriangleCandidate(runner.Config, detector.Universe, detector.Universe.Cycles[e.Cycle], detector.Settings.TakerFee, episode.StartMs, book.TimeMs));
            }
        }

        Evaluations += LastEvaluations;
    }

    /// <summary>The open episodes with their current evaluations and peak.</summary>
    public List<TriangleEpisodeRecord> Open()
    {
        var list = new List<TriangleEpisodeRecord>();
        foreach (var runner in _runners)
        {
            foreach (var e in runner.Detector.OpenEpisodes())
            {
                list.Add(WithAction(runner, e.Cycle, TriangleEpisodeRecord.From(runner.Detector.Universe, Venue, e)));
            }
        }

        return list;
    }

    /// <summary>The config id of each open episode, in <see cref="Open"/>'s order.</summary>
    public List<(string ConfigId, TriangleEpisodeRecord Episode)> OpenByConfig()
    {
        var list = new List<(string, TriangleEpisodeRecord)>();
        foreach (var runner in _runners)
        {
            foreach (var e in runner.Detector.OpenEpisodes())
            {
                list.Add((runner.Config.Id, WithAction(runner, e.Cycle, TriangleEpisodeRecord.From(runner.Detector.Universe, Venue, e))));
            }
        }

        return list;
    }

    public IReadOnlyList<TriangleConfigStatus> Status() =>
        _runners.Select(r =>
        {
            var u = r.Detector.Universe;
            int unsynced = 0;
            for (int i = 0; i < u.Pairs.Count; i++)
            {
                if (!r.Detector.IsSynchronised(i)) unsynced++;
            }

            return new TriangleConfigStatus(r.Config.Id, u.Pairs.Count, u.Cycles.Count, unsynced, r.Detector.OpenEpisodeCount);
        }).ToArray();

    private void CloseAll(Runner runner, TriangleEpisodeEnd end, List<ITriangleEvent> events)
    {
        foreach (var e in runner.Detector.OpenEpisodes())
        {
            events.Add(Closed(runner, e, end, Math.Max(LastEventMs, e.StartMs)));
        }
    }

    private TriangleEpisodeOpened Opened(Runner runner, in TriangleEpisode e)
    {
        if (runner.Config.Exec.Execute) _actions[(runner.Config.Id, e.Cycle)] = (TriangleEpisodeRecord.Missed, EnumCodesOf(PlanRefusal.BelowFloor));
        var cycle = runner.Detector.Universe.Cycles[e.Cycle];
        return new TriangleEpisodeOpened(Venue, runner.Config.Id, cycle.Id, cycle.StartAsset, cycle.Notional, e.StartMs, e.PeakNetReturn);
    }

    private TriangleEpisodeClosed Closed(Runner runner, in TriangleEpisode e, TriangleEpisodeEnd end, long endMs)
    {
        var cycle = runner.Detector.Universe.Cycles[e.Cycle];
        var (action, reason) = ActionOf(runner, e.Cycle);
        _actions.Remove((runner.Config.Id, e.Cycle));
        return new TriangleEpisodeClosed(Venue, runner.Config.Id, cycle.Id, cycle.StartAsset, cycle.Notional, e.StartMs, endMs, e.Evaluations, e.PeakNetReturn, e.PeakMs, end, action, reason);
    }

    /// <summary>Records what execution did with the open episode of <paramref name="cycle"/> (a taken episode stays taken).</summary>
    public void Mark(string configId, int cycle, string action, string reason)
    {
        if (_actions.TryGetValue((configId, cycle), out var a) && a.Action == TriangleEpisodeRecord.Taken) return;
        _actions[(configId, cycle)] = (action, reason);
    }

    private (string Action, string Reason) ActionOf(Runner runner, int cycle) =>
        !runner.Config.Exec.Execute ? (TriangleEpisodeRecord.Observed, string.Empty)
        : _actions.TryGetValue((runner.Config.Id, cycle), out var a) ? a
        : (TriangleEpisodeRecord.Missed, EnumCodesOf(PlanRefusal.BelowFloor));

    private TriangleEpisodeRecord WithAction(Runner runner, int cycle, TriangleEpisodeRecord record)
    {
        var (action, reason) = ActionOf(runner, cycle);
        return record with { Action = action, Reason = reason };
    }

    private static string EnumCodesOf(PlanRefusal r) => Core.Serialization.EnumCodes.Of(r);

    /// <summary>The latest book of a pair, as execution reads it (the levels copied out of the detector, only when asked).</summary>
    public PairBook? Book(string symbol)
    {
        if (!_bySymbol.TryGetValue(symbol, out var list)) return null;
        var (runner, pair) = list[0];
        var detector = runner.Detector;
        if (detector.LastUpdateMs(pair) is not { } time) return null;
        return new PairBook(detector.Bids(pair).ToArray(), detector.Asks(pair).ToArray(), time, detector.IsSynchronised(pair));
    }

    private static TriangleEpisodeEnd End(EpisodeEnd end) => end switch
    {
        EpisodeEnd.BelowMinimum => TriangleEpisodeEnd.BelowMinimum,
        EpisodeEnd.Infeasible => TriangleEpisodeEnd.Infeasible,
        EpisodeEnd.Stale => TriangleEpisodeEnd.Stale,
        _ => TriangleEpisodeEnd.Unsynchronised,
    };

    /// <summary>What makes a detector the same after a reload: the config as data, the fee it runs on and (for "*") the venue's pairs.</summary>
    private static string Fingerprint(TriangleConfig config, double? fee, string pairs) =>
        JsonSerializer.Serialize(config) + "|" + fee?.ToString("R", System.Globalization.CultureInfo.InvariantCulture) + "|" + pairs;

    private sealed record Runner(TriangleConfig Config, string Key, TriangleDetector Detector);
}

/// <summary>An evaluation of an execute config's cycle that clears its floor inside an open episode, at <paramref name="TimeMs"/>.</summary>
internal sealed record TriangleCandidate(TriangleConfig Config, TriangleUniverse Universe, TriangleCycle Cycle, double TakerFee, long EpisodeStartMs, long TimeMs);
