using Akka;
using Akka.Actor;
using Akka.Streams;
using Akka.Streams.Dsl;
using Arbitrage.Binance.Protocol;
using Arbitrage.Binance.Rest;
using Arbitrage.Binance.Rest.Models;
using Arbitrage.Binance.Streams;
using Arbitrage.Engine.Triangles;

namespace Arbitrage.Node.Triangles;

/// <summary>
/// Live books of <c>binance-spot</c> for its <see cref="TriangleActor"/>: the venue's exchangeInfo (retried until it
/// answers) names the configs' pairs on the exchange, then one <see cref="SpotBookFeed"/> streams the pairs that trade
/// and close a triangle with two others into the actor. A pair the venue does not trade is never subscribed: its
/// cycles stay unevaluated, and the log says so once.
/// </summary>
public sealed class BinanceSpotTriangleFeeds(
    BinanceSpotVenue venue, BinanceRestClient client, BinanceStreamOptions streams, ILogger log, FrameErrorCounter? errors = null) : ITriangleFeedFactory
{
    /// <summary>Levels per side each book event carries: what the depth walk of a leg can use.</summary>
    public const int TopLevels = 20;

    private static readonly TimeSpan FirstRetry = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan LastRetry = TimeSpan.FromMinutes(1);

    public IKillSwitch? Start(string venueName, IReadOnlyList<string> symbols, IActorRef target, IMaterializer materializer)
    {
        if (venueName != BinanceSpotVenue.Name) return null;
        var cancel = new CancellationTokenSource();
        var (killSwitch, done) = Source.FromTask(ResolveAsync(symbols, cancel.Token))
            .ConcatMany(exchangeSymbols => exchangeSymbols.Count == 0
                ? Source.Empty<SpotFeedEvent>()
                : SpotBookFeed.Create(Settings(exchangeSymbols), streams, SpotBookFeed.RestSnapshots(client), errors).MapMaterializedValue(_ => NotUsed.Instance))
            .ViaMaterialized(KillSwitches.Single<SpotFeedEvent>(), Keep.Right)
            .ToMaterialized(Sink.ForEach<SpotFeedEvent>(e => target.Tell(e)), Keep.Both)
            .Run(materializer);
        done.ContinueWith(
            t =>
            {
                if (t.IsFaulted && !cancel.IsCancellationRequested)
                    target.Tell(new TriangleActor.FeedEnded(t.Exception!.GetBaseException().Message));
            },
            TaskScheduler.Default);
        return new Stopper(killSwitch, cancel);
    }

    /// <summary>
    /// The exchange symbols to subscribe for <paramref name="symbols"/> (<c>BASE/QUOTE</c>) on a venue trading
    /// <paramref name="trading"/>: those it trades that share a triangle with two others of them; and the named pairs it
    /// does not trade, and those that close no triangle.
    /// </summary>
    public static (IReadOnlyList<string> Subscribe, IReadOnlyList<string> NotTraded, IReadOnlyList<string> NoTriangle) Plan(
        IReadOnlyList<string> symbols, IReadOnlyList<SpotPair> trading)
    {
        var byName = new Dictionary<string, SpotPair>(StringComparer.Ordinal);
        foreach (var p in trading) byName.TryAdd(p.Name, p);
        var traded = new List<SpotPair>();
        var notTraded = new List<string>();
        foreach (var s in symbols.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal))
        {
            if (byName.TryGetValue(s, out var p)) traded.Add(p);
            else notTraded.Add(s);
        }

        // Assets linked by a traded pair (either way round): a pair A/B closes a triangle when some C links to both.
        var links = new Dictionary<string, HashSet<string>>(StringComparer.Ordinal);
        foreach (var p in traded)
        {
            Link(p.BaseAsset, p.QuoteAsset);
            Link(p.QuoteAsset, p.BaseAsset);
        }

        var subscribe = new List<string>();
        var alone = new List<string>();
        foreach (var p in traded)
        {
            var (a, b) = (links[p.BaseAsset], links[p.QuoteAsset]);
            if (a.Any(c => c != p.QuoteAsset && b.Contains(c))) subscribe.Add(p.Symbol);
            else alone.Add(p.Name);
        }

        return (subscribe, notTraded, alone);

        void Link(string from, string to)
        {
            if (!links.TryGetValue(from, out var set)) links[from] = set = new HashSet<string>(StringComparer.Ordinal);
            set.Add(to);
        }
    }

    private static SpotBookFeedSettings Settings(IReadOnlyList<string> exchangeSymbols) =>
        // Many pairs: 100-level snapshots (weight 5) resync 600 pairs a minute instead of 60 (Streams/README).
        new(exchangeSymbols) { TopLevels = TopLevels, SnapshotLimit = exchangeSymbols.Count > 60 ? 100 : 1000 };

    private async Task<IReadOnlyList<string>> ResolveAsync(IReadOnlyList<string> symbols, CancellationToken ct)
    {
        var delay = FirstRetry;
        while (true)
        {
            try
            {
                var (subscribe, notTraded, alone) = Plan(symbols, await venue.TradingPairsAsync(ct).ConfigureAwait(false));
                if (notTraded.Count > 0 && subscribe.Count + alone.Count == 0)
                    // None at all: an exchange without these markets (the simulator over futures tapes), not a typo.
                    log.LogInformation("Triangles {Venue}: the venue trades none of the configured pairs ({Pairs}): no book feed",
                        BinanceSpotVenue.Name, string.Join(", ", notTraded));
                else if (notTraded.Count > 0)
                    log.LogWarning("Triangles {Venue}: {Count} configured pair(s) not trading on the venue: {Pairs}; their cycles stay unevaluated",
                        BinanceSpotVenue.Name, notTraded.Count, string.Join(", ", notTraded));
                if (alone.Count > 0)
                    log.LogInformation("Triangles {Venue}: {Count} pair(s) close no triangle with the venue's other configured pairs and are not subscribed: {Pairs}",
                        BinanceSpotVenue.Name, alone.Count, string.Join(", ", alone));
                log.LogInformation("Triangles {Venue}: streaming the books of {Count} pair(s) from {Url}", BinanceSpotVenue.Name, subscribe.Count, streams.BaseUrl(StreamPath.Spot));
                return subscribe;
            }
            catch (Exception e) when (!ct.IsCancellationRequested)
            {
                log.LogWarning("Triangles {Venue}: no pairs yet ({Error}); retrying in {Delay}", BinanceSpotVenue.Name, e.Message, delay);
                await Task.Delay(delay, ct).ConfigureAwait(false);
                delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, LastRetry.Ticks));
            }
        }
    }

    /// <summary>Stops the stream and a pending exchangeInfo retry.</summary>
    private sealed class Stopper(UniqueKillSwitch stream, CancellationTokenSource cancel) : IKillSwitch
    {
        public void Shutdown()
        {
            cancel.Cancel();
            stream.Shutdown();
        }

        public void Abort(Exception cause)
        {
            cancel.Cancel();
            stream.Abort(cause);
        }
    }
}
