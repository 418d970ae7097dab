using System.Net.WebSockets;
using System.Text.Json;
using Arbitrage.Binance.Tests.Streams;
using Arbitrage.Core.Books;
using Arbitrage.Simulator.Tape;

namespace Arbitrage.Binance.Tests.Simulator;

/// <summary>The simulator's spot market data for several symbols: books from the tapes, spot depth, combined streams, dropping one stream's connections.</summary>
public class SpotMarketDataTests
{
    private static async Task<SimHarness> StartAsync()
    {
        var (ethbtc, _) = SpotTriangleTape.EthBtc();
        return await SimHarness.StartAsync(configure: o => o with { Frames = ethbtc, Tapes = SpotTriangleTape.Tapes });
    }

    [Fact]
    public async Task A_tapes_rest_snapshot_builds_its_symbols_book_with_the_newer_diffs_recorded_before_it_replayed()
    {
        await using var h = await StartAsync();
        var frames = h.Host.State.Frames;
        var snapshotAt = Array.FindIndex(frames, f => f.Kind == FrameKind.DepthSnapshot && f.Symbol == "BTCUSDT");
        Assert.True(snapshotAt > 0, "the BTCUSDT tape's snapshot line is filed under BTCUSDT");
        h.Host.Control.Step(snapshotAt + 1);

        // The capture's snapshot says lastUpdateId 50093239218 but arrived after the diff U=50093239208 u=50093239224:
        // that diff is applied again on top of it, as a client bridging the snapshot would.
        var book = (await h.Client.Spot.GetOrderBookAsync("BTCUSDT", 5000)).GetOrThrow();
        Assert.Equal(50093239224, book.LastUpdateId);
        Assert.True(book.Bids.Count > 990 && book.Asks.Count > 990, $"{book.Bids.Count} bids, {book.Asks.Count} asks: the snapshot's 1000 levels a side (a diff may remove one)");
        Assert.Equal(new PriceLevel(61837.63m, 3.78826m), book.Bids[0]);
    }

    [Fact]
    public async Task Spot_depth_has_the_spot_layout_limits_and_weights()
    {
        await using var h = await StartAsync();
        h.Host.Control.Step(50);
        using var http = new HttpClient { BaseAddress = h.Host.BaseUrl, Timeout = TimeSpan.FromSeconds(10) };

        using var small = await http.GetAsync("/api/v3/depth?symbol=ETHBTC&limit=5");
        var used = int.Parse(small.Headers.GetValues("X-MBX-USED-WEIGHT-1M").Single(), System.Globalization.CultureInfo.InvariantCulture);
        using var doc = JsonDocument.Parse(await small.Content.ReadAsStringAsync());
        Assert.Equal(["lastUpdateId", "bids", "asks"], doc.RootElement.EnumerateObject().Select(p => p.Name)); // no E/T on spot
        Assert.Equal(5, doc.RootElement.GetProperty("bids").GetArrayLength());

        using var big = await http.GetAsync("/api/v3/depth?symbol=ETHBTC&limit=1000");
        var after = int.Parse(big.Headers.GetValues("X-MBX-USED-WEIGHT-1M").Single(), System.Globalization.CultureInfo.InvariantCulture);
        Assert.True(after - used == 50 || after == 50, $"limit 1000 weighs 50 (used {used} then {after})"); // (or a new minute began)

        using var tooDeep = await http.GetAsync("/api/v3/depth?symbol=ETHBTC&limit=5001");
        Assert.Equal(400, (int)tooDeep.StatusCode);
        using var unknown = await http.GetAsync("/api/v3/depth?symbol=NOPEBTC");
        Assert.Contains("-1121", await unknown.Content.ReadAsStringAsync());

        // USD-M keeps its own layout.
        using var futures = JsonDocument.Parse(await http.GetStringAsync("/fapi/v1/depth?symbol=BTCUSDT&limit=5"));
        Assert.True(futures.RootElement.TryGetProperty("E", out _) && futures.RootElement.TryGetProperty("T", out _));
    }

    [Fact]
    public async Task The_drop_control_cuts_only_the_connections_carrying_the_stream()
    {
        await using var h = await StartAsync();
        var ws = h.Host.WebSocketUrl;
        await using var ethbtc = await WsTestClient.ConnectAsync(new Uri(ws, "/stream?streams=ethbtc@depth@100ms/ethbtc@bookTicker"));
        await using var both = await WsTestClient.ConnectAsync(new Uri(ws, "/stream?streams=btcusdt@depth@100ms/ethusdt@depth@100ms"));
        await WaitAsync(() => h.Host.State.Hub.SessionCount == 2);
        using var http = new HttpClient { BaseAddress = h.Host.BaseUrl, Timeout = TimeSpan.FromSeconds(10) };

        using var answer = await http.PostAsync("/sim/control/drop-websockets?stream=ETHBTC@depth@100ms", null);
        Assert.Equal("""{"dropped":1}""", await answer.Content.ReadAsStringAsync());

        await Assert.ThrowsAnyAsync<WebSocketException>(() => ethbtc.ReceiveAsync());
        await WaitAsync(() => h.Host.State.Hub.SessionCount == 1);
        h.Host.Control.Step(h.Host.State.Frames.Length); // the other connection still gets its combined frames
        using var frame = JsonDocument.Parse(await both.ReceiveAsync());
        Assert.Matches("^(btcusdt|ethusdt)@depth@100ms$", frame.RootElement.GetProperty("stream").GetString());
    }

    [Fact]
    public void The_synthetic_ethbtc_book_chains_by_the_spot_rule()
    {
        var frames = SpotTriangleTape.SyntheticEthBtc(50);
        var book = new LocalOrderBook(DepthSequenceRule.Spot);
        using var snapshot = JsonDocument.Parse(frames[0].Json);
        book.ApplySnapshot(snapshot.RootElement.GetProperty("lastUpdateId").GetInt64(), [], []);
        foreach (var f in frames.Skip(1))
        {
            using var d = JsonDocument.Parse(f.Json);
            Assert.Equal(BookApplyResult.Applied, book.ApplyDiff(d.RootElement.GetProperty("U").GetInt64(), d.RootElement.GetProperty("u").GetInt64(), -1, [], []));
        }
    }

    private static async Task WaitAsync(Func<bool> condition)
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        while (!condition())
        {
            await Task.Delay(5, cts.Token);
        }
    }
}
