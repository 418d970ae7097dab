using Arbitrage.Binance.Rest.Models;
using Arbitrage.Binance.Streams;
using Arbitrage.Binance.Tests.Simulator;
using Arbitrage.Simulator.Tape;
using static Arbitrage.Binance.Streams.FeedEvent;

namespace Arbitrage.Binance.Tests.Streams;

/// <summary>OrderBookFeed against the simulator playing a real USD-M depth tape (2024-08-08 BTCUSDT, depth@0ms).</summary>
public class OrderBookFeedSimulatorTests : StreamTestBase
{
    private const string Tape = "binance_usdm_BTCUSDT_ws_depth0ms_bookTicker_trade_2024-08-08T2354Z_head3000.hftbt.gz";
    private const int Top = 100;

    private static void AssertSameTop(DepthSnapshot exchange, BookUpdateEvent local)
    {
        Assert.Equal(exchange.Bids.Take(Top).ToArray(), local.Bids.ToArray());
        Assert.Equal(exchange.Asks.Take(Top).ToArray(), local.Asks.ToArray());
    }

    [Fact]
    public async Task A_forced_depth_gap_resyncs_and_the_local_book_ends_equal_to_the_exchange_book()
    {
        var path = TestData.Fixture(Tape);
        await using var h = await SimHarness.StartAsync(configure: o => o with { Frames = [], Tapes = [path] });
        var snapshotAt = Array.FindIndex(h.Host.State.Frames, f => f.Kind == FrameKind.DepthSnapshot);
        Assert.True(snapshotAt >= 0, "the tape starts its book with a REST snapshot");
        h.Host.Control.Step(snapshotAt + 1);

        var settings = new OrderBookFeedSettings("BTCUSDT") { TopLevels = Top };
        var probe = Run(OrderBookFeed.Create(settings, Options(h), new RestDepthSnapshots(h.Client)));
        await probe.WaitForAsync(e => e is BookSyncedEvent, "initial sync");
        await Until(() => h.Host.State.Hub.SessionCount == 1, "the simulator to register the session");

        h.Host.Control.Step(1000);
        var mid = (await h.Client.ExchangeData.GetOrderBookAsync("BTCUSDT", 1000)).GetOrThrow();
        var atMid = (BookUpdateEvent)await probe.WaitForAsync(e => e is BookUpdateEvent u && u.LastUpdateId == mid.LastUpdateId, "the book at the middle");
        AssertSameTop(mid, atMid);

        h.Host.Control.ForceDepthGap("BTCUSDT"); // the next diff updates the exchange book but is never sent
        h.Host.Control.Play();
        await h.Host.Control.Player.Completion.WaitAsync(Timeout);
        var end = (await h.Client.ExchangeData.GetOrderBookAsync("BTCUSDT", 1000)).GetOrThrow();
        var atEnd = (BookUpdateEvent)await probe.WaitForAsync(e => e is BookUpdateEvent u && u.LastUpdateId == end.LastUpdateId, "the book at the end");
        probe.KillSwitch.Shutdown();

        AssertSameTop(end, atEnd);
        Assert.True(atEnd.Bids.Count == Top && atEnd.Asks.Count == Top);
        Assert.True(atEnd.BestBid!.Value.Price < atEnd.BestAsk!.Value.Price);

        var gapResyncs = probe.Seen.OfType<BookResyncEvent>().Where(r => r.Reason == BookResyncReason.Gap).ToList();
        var gap = Assert.Single(gapResyncs);
        Assert.Equal(1, gap.Resyncs);
        Assert.Contains("pu=", gap.Detail);
        Assert.Equal(2, probe.Seen.OfType<BookSyncedEvent>().Count());

        // Updates are gap-free between syncs: each one's id grows.
        long last = 0;
        foreach (var e in probe.Seen)
        {
            if (e is BookUpdateEvent u)
            {
                Assert.True(u.LastUpdateId >= last, $"update id went back from {last} to {u.LastUpdateId}");
                last = u.LastUpdateId;
            }
        }
    }

    [Fact]
    public async Task A_dropped_connection_resyncs_the_book_from_a_new_snapshot()
    {
        var path = TestData.Fixture(Tape);
        await using var h = await SimHarness.StartAsync(configure: o => o with { Frames = [], Tapes = [path] });
        var snapshotAt = Array.FindIndex(h.Host.State.Frames, f => f.Kind == FrameKind.DepthSnapshot);
        h.Host.Control.Step(snapshotAt + 1);

        var options = Options(h) with { MinBackoff = TimeSpan.FromMilliseconds(300) }; // the 500 steps below happen while it is down
        var probe = Run(OrderBookFeed.Create(new OrderBookFeedSettings("BTCUSDT") { TopLevels = Top }, options, new RestDepthSnapshots(h.Client)));
        await probe.WaitForAsync(e => e is BookSyncedEvent, "initial sync");
        await Until(() => h.Host.State.Hub.SessionCount == 1, "the simulator to register the session");
        h.Host.Control.Step(500);
        h.Host.Control.DropAllWebSockets();
        h.Host.Control.Step(500); // diffs nobody receives
        var resync = (BookResyncEvent)await probe.WaitForAsync(e => e is BookResyncEvent, "resync after the reconnect");
        Assert.Equal(BookResyncReason.Reconnect, resync.Reason);
        await probe.WaitForAsync(e => e is BookSyncedEvent, "second sync");
        await Until(() => h.Host.State.Hub.SessionCount == 1, "the simulator to register the new session");

        h.Host.Control.Play();
        await h.Host.Control.Player.Completion.WaitAsync(Timeout);
        var end = (await h.Client.ExchangeData.GetOrderBookAsync("BTCUSDT", 1000)).GetOrThrow();
        var atEnd = (BookUpdateEvent)await probe.WaitForAsync(e => e is BookUpdateEvent u && u.LastUpdateId == end.LastUpdateId, "the book at the end");
        probe.KillSwitch.Shutdown();

        AssertSameTop(end, atEnd);
        Assert.DoesNotContain(probe.Seen, e => e is BookResyncEvent { Reason: BookResyncReason.Gap });
        Assert.Contains(probe.Seen, e => e is FeedStatusEvent { Status: FeedStatus.Disconnected });
    }
}
