using Arbitrage.Core.Triangles;
using Arbitrage.Core.Triangles.Execution;
using Arbitrage.Engine.Serialization;

namespace Arbitrage.Engine.Triangles;

/// <summary>Every message for a <see cref="TriangleActor"/> names its venue (the entity id in the <c>triangle</c> shard region).</summary>
public interface ITriangleMessage
{
    string Venue { get; }
}

/// <summary>
/// The venue's enabled triangle configs and its pairs (<c>BASE/QUOTE</c>; a <c>"*"</c> config uses them all).
/// Idempotent: a config unchanged keeps its detector and episodes; a changed or removed one closes its open episodes
/// (<see cref="TriangleEpisodeEnd.Reconfigured"/>). <paramref name="AccountTakerFee"/> replaces <c>"account"</c> fees.
/// Answered with <see cref="TrianglesConfigured"/>.
/// </summary>
[Manifest("configure-triangles.v1")]
public sealed record ConfigureTriangles(string Venue, IReadOnlyList<TriangleConfig> Configs, IReadOnlyList<string> Pairs, double? AccountTakerFee)
    : ITriangleMessage, IWireMessage;

/// <summary>The configs now running on <paramref name="Venue"/> (ids, file order) and their cycle count.</summary>
[Manifest("triangles-configured.v1")]
public sealed record TrianglesConfigured(string Venue, IReadOnlyList<string> ConfigIds, int Cycles) : IWireMessage;

/// <summary>A pair's full book (levels best first) after an event at <paramref name="TimeMs"/>; <paramref name="Synchronised"/> false = the pair's book is lost (no levels).</summary>
public sealed record TriangleBook(string Symbol, long TimeMs, BookLevel[] Bids, BookLevel[] Asks, bool Synchronised = true);

/// <summary>Books of the venue's pairs in event order (a tape's, or a feed's); answered with <see cref="TriangleBooksAck"/> once their episodes are journaled.</summary>
[Manifest("triangle-books.v1")]
public sealed record TriangleBooks(string Venue, IReadOnlyList<TriangleBook> Books, long Sequence) : ITriangleMessage, IWireMessage;

[Manifest("triangle-books-ack.v1")]
public sealed record TriangleBooksAck(string Venue, long Sequence) : IWireMessage;

/// <summary>Answered with <see cref="TriangleStatus"/>.</summary>
[Manifest("get-triangle-status.v1")]
public sealed record GetTriangleStatus(string Venue) : ITriangleMessage, IWireMessage;

/// <summary>
/// The venue's detectors now: open episodes (current evaluations and peak, no end), per config its cycles and
/// unsynchronised pairs, and totals since the actor started.
/// </summary>
[Manifest("triangle-status.v1")]
public sealed record TriangleStatus(
    string Venue,
    IReadOnlyList<TriangleEpisodeRecord> Open,
    IReadOnlyList<TriangleConfigStatus> Configs,
    long BookUpdates,
    long Evaluations) : IWireMessage;

public sealed record TriangleConfigStatus(string ConfigId, int Pairs, int Cycles, int UnsynchronisedPairs, int OpenEpisodes);

/// <summary>Published on topic <c>triangles</c> once an episode's opening or closing is journaled (<see cref="Open"/>: it opened).</summary>
[Manifest("triangle-episode-changed.v1")]
public sealed record TriangleEpisodeChanged(string ConfigId, TriangleEpisodeRecord Episode, bool Open) : IWireMessage;

/// <summary>
/// Turns new triangle attempts on the venue on or off (a kill switch of its own: off refuses new attempts with
/// <c>risk:kill_switch</c> and unwinds those in flight). Answered with <see cref="TriangleTradingSet"/>.
/// </summary>
[Manifest("set-triangle-trading.v1")]
public sealed record SetTriangleTrading(string Venue, bool Enabled) : ITriangleMessage, IWireMessage;

[Manifest("triangle-trading-set.v1")]
public sealed record TriangleTradingSet(string Venue, bool Enabled, int InFlight) : IWireMessage;

/// <summary>
/// The end of a tape: pending paper legs fill on the last books and every attempt in flight runs to its end. Answered
/// with <see cref="TriangleAttemptsDrained"/> once none is left (their results were published before).
/// </summary>
[Manifest("drain-triangle-attempts.v1")]
public sealed record DrainTriangleAttempts(string Venue) : ITriangleMessage, IWireMessage;

[Manifest("triangle-attempts-drained.v1")]
public sealed record TriangleAttemptsDrained(string Venue, long Attempts) : IWireMessage;

/// <summary>Published on topic <c>triangles</c> once an attempt's end is journaled by its venue actor.</summary>
[Manifest("triangle-attempt-changed.v1")]
public sealed record TriangleAttemptChanged(string ConfigId, TriangleAttemptResult Result) : IWireMessage;

/// <summary>
/// An operator's enable/disable of a triangle config (<c>POST /api/ops/triangles/{id}/enable|disable</c>), asked of the
/// node's config keeper: it holds until the config's file changes, which stays the source of truth (as the strategies).
/// </summary>
[Manifest("set-triangle-config-enabled.v1")]
public sealed record SetTriangleConfigEnabled(string ConfigId, bool Enabled) : IWireMessage;

/// <param name="Changed">False when the config already was so.</param>
[Manifest("triangle-config-enabled-set.v1")]
public sealed record TriangleConfigEnabledSet(string ConfigId, string Venue, bool Enabled, bool Changed) : IWireMessage;

[Manifest("triangle-config-not-found.v1")]
public sealed record TriangleConfigNotFound(string ConfigId) : IWireMessage;
