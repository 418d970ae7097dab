using Arbitrage.Binance.Streams;
using Arbitrage.Binance.Tapes;
using Arbitrage.Binance.Tests.Simulator;
using static Arbitrage.Binance.Streams.FeedEvent;

namespace Arbitrage.Binance.Tests.Streams;

/// <summary>
/// SymbolFeed against the simulator playing a real aggTrade tape (BTCUSD_PERP, 4,500 trades): every agg
/// id exactly once and in order across dropped connections, resume from an id, proactive reconnects.
/// </summary>
public class SymbolFeedSimulatorTests : StreamTestBase
{
    private const string Tape = "BTCUSD_PERP-aggTrades-2026-05-08.head4500.csv";
    private const string Symbol = "BTCUSD_PERP";

    private static long[] TapeIds(string path) => TapeReader.ReadTrades(path).Select(t => t.Trade.AggId).ToArray();

    private static Task<SimHarness> StartSimulator(string path) =>
        SimHarness.StartAsync(configure: o => o with { Frames = [], Tapes = [path] });

    private static bool IsConnected(FeedEvent e) => e is FeedStatusEvent { Status: FeedStatus.Connected };

    private static long[] Delivered(FeedProbe<FeedEvent> p) => p.Seen.OfType<TradeEvent>().Select(t => t.Trade.AggId).ToArray();

    [Fact]
    public async Task Connections_dropped_mid_stream_lose_and_repeat_no_agg_id()
    {
        var path = TestData.Fixture(Tape);
        var ids = TapeIds(path);
        Assert.Equal(4500, ids.Length);
        await using var h = await StartSimulator(path);
        var probe = Run(SymbolFeed.Create(new SymbolFeedSettings(Symbol), Options(h), new RestAggTradeHistory(h.Client)));
        await probe.WaitForAsync(IsConnected, "first connection");
        await Until(() => h.Host.State.Hub.SessionCount == 1, "the simulator to register the session");

        h.Host.Control.Step(1500);
        await probe.WaitForAsync(e => e is TradeEvent t && t.Trade.AggId == ids[1499], "trade 1500");
        Assert.Equal(1, h.Host.Control.DropAllWebSockets());

        h.Host.Control.Step(1000); // played while the feed is down: only REST has these now
        h.Host.Control.Play();     // the rest at full speed, racing the reconnect and the REST catch-up
        await probe.WaitForAsync(e => e is TradeEvent t && t.Trade.AggId >= ids[3000], "trade 3001");
        h.Host.Control.DropAllWebSockets(); // again, wherever the feed is now (connected, catching up or reconnecting)

        await h.Host.Control.Player.Completion.WaitAsync(Timeout);
        await probe.WaitForAsync(e => e is TradeEvent t && t.Trade.AggId == ids[^1], "the tape's last trade");
        probe.KillSwitch.Shutdown();

        Assert.Equal(ids, Delivered(probe));
        Assert.True(probe.Seen.Count(IsConnected) >= 2, "reconnected");
        Assert.Contains(probe.Seen, e => e is FeedStatusEvent { Status: FeedStatus.Disconnected, Kind: DisconnectKind.Error or DisconnectKind.ClosedByServer });
        Assert.DoesNotContain(probe.Seen, e => e is TradeGapEvent);
    }

    [Fact]
    public async Task A_recovering_actor_resumes_from_its_agg_id_with_history_from_rest()
    {
        var path = TestData.Fixture(Tape);
        var ids = TapeIds(path);
        await using var h = await StartSimulator(path);
        h.Host.Control.Step(3000); // happened while the actor was down

        var from = ids[1234];
        var settings = new SymbolFeedSettings(Symbol) { FromAggId = from, CatchUpPageSize = 500 };
        var probe = Run(SymbolFeed.Create(settings, Options(h), new RestAggTradeHistory(h.Client)));
        await probe.WaitForAsync(IsConnected, "connection");
        await probe.WaitForAsync(e => e is TradeEvent t && t.Trade.AggId == ids[2999], "the REST catch-up to reach the tape position");
        h.Host.Control.Play();
        await h.Host.Control.Player.Completion.WaitAsync(Timeout);
        await probe.WaitForAsync(e => e is TradeEvent t && t.Trade.AggId == ids[^1], "the tape's last trade");
        probe.KillSwitch.Shutdown();

        Assert.Equal(ids[1234..], Delivered(probe));
    }

    [Fact]
    public async Task Connections_are_renewed_before_their_maximum_age_without_losing_trades()
    {
        var path = TestData.Fixture(Tape);
        var ids = TapeIds(path);
        await using var h = await StartSimulator(path);
        var options = Options(h) with { MaxConnectionAge = TimeSpan.FromMilliseconds(400) };
        var probe = Run(SymbolFeed.Create(new SymbolFeedSettings(Symbol) { FromAggId = ids[0] }, options, new RestAggTradeHistory(h.Client)));
        await probe.WaitForAsync(IsConnected, "connection");

        // Driven by the feed's own events, not by how fast the tape plays: part of the tape goes out on each
        // connection, then the feed retires the connection at its maximum age and opens the next one; trades that
        // went out in between come back through the REST catch-up.
        for (var renewal = 1; renewal <= 2; renewal++)
        {
            h.Host.Control.Step(400);
            await probe.WaitForAsync(e => e is FeedStatusEvent { Kind: DisconnectKind.MaxAgeReached }, $"renewal {renewal}");
            await probe.WaitForAsync(IsConnected, $"connection {renewal + 1}");
        }

        h.Host.Control.Player.Speed = 2_000;
        h.Host.Control.Play();
        await h.Host.Control.Player.Completion.WaitAsync(Timeout);
        await probe.WaitForAsync(e => e is TradeEvent t && t.Trade.AggId == ids[^1], "the tape's last trade");
        probe.KillSwitch.Shutdown();

        Assert.Equal(ids, Delivered(probe)); // every trade exactly once, in order, across the renewals
        Assert.True(
            probe.Seen.Count(e => e is FeedStatusEvent { Kind: DisconnectKind.MaxAgeReached }) >= 2,
            string.Join("\n", probe.Seen.OfType<FeedStatusEvent>()));
    }

    [Fact]
    public async Task Mark_price_frames_become_mark_price_events_beside_the_trades()
    {
        var tape = new SimTape().Trades(100m).MarkPrice(101m, 0.0001m, 1_717_027_200_000).Trades(102m);
        await using var h = await SimHarness.StartAsync(tape);
        var probe = Run(SymbolFeed.Create(new SymbolFeedSettings(SimTape.Symbol), Options(h), new RestAggTradeHistory(h.Client)));
        await probe.WaitForAsync(IsConnected, "connection");
        await Until(() => h.Host.State.Hub.SessionCount == 1, "the simulator to register the session");
        h.Host.Control.PlayToEnd();
        var mark = (MarkPriceEvent)await probe.WaitForAsync(e => e is MarkPriceEvent, "mark price");
        await probe.WaitForAsync(e => e is TradeEvent { Trade.Price: 102 }, "last trade");
        probe.KillSwitch.Shutdown();

        Assert.Equal(101m, mark.MarkPrice);
        Assert.Equal(100m, mark.IndexPrice);
        Assert.Equal(0.0001m, mark.FundingRate);
        Assert.Equal(1_717_027_200_000, mark.NextFundingTimeMs);
        Assert.Equal([100.0, 102.0], probe.Seen.OfType<TradeEvent>().Select(t => t.Trade.Price));
    }
}
