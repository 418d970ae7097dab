using System.Net;
using System.Net.Sockets;
using Arbitrage.Binance.Streams;

namespace Arbitrage.Binance.Tests.Streams;

/// <summary>Timing assertions: run alone, not beside the CPU-heavy tests of other classes.</summary>
[CollectionDefinition(nameof(TimingCollection), DisableParallelization = true)]
public sealed class TimingCollection;

/// <summary>The raw source: back-off on repeated failures, status events, URLs, shutdown.</summary>
[Collection(nameof(TimingCollection))]
public class ReconnectBackoffTests : StreamTestBase
{
    /// <summary>A loopback port nobody listens on (bound, then released).</summary>
    private static int ClosedPort()
    {
        var l = new TcpListener(IPAddress.Loopback, 0);
        l.Start();
        var port = ((IPEndPoint)l.LocalEndpoint).Port;
        l.Stop();
        return port;
    }

    [Fact]
    public async Task Repeated_connection_failures_back_off_exponentially_from_the_minimum_to_the_cap()
    {
        var min = TimeSpan.FromMilliseconds(100);
        var max = TimeSpan.FromMilliseconds(800);
        var options = new BinanceStreamOptions { MinBackoff = min, MaxBackoff = max, RandomFactor = 0 };
        var url = new Uri($"ws://127.0.0.1:{ClosedPort()}/stream?streams=btcusdt@aggTrade");
        var probe = Run(BinanceWebSocketSource.Create(url, options));

        var failures = new List<WsDisconnected>();
        while (failures.Count < 7)
        {
            failures.Add((WsDisconnected)await probe.WaitForAsync(e => e is WsDisconnected, $"connection failure {failures.Count + 1}"));
        }

        probe.KillSwitch.Shutdown();
        Assert.All(failures, f => Assert.Equal(DisconnectKind.ConnectFailed, f.Kind));
        Assert.DoesNotContain(probe.Seen, e => e is WsConnected or WsFrame);

        // Gaps between attempts follow min·2^n capped at max (plus the few ms a refused connect takes):
        // 100, 200, 400, 800, 800, 800 ms. Allow 15 % scheduler slack below, any amount above but the cap's double.
        var gaps = failures.Zip(failures.Skip(1), (a, b) => b.Time - a.Time).ToArray();
        double[] expected = [100, 200, 400, 800, 800, 800];
        for (var i = 0; i < gaps.Length; i++)
        {
            Assert.True(gaps[i].TotalMilliseconds >= expected[i] * 0.85, $"attempt {i + 2} came {gaps[i].TotalMilliseconds:F0} ms after the previous one, expected ≥ {expected[i]} ms; gaps: {string.Join(", ", gaps.Select(g => g.TotalMilliseconds.ToString("F0")))}");
            Assert.True(gaps[i] < max * 2, $"attempt {i + 2} came {gaps[i].TotalMilliseconds:F0} ms after the previous one: above the cap");
        }

        // Within the first 1.5 s (fifteen minimum back-offs) a fixed-delay retry would try ~15 times; back-off at most 5
        // (at 0, 100, 300, 700, 1500 ms). A loaded machine only makes it fewer.
        var window = failures.Count(f => f.Time - failures[0].Time <= TimeSpan.FromMilliseconds(1500));
        Assert.True(window is >= 2 and <= 5, $"{window} attempts in the first 1.5 s; gaps: {string.Join(", ", gaps.Select(g => g.TotalMilliseconds.ToString("F0")))}");
    }

    [Fact]
    public async Task A_connection_that_lived_longer_than_the_minimum_back_off_reconnects_after_the_minimum_again()
    {
        await using var h = await Simulator.SimHarness.StartAsync();
        // A minimum of 2 s: a back-off that did not reset would wait ≥ 4 s, then ≥ 8 s; the margin between 2 and 4 s
        // absorbs a loaded machine's scheduling delays (CI, every test assembly at once, once took 1 s more than asked).
        var options = Options(h) with { MinBackoff = TimeSpan.FromSeconds(2), MaxBackoff = TimeSpan.FromSeconds(30) };
        var url = options.CombinedStreamUrl(StreamPath.Market, ["btcusdt@aggTrade"]);
        var probe = Run(BinanceWebSocketSource.Create(url, options));

        for (var i = 1; i <= 3; i++)
        {
            var c = (WsConnected)await probe.WaitForAsync(e => e is WsConnected, $"connection {i}");
            Assert.Equal(i, c.Attempt);
            await Until(() => h.Host.State.Hub.SessionCount == 1, "the simulator to register the session");
            await Until(() => options.Time.GetUtcNow() - c.Time > TimeSpan.FromMilliseconds(2_100), "the connection to outlive the minimum back-off");
            h.Host.Control.DropAllWebSockets();
            var d = (WsDisconnected)await probe.WaitForAsync(e => e is WsDisconnected, $"disconnect {i}");
            Assert.Equal(DisconnectKind.Error, d.Kind);
        }

        var connects = probe.Seen.OfType<WsConnected>().ToList();
        var disconnects = probe.Seen.OfType<WsDisconnected>().ToList();
        probe.KillSwitch.Shutdown();
        for (var i = 0; i < 2; i++)
        {
            // The back-off resets after a healthy connection: ~2 s each time, not 4 then 8.
            var gap = connects[i + 1].Time - disconnects[i].Time;
            Assert.True(gap < TimeSpan.FromMilliseconds(3_900), $"reconnect {i + 1} took {gap.TotalMilliseconds:F0} ms");
        }
    }

    [Fact]
    public async Task Kill_switch_shutdown_closes_the_socket_and_completes_the_stream()
    {
        await using var h = await Simulator.SimHarness.StartAsync();
        var options = Options(h);
        var probe = Run(BinanceWebSocketSource.Create(options.CombinedStreamUrl(StreamPath.Market, ["btcusdt@aggTrade"]), options));
        await probe.WaitForAsync(e => e is WsConnected, "connection");
        await Until(() => h.Host.State.Hub.SessionCount == 1, "the simulator to register the session");

        probe.KillSwitch.Shutdown();
        await probe.Completion.WaitAsync(Timeout);
        await Until(() => h.Host.State.Hub.SessionCount == 0, "the simulator to see the socket closed");
    }

    [Fact]
    public void Urls_follow_the_2026_split_paths()
    {
        var o = new BinanceStreamOptions();
        Assert.Equal("wss://fstream.binance.com/market/stream?streams=btcusdt@aggTrade/btcusdt@markPrice@1s",
            o.CombinedStreamUrl(StreamPath.Market, ["btcusdt@aggTrade", "btcusdt@markPrice@1s"]).ToString());
        Assert.Equal("wss://fstream.binance.com/public/stream?streams=btcusdt@depth@100ms",
            o.CombinedStreamUrl(StreamPath.Public, ["btcusdt@depth@100ms"]).ToString());
        Assert.Equal(StreamPath.Public, BinanceStreamOptions.PathOf("btcusdt@bookTicker"));
        Assert.Equal(StreamPath.Public, BinanceStreamOptions.PathOf("btcusdt@depth@100ms"));
        Assert.Equal(StreamPath.Market, BinanceStreamOptions.PathOf("btcusdt@forceOrder"));
        Assert.Equal(TimeSpan.FromHours(23) + TimeSpan.FromMinutes(50), o.MaxConnectionAge);
        Assert.True(o.KeepAliveTimeout > TimeSpan.Zero && o.KeepAliveInterval > TimeSpan.Zero);

        var sim = BinanceStreamOptions.ForSingleOrigin(new Uri("http://127.0.0.1:5000"));
        Assert.Equal("ws://127.0.0.1:5000/market/stream?streams=x@aggTrade", sim.CombinedStreamUrl(StreamPath.Market, ["x@aggTrade"]).ToString());
        Assert.Equal(["btcusdt@aggTrade", "btcusdt@markPrice@1s", "btcusdt@forceOrder"], new SymbolFeedSettings("BTCUSDT").MarketStreams);
    }
}
