using Arbitrage.Binance.Rest;
using Arbitrage.Binance.Rest.Models;
using Arbitrage.Binance.Streams;
using Arbitrage.Binance.Tests.Rest;
using Arbitrage.Binance.Tests.Simulator;
using Arbitrage.Simulator.Tape;
using Xunit.Abstractions;

namespace Arbitrage.Binance.Tests.Streams;

/// <summary>
/// <see cref="SpotBookFeed"/> (the real client: WebSockets + REST) against the simulator on 127.0.0.1 serving the
/// three legs of a triangle from recorded books (<see cref="SpotTriangleTape"/>): BTCUSDT and ETHUSDT spot captures,
/// and ETHBTC.
/// </summary>
public class SpotBookFeedSimulatorTests(ITestOutputHelper output) : StreamTestBase
{
    private const int Top = 100;

    private async Task<SimHarness> StartAsync()
    {
        var (ethbtc, real) = SpotTriangleTape.EthBtc();
        output.WriteLine(real ? "ETHBTC: the real 2020-11-01 recording from shared/data" : "ETHBTC: SYNTHETIC (shared/data not found)");
        var h = await SimHarness.StartAsync(configure: o => o with { Frames = ethbtc, Tapes = SpotTriangleTape.Tapes });
        // The exchange has every book once the tapes' REST snapshots have played.
        var lastSnapshot = Array.FindLastIndex(h.Host.State.Frames, f => f.Kind == FrameKind.DepthSnapshot);
        Assert.Equal(3, h.Host.State.Frames.Count(f => f.Kind == FrameKind.DepthSnapshot));
        Assert.All(h.Host.State.Frames.Where(f => f.Kind == FrameKind.DepthSnapshot), f => Assert.Contains(f.Symbol, SpotTriangleTape.Symbols));
        h.Host.Control.Step(lastSnapshot + 1);
        return h;
    }

    private static SpotBookFeedSettings Settings(Func<SpotBookFeedSettings, SpotBookFeedSettings>? configure = null)
    {
        var s = new SpotBookFeedSettings(SpotTriangleTape.Symbols) { TopLevels = Top, QuietSyncAfter = TimeSpan.Zero };
        return configure is null ? s : configure(s);
    }

    private FeedProbe<SpotFeedEvent> Run(SimHarness h, SpotBookFeedSettings settings, IDepthSnapshotSource? snapshots = null, BinanceStreamOptions? options = null) =>
        Run(SpotBookFeed.Create(settings, options ?? Options(h), snapshots ?? SpotBookFeed.RestSnapshots(h.Client)));

    private static Task<SpotFeedEvent> Synced(FeedProbe<SpotFeedEvent> probe, string symbol, int snapshots = 1) =>
        probe.FirstAsync(e => e is SpotBookEvent { Kind: SpotBookEventKind.Synced } s && s.Symbol == symbol && s.Snapshots == snapshots,
            $"{symbol} synced from snapshot {snapshots}");

    /// <summary>Plays the tapes to their end, then checks each local book equals the simulator's (top <see cref="Top"/> levels).</summary>
    private static async Task PlayToEndAndCompareAsync(SimHarness h, FeedProbe<SpotFeedEvent> probe)
    {
        h.Host.Control.Play();
        await h.Host.Control.Player.Completion.WaitAsync(Timeout);
        foreach (var symbol in SpotTriangleTape.Symbols)
        {
            var exchange = (await h.Client.Spot.GetOrderBookAsync(symbol, 1000)).GetOrThrow();
            var local = (SpotBookEvent)await probe.FirstAsync(
                e => e is SpotBookEvent { IsSynced: true } b && b.Symbol == symbol && b.LastUpdateId == exchange.LastUpdateId,
                $"{symbol}'s book at the end of the tape (update id {exchange.LastUpdateId})");
            AssertSameBook(exchange, local);
        }
    }

    private static void AssertSameBook(DepthSnapshot exchange, SpotBookEvent local)
    {
        Assert.Equal(exchange.Bids.Take(Top).ToArray(), local.Bids.ToArray());
        Assert.Equal(exchange.Asks.Take(Top).ToArray(), local.Asks.ToArray());
        Assert.True(local.BestBid!.Value.Price < local.BestAsk!.Value.Price, $"{local.Symbol} crossed");
    }

    [Fact]
    public async Task Three_pairs_sync_over_one_combined_connection_from_their_first_diffs_and_track_the_exchange_books()
    {
        await using var h = await StartAsync();
        // Snapshots only once a pair's first diff is in (Binance's procedure): no quiet-pair timer within the test.
        var weight = new SlidingWindowBudget(6000, TimeSpan.FromMinutes(1));
        var probe = Run(h, Settings(s => s with { QuietSyncAfter = TimeSpan.FromHours(1) }), SpotBookFeed.RestSnapshots(h.Client, weight));
        await probe.WaitForAsync(e => e is SpotConnectionEvent { Connected: true }, "the connection");
        Assert.Equal(0, weight.Used); // connected, but no snapshot before a diff
        await Until(() => h.Host.State.Hub.SessionCount == 1, "the simulator to register the session");
        var (streams, _) = h.Host.State.Hub.Subscriptions();
        Assert.Equal(["btcusdt@bookTicker", "btcusdt@depth", "ethbtc@bookTicker", "ethbtc@depth", "ethusdt@bookTicker", "ethusdt@depth"], streams);

        // Play until each pair has had a diff since the connection opened (ETHBTC's come once a second).
        var frames = h.Host.State.Frames;
        var through = SpotTriangleTape.Symbols.Max(s => Array.FindIndex(frames, h.Host.State.Position, f => f.Symbol == s && f.Kind == FrameKind.DepthUpdate));
        h.Host.Control.Step(through - h.Host.State.Position + 1);
        foreach (var symbol in SpotTriangleTape.Symbols)
        {
            var synced = (SpotBookEvent)await Synced(probe, symbol);
            Assert.True(synced.Bids.Count > 0 && synced.Asks.Count > 0);
        }

        Assert.Equal(150, weight.Used); // one 1000-level snapshot (weight 50) per pair

        await PlayToEndAndCompareAsync(h, probe);
        probe.KillSwitch.Shutdown();

        Assert.DoesNotContain(probe.Seen, e => e is SpotBookEvent { Kind: SpotBookEventKind.Unsynced });
        var tickers = probe.Seen.OfType<SpotTickerEvent>().ToList();
        Assert.Contains(tickers, t => t.Symbol == "BTCUSDT");
        Assert.Contains(tickers, t => t.Symbol == "ETHUSDT");
        Assert.All(tickers, t => Assert.True(t.BidPrice < t.AskPrice));
        foreach (var symbol in SpotTriangleTape.Symbols)
        {
            // Between syncs every update continues the previous one: ids only grow.
            var ids = probe.Seen.OfType<SpotBookEvent>().Where(b => b.Symbol == symbol).Select(b => b.LastUpdateId).ToList();
            Assert.Equal(ids.Order(), ids);
            Assert.True(ids.Count > 1, $"{symbol}: {ids.Count} book events");
        }
    }

    [Fact]
    public async Task A_dropped_connection_unsyncs_only_its_pairs_which_resync_from_a_new_snapshot_to_the_exchange_book()
    {
        await using var h = await StartAsync();
        // Two streams per connection: one connection per pair.
        var options = Options(h) with { MinBackoff = TimeSpan.FromMilliseconds(300) }; // the steps below happen while it is down
        var probe = Run(h, Settings(s => s with { MaxStreamsPerConnection = 2 }), options: options);
        foreach (var symbol in SpotTriangleTape.Symbols)
        {
            await Synced(probe, symbol);
        }

        await Until(() => h.Host.State.Hub.SessionCount == 3, "three connections");
        h.Host.Control.Step(300);
        Assert.Equal(1, h.Host.Control.DropWebSockets("ethbtc@depth@100ms"));
        h.Host.Control.Step(300); // diffs nobody on that connection receives

        var unsynced = (SpotBookEvent)await probe.WaitForAsync(e => e is SpotBookEvent { Kind: SpotBookEventKind.Unsynced }, "a book unsynced by the drop");
        Assert.Equal(("ETHBTC", SpotUnsyncedReason.Disconnected), (unsynced.Symbol, unsynced.Reason!.Value));
        Assert.Empty(unsynced.Bids);
        var resynced = (SpotBookEvent)await Synced(probe, "ETHBTC", snapshots: 2);
        await Until(() => h.Host.State.Hub.SessionCount == 3, "the new connection");

        // The book after the resync is the exchange's book at that moment.
        var exchange = (await h.Client.Spot.GetOrderBookAsync("ETHBTC", 1000)).GetOrThrow();
        Assert.Equal(exchange.LastUpdateId, resynced.LastUpdateId);
        AssertSameBook(exchange, resynced);

        await PlayToEndAndCompareAsync(h, probe);
        probe.KillSwitch.Shutdown();

        var unsyncs = probe.Seen.OfType<SpotBookEvent>().Where(b => b.Kind == SpotBookEventKind.Unsynced).ToList();
        Assert.Equal(["ETHBTC"], unsyncs.Select(u => u.Symbol));
        Assert.DoesNotContain(probe.Seen, e => e is SpotBookEvent { Kind: SpotBookEventKind.Synced, Snapshots: > 1 } s && s.Symbol != "ETHBTC");
        var connects = probe.Seen.OfType<SpotConnectionEvent>().Where(c => c.Connected).ToList();
        Assert.Equal(3, connects.Select(c => c.Connection).Distinct().Count());
        Assert.All(connects, c => Assert.Single(c.Symbols));
        Assert.Equal(["ETHBTC", "ETHBTC"], connects.GroupBy(c => c.Connection).Where(g => g.Count() > 1).SelectMany(g => g).Select(c => c.Symbols[0]));
    }

    [Fact]
    public async Task When_every_connection_drops_all_books_report_unsynced_until_each_is_resynced_from_a_new_snapshot()
    {
        await using var h = await StartAsync();
        var options = Options(h) with { MinBackoff = TimeSpan.FromMilliseconds(300) };
        var probe = Run(h, Settings(), options: options);
        foreach (var symbol in SpotTriangleTape.Symbols)
        {
            await Synced(probe, symbol);
        }

        await Until(() => h.Host.State.Hub.SessionCount == 1, "the simulator to register the session");
        h.Host.Control.Step(200);
        var lastUpdate = (SpotBookEvent)await probe.WaitForAsync(e => e is SpotBookEvent { Kind: SpotBookEventKind.Update }, "an update before the drop");
        Assert.Equal(1, h.Host.Control.DropAllWebSockets());
        h.Host.Control.Step(200);

        await probe.WaitForAsync(
            _ => probe.Seen.Count(e => e is SpotBookEvent { Kind: SpotBookEventKind.Unsynced }) == SpotTriangleTape.Symbols.Length,
            "every book unsynced");
        var unsynced = probe.Seen.SkipWhile(e => e is not SpotConnectionEvent { Connected: false }).OfType<SpotBookEvent>().ToList();
        Assert.Equal(SpotTriangleTape.Symbols.Order(), unsynced.Select(u => u.Symbol).Order());
        Assert.All(unsynced, u => Assert.Equal((SpotBookEventKind.Unsynced, SpotUnsyncedReason.Disconnected), (u.Kind, u.Reason!.Value)));
        Assert.All(unsynced, u => Assert.True(u.EventTimeMs >= lastUpdate.EventTimeMs, "an unsynced event carries the connection's latest event time"));

        foreach (var symbol in SpotTriangleTape.Symbols)
        {
            var resynced = (SpotBookEvent)await Synced(probe, symbol, snapshots: 2);
            var exchange = (await h.Client.Spot.GetOrderBookAsync(symbol, 1000)).GetOrThrow();
            Assert.Equal(exchange.LastUpdateId, resynced.LastUpdateId); // manual playback: the exchange has not moved since
            AssertSameBook(exchange, resynced);
        }

        // No update between the drop and a pair's resync.
        foreach (var symbol in SpotTriangleTape.Symbols)
        {
            var after = probe.Seen.OfType<SpotBookEvent>().Where(b => b.Symbol == symbol)
                .SkipWhile(b => b.Kind != SpotBookEventKind.Unsynced).Skip(1).First();
            Assert.Equal(SpotBookEventKind.Synced, after.Kind);
        }

        await PlayToEndAndCompareAsync(h, probe);
        probe.KillSwitch.Shutdown();
    }

    [Fact]
    public async Task A_gap_in_one_pairs_diff_chain_unsyncs_and_resyncs_that_pair_alone()
    {
        await using var h = await StartAsync();
        var probe = Run(h, Settings());
        foreach (var symbol in SpotTriangleTape.Symbols)
        {
            await Synced(probe, symbol);
        }

        await Until(() => h.Host.State.Hub.SessionCount == 1, "the simulator to register the session");
        h.Host.Control.Step(200);
        h.Host.Control.ForceDepthGap("ETHUSDT"); // the next ETHUSDT diff changes the exchange's book but is never sent
        h.Host.Control.Step(200);

        var gap = (SpotBookEvent)await probe.WaitForAsync(e => e is SpotBookEvent { Kind: SpotBookEventKind.Unsynced }, "the gap");
        Assert.Equal(("ETHUSDT", SpotUnsyncedReason.Gap), (gap.Symbol, gap.Reason!.Value));
        Assert.Contains("after u=", gap.Detail);
        await Synced(probe, "ETHUSDT", snapshots: 2);

        await PlayToEndAndCompareAsync(h, probe);
        probe.KillSwitch.Shutdown();

        Assert.Single(probe.Seen, e => e is SpotBookEvent { Kind: SpotBookEventKind.Unsynced });
        Assert.DoesNotContain(probe.Seen, e => e is SpotConnectionEvent { Connected: false });
    }

    [Fact]
    public async Task Resyncs_of_many_pairs_are_paced_by_request_weight()
    {
        await using var h = await StartAsync();
        // Room for two 1000-level snapshots (weight 50 each) per minute; time driven by hand.
        var clock = new ManualTimeProvider(DateTimeOffset.UtcNow);
        var weight = new SlidingWindowBudget(100, TimeSpan.FromMinutes(1), clock);
        var probe = Run(h, Settings(), SpotBookFeed.RestSnapshots(h.Client, weight));

        await Until(
            () =>
            {
                probe.DrainAvailable();
                return probe.Seen.Count(e => e is SpotBookEvent { Kind: SpotBookEventKind.Synced }) == 2 && weight.Waiting == 1 && clock.ArmedTimers == 1;
            },
            "two pairs synced and the third waiting for weight");
        Assert.Equal(100, weight.Used);
        var waiting = SpotTriangleTape.Symbols.Except(probe.Seen.OfType<SpotBookEvent>().Select(b => b.Symbol)).Single();

        clock.Advance(TimeSpan.FromMinutes(1));
        await Synced(probe, waiting);
        probe.KillSwitch.Shutdown();
        Assert.Equal(50, weight.Used);
    }

    [Fact]
    public async Task A_drop_cancels_the_snapshot_requests_still_waiting_for_weight()
    {
        await using var h = await StartAsync();
        var clock = new ManualTimeProvider(DateTimeOffset.UtcNow);
        var weight = new SlidingWindowBudget(50, TimeSpan.FromMinutes(1), clock); // one 1000-level snapshot a minute
        var probe = Run(h, Settings(), SpotBookFeed.RestSnapshots(h.Client, weight));
        var first = (SpotBookEvent)await probe.WaitForAsync(e => e is SpotBookEvent { Kind: SpotBookEventKind.Synced }, "the first pair synced");
        await Until(() => weight.Waiting == 2, "the other two waiting for weight");

        h.Host.Control.DropAllWebSockets();
        await probe.WaitForAsync(e => e is SpotConnectionEvent { Connected: true }, "the reconnect");
        // The new connection asks for three snapshots; the two of the dead connection no longer wait.
        await Until(() => weight.Waiting == 3 && clock.ArmedTimers == 1, "three requests of the new connection waiting");

        clock.Advance(TimeSpan.FromMinutes(1));
        var next = (SpotBookEvent)await probe.WaitForAsync(e => e is SpotBookEvent { Kind: SpotBookEventKind.Synced }, "the next pair synced");
        Assert.Equal(first.Symbol, next.Symbol); // the first in line is the new connection's first request, not a dead one's
        Assert.Equal(2, next.Snapshots);
        await Until(() => weight.Waiting == 2, "the other two waiting");
        probe.KillSwitch.Shutdown();
    }

    [Fact]
    public async Task Reconnects_wait_for_a_free_connection_attempt()
    {
        await using var h = await StartAsync();
        var clock = new ManualTimeProvider(DateTimeOffset.UtcNow);
        var attempts = new SlidingWindowBudget(1, TimeSpan.FromMinutes(5), clock); // one attempt per 5 minutes
        var options = Options(h) with { ConnectionAttempts = attempts };
        var probe = Run(h, Settings(), options: options);
        await Synced(probe, "BTCUSDT");
        await Until(() => h.Host.State.Hub.SessionCount == 1, "the first connection");

        h.Host.Control.DropAllWebSockets();
        await probe.WaitForAsync(e => e is SpotConnectionEvent { Connected: false }, "the drop");
        await Until(() => attempts.Waiting == 1 && clock.ArmedTimers == 1, "the reconnect to wait for an attempt");
        await Until(() => h.Host.State.Hub.SessionCount == 0, "the simulator to forget the dropped session");

        clock.Advance(TimeSpan.FromMinutes(5));
        await probe.WaitForAsync(e => e is SpotConnectionEvent { Connected: true }, "the reconnect");
        await Synced(probe, "BTCUSDT", snapshots: 2);
        probe.KillSwitch.Shutdown();
    }
}
