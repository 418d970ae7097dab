using System.Net.WebSockets;
using System.Text;
using Akka.Streams;
using Akka.Streams.Dsl;
using Arbitrage.Binance.Rest;
using Arbitrage.Binance.Streams;
using Arbitrage.Core.MarketData;
using CsCheck;
using static Arbitrage.Binance.Streams.FeedEvent;
using FrameErrorCounter = Arbitrage.Binance.Protocol.FrameErrorCounter;
using ParseErrorCode = Arbitrage.Binance.Protocol.ParseErrorCode;

namespace Arbitrage.Binance.Tests.Streams;

/// <summary>Malformed frames are counted and skipped; the stream (and the connection) survives them.</summary>
public class MalformedFrameTests : StreamTestBase
{
    private const string Symbol = "BTCUSDT";

    private static string AggTrade(long id, string symbol = Symbol, string? padding = null)
    {
        var t = 1_723_161_240_000 + id;
        var extra = padding is null ? "" : ",\"zz\":\"" + padding + "\"";
        var data = $"{{\"e\":\"aggTrade\",\"E\":{t},\"a\":{id},\"s\":\"{symbol}\",\"p\":\"{60_000 + id % 97}.5\",\"q\":\"0.{id % 9 + 1}\","
            + $"\"f\":{id * 3},\"l\":{id * 3 + 2},\"T\":{t},\"m\":{(id % 2 == 0 ? "true" : "false")}{extra}}}";
        return $"{{\"stream\":\"{symbol.ToLowerInvariant()}@aggTrade\",\"data\":{data}}}";
    }

    /// <summary>Frames that can never parse; each must be counted exactly once.</summary>
    private static byte[] Malformed(int kind, int seed)
    {
        var valid = AggTrade(7 + seed % 50);
        string text = (kind % 8) switch
        {
            0 => valid[..(seed % (valid.Length - 1))], // truncated anywhere
            1 => "not json at all " + seed,
            2 => "",
            3 => valid.Replace("\"a\":", "\"a\":\"x", StringComparison.Ordinal).Replace(",\"s\":", "\",\"s\":", StringComparison.Ordinal), // id is a string
            4 => valid.Replace("\"p\":", "\"P\":", StringComparison.Ordinal), // price missing
            5 => "{\"result\":null,\"id\":" + seed + "}", // a method answer we never asked for
            6 => "{\"stream\":\"btcusdt@markPrice@1s\",\"data\":{\"e\":\"markPriceUpdate\",\"E\":1,\"s\":\"BTCUSDT\",\"p\":\"1.2.3\",\"i\":\"1\",\"r\":\"0\",\"T\":2}}",
            _ => "{\"stream\":\"btcusdt@aggTrade\",\"data\":",
        };
        return Encoding.UTF8.GetBytes(text);
    }

    private sealed class NoHistory : IAggTradeHistory
    {
        public int Calls;

        public Task<BinanceResult<IReadOnlyList<Trade>>> GetFromAsync(string symbol, long fromId, int limit, CancellationToken ct)
        {
            Interlocked.Increment(ref Calls);
            return Task.FromResult(BinanceResult<IReadOnlyList<Trade>>.Ok([]));
        }
    }

    [Fact]
    public async Task Malformed_fragmented_binary_and_oversized_frames_over_a_real_socket()
    {
        var script = new List<ScriptedMessage>();
        var expectedIds = new List<long>();
        var malformed = 0;
        for (long id = 1000; id < 1200; id++)
        {
            if (id % 5 == 0)
            {
                script.Add(new ScriptedMessage(Malformed((int)(id / 5), (int)id)));
                malformed++;
            }

            if (id == 1100)
            {
                script.Add(new ScriptedMessage(Encoding.UTF8.GetBytes("\u0001\u0002 binary junk"), WebSocketMessageType.Binary));
                malformed++;
                script.Add(new ScriptedMessage(Encoding.UTF8.GetBytes(AggTrade(5, "ETHUSDT")))); // another symbol: skipped, not an error
            }

            var padding = id == 1150 ? new string('x', 40_000) : null; // larger than the 16 KB receive buffer
            script.Add(new ScriptedMessage(Encoding.UTF8.GetBytes(AggTrade(id, padding: padding)), FragmentSize: id % 7 == 0 ? 7 : padding is null ? 0 : 4096));
            expectedIds.Add(id);
        }

        await using var server = await ScriptedWebSocketServer.StartAsync(script);
        var errors = new FrameErrorCounter();
        var history = new NoHistory();
        var options = new BinanceStreamOptions { MinBackoff = TimeSpan.FromMilliseconds(50), RandomFactor = 0 };
        var source = BinanceWebSocketSource.Reconnecting(server.Url, options)
            .Via(SymbolFeed.Flow(new SymbolFeedSettings(Symbol), history, errors))
            .ViaMaterialized(KillSwitches.Single<FeedEvent>(), Keep.Right);
        var probe = Run(source);

        await probe.WaitForAsync(e => e is TradeEvent t && t.Trade.AggId == 1199, "the last valid trade");
        probe.KillSwitch.Shutdown();

        Assert.Equal(expectedIds, probe.Seen.OfType<TradeEvent>().Select(t => t.Trade.AggId));
        Assert.Equal(malformed, errors.Count);
        Assert.Equal(1, server.Connections); // no reconnect: bad frames never cost the connection
        Assert.DoesNotContain(probe.Seen, e => e is FeedStatusEvent { Status: FeedStatus.Disconnected });
        Assert.Equal(0, history.Calls);
        Assert.True(errors.CountOf(ParseErrorCode.Malformed) > 0 && errors.CountOf(ParseErrorCode.InvalidValue) > 0 && errors.CountOf(ParseErrorCode.MissingField) > 0);
    }

    [Fact]
    public void Fuzz_random_mixes_of_valid_and_malformed_frames_deliver_every_valid_trade_and_count_every_bad_one()
    {
        // Each element: -1 = the next valid trade, otherwise a malformed frame of that kind/seed.
        var gen = Gen.Frequency((3, Gen.Const(-1)), (1, Gen.Int[0, 10_000])).List[1, 200];
        gen.Sample(
            plan =>
            {
                var errors = new FrameErrorCounter();
                var events = new List<WsEvent> { new WsConnected(new Uri("ws://127.0.0.1/stream"), 1, DateTimeOffset.UnixEpoch) };
                var expected = new List<long>();
                var bad = 0;
                long id = 500;
                foreach (var step in plan)
                {
                    if (step < 0)
                    {
                        events.Add(WsFrame.Copy(Encoding.UTF8.GetBytes(AggTrade(id)), DateTimeOffset.UnixEpoch));
                        expected.Add(id++);
                    }
                    else
                    {
                        events.Add(WsFrame.Copy(Malformed(step, step / 8), DateTimeOffset.UnixEpoch));
                        bad++;
                    }
                }

                var output = Source.From(events)
                    .Via(SymbolFeed.Flow(new SymbolFeedSettings(Symbol), new NoHistory(), errors))
                    .RunWith(Sink.Seq<FeedEvent>(), Materializer)
                    .WaitAsync(Timeout).GetAwaiter().GetResult();

                Assert.Equal(expected, output.OfType<TradeEvent>().Select(t => t.Trade.AggId));
                Assert.Equal(bad, errors.Count);
                Assert.IsType<FeedStatusEvent>(output[0]);
            },
            iter: 60);
    }
}
