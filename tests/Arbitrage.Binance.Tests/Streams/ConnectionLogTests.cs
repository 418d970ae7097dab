using System.Net;
using System.Net.Sockets;
using Arbitrage.Binance.Streams;
using Microsoft.Extensions.Logging;

namespace Arbitrage.Binance.Tests.Streams;

/// <summary>
/// What the reconnecting WebSocket source tells a person: every line names the streams, a drop or a failed connect
/// is a warning with its cause, repeated failures do not flood, and closing it ourselves is not a failure.
/// </summary>
[Collection(nameof(TimingCollection))]
public sealed class ConnectionLogTests : StreamTestBase
{
    private readonly ListLogger _log = new();

    [Fact]
    public async Task A_drop_is_a_warning_naming_the_streams_and_the_cause_and_our_own_close_says_nothing()
    {
        await using var h = await Simulator.SimHarness.StartAsync();
        var options = Options(h) with { Log = _log };
        var probe = Run(BinanceWebSocketSource.Create(options.CombinedStreamUrl(StreamPath.Market, ["btcusdt@aggTrade", "btcusdt@markPrice@1s"]), options));

        await probe.WaitForAsync(e => e is WsConnected, "the first connection");
        await Until(() => h.Host.State.Hub.SessionCount == 1, "the simulator to register the session");
        h.Host.Control.DropAllWebSockets();
        await probe.WaitForAsync(e => e is WsConnected { Attempt: 2 }, "the reconnection");
        await Until(() => h.Host.State.Hub.SessionCount == 1, "the simulator to register the new session");
        probe.KillSwitch.Shutdown();
        await probe.Completion.WaitAsync(Timeout);
        await Until(() => h.Host.State.Hub.SessionCount == 0, "the simulator to see the socket closed");

        var lines = _log.Lines;
        Assert.All(lines, l => Assert.Contains("WebSocket market btcusdt@aggTrade/btcusdt@markPrice@1s:", l.Text, StringComparison.Ordinal));
        Assert.Collection(
            lines,
            l => Assert.Equal((LogLevel.Information, true), (l.Level, l.Text.Contains("connected to ws://127.0.0.1:", StringComparison.Ordinal))),
            l =>
            {
                Assert.Equal(LogLevel.Warning, l.Level);
                Assert.Contains("disconnected from ws://127.0.0.1:", l.Text, StringComparison.Ordinal);
                Assert.Contains("(Error): ", l.Text, StringComparison.Ordinal); // the kind, then the socket's own reason
                Assert.Contains("Reconnecting", l.Text, StringComparison.Ordinal);
            },
            l => Assert.Equal((LogLevel.Information, true), (l.Level, l.Text.Contains("connected again", StringComparison.Ordinal))));
    }

    [Fact]
    public async Task A_node_that_cannot_connect_warns_once_then_every_tenth_attempt()
    {
        var options = new BinanceStreamOptions
        {
            MarketBaseUrl = new Uri($"ws://127.0.0.1:{ClosedPort()}/market"),
            MinBackoff = TimeSpan.FromMilliseconds(5),
            MaxBackoff = TimeSpan.FromMilliseconds(20),
            RandomFactor = 0,
            Log = _log,
        };
        var probe = Run(BinanceWebSocketSource.Create(options.CombinedStreamUrl(StreamPath.Market, ["ethusdt@aggTrade"]), options));
        for (var i = 1; i <= 12; i++)
        {
            await probe.WaitForAsync(e => e is WsDisconnected { Kind: DisconnectKind.ConnectFailed }, $"failed attempt {i}");
        }

        probe.KillSwitch.Shutdown();
        await probe.Completion.WaitAsync(Timeout);

        var warnings = _log.Lines.Where(l => l.Level == LogLevel.Warning).Select(l => l.Text).ToList();
        Assert.Equal(2, warnings.Count);
        Assert.Contains("WebSocket market ethusdt@aggTrade: cannot connect to ws://127.0.0.1:", warnings[0], StringComparison.Ordinal);
        Assert.Contains("check the network, DNS and firewall on the way to 127.0.0.1", warnings[0], StringComparison.Ordinal);
        Assert.Contains("still cannot connect", warnings[1], StringComparison.Ordinal);
        Assert.Contains("after 10 attempts", warnings[1], StringComparison.Ordinal);
        Assert.True(_log.Lines.Count(l => l.Level == LogLevel.Debug) >= 8, "the attempts between the warnings are debug lines");
    }

    [Fact]
    public void Stream_names_are_the_path_and_the_streams_of_the_url()
    {
        Assert.Equal("market btcusdt@aggTrade/btcusdt@markPrice@1s", BinanceWebSocketSource.StreamName(new Uri("wss://fstream.binance.com/market/stream?streams=btcusdt@aggTrade/btcusdt@markPrice@1s")));
        Assert.Equal("btcusdt@depth", BinanceWebSocketSource.StreamName(new Uri("ws://127.0.0.1:1/stream?streams=btcusdt@depth")));
        Assert.Equal("ws/btcusdt@aggTrade", BinanceWebSocketSource.StreamName(new Uri("ws://127.0.0.1:1/ws/btcusdt@aggTrade")));
    }

    private static int ClosedPort()
    {
        var l = new TcpListener(IPAddress.Loopback, 0);
        l.Start();
        var port = ((IPEndPoint)l.LocalEndpoint).Port;
        l.Stop();
        return port;
    }

    private sealed class ListLogger : ILogger
    {
        private readonly List<(LogLevel Level, string Text)> _lines = [];

        public List<(LogLevel Level, string Text)> Lines
        {
            get { lock (_lines) { return [.. _lines]; } }
        }

        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            lock (_lines)
            {
                _lines.Add((logLevel, formatter(state, exception)));
            }
        }
    }
}
