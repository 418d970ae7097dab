using System.Text;
using Arbitrage.Binance.Protocol;
using Arbitrage.Binance.Tapes;

namespace Arbitrage.Binance.Tests.Protocol;

/// <summary>Thousands of mutated real frames: nothing throws and the error counter counts exactly the failures.</summary>
public class FuzzTests
{
    [Fact]
    public void Mutated_real_frames_never_throw_and_errors_are_counted()
    {
        var frames = new List<byte[]>();
        foreach (string f in new[]
                 {
                     "binance_usdm_4sym_ws_aggTrade_depth100ms_bookTicker_kline_2021-07-22_30s.cryptofeed.txt",
                     "binance_usdm_BTCUSDT_ws_depth0ms_bookTicker_trade_markPrice1s_2023-04-05T0000Z_head3000.hftbt.gz",
                     "binance_spot_BTCUSDT_ws_depth100ms_bookTicker_trade_2024-08-08T2354Z_head3000.hftbt.gz",
                 })
        {
            frames.AddRange(TapeReader.ReadFrames(TestData.Fixture(f)).Where(x => x.Json.Length < 4000).Take(1500)
                .Select(x => Encoding.UTF8.GetBytes(x.Stream is null ? x.Json : $"{{\"stream\":\"{x.Stream}\",\"data\":{x.Json}}}")));
        }

        var symbols = new SymbolTable();
        var levels = new DepthLevelBuffer();
        var counter = new FrameErrorCounter();

        // Unmutated: every frame parses with the parser its kind selects.
        foreach (var f in frames)
        {
            Assert.True(Parse(f, symbols, levels, counter), Encoding.UTF8.GetString(f));
        }

        Assert.Equal(0, counter.Count);

        var rng = new Random(20240808);
        long failures = 0;
        int truncations = 0;
        for (int i = 0; i < 30_000; i++)
        {
            var f = frames[rng.Next(frames.Count)];
            byte[] m = Mutate(f, rng, out bool truncated);
            bool ok = Parse(m, symbols, levels, counter);
            if (!ok)
            {
                failures++;
            }

            if (truncated)
            {
                truncations++;
                Assert.False(ok, "a truncated frame must not parse: " + Encoding.UTF8.GetString(m));
            }
        }

        Assert.Equal(failures, counter.Count);
        Assert.True(failures > 10_000, $"only {failures} failures");
        Assert.True(truncations > 1000);
        Assert.Equal(failures, Enum.GetValues<ParseErrorCode>().Sum(c => counter.CountOf(c)));
    }

    [Fact]
    public void Counter_logs_at_most_once_per_interval()
    {
        var time = new ManualTime();
        var counter = new FrameErrorCounter(logInterval: TimeSpan.FromSeconds(10), time: time);
        var reports = new List<long>();
        counter.Reported += (_, _, suppressed) => reports.Add(suppressed);
        for (int i = 0; i < 5; i++)
        {
            counter.Record(ParseError.Malformed("x"), "{"u8);
        }

        time.Advance(TimeSpan.FromSeconds(11));
        counter.Record(ParseError.Missing("s"), "{}"u8);
        Assert.Equal([0L, 4L], reports);
        Assert.Equal(6, counter.Count);
        Assert.Equal(5, counter.CountOf(ParseErrorCode.Malformed));
        Assert.Equal(1, counter.CountOf(ParseErrorCode.MissingField));
    }

    private static bool Parse(byte[] f, SymbolTable symbols, DepthLevelBuffer levels, FrameErrorCounter counter)
    {
        ParseError err;
        bool ok = MarketFrame.Classify(f) switch
        {
            FrameKind.AggTrade => AggTradeFrame.TryParse(f, symbols, out _, out err),
            FrameKind.Trade => TradeFrame.TryParse(f, symbols, out _, out err),
            FrameKind.MarkPrice => MarkPriceFrame.TryParse(f, symbols, out _, out err),
            FrameKind.BookTicker => BookTickerFrame.TryParse(f, symbols, out _, out err),
            FrameKind.DepthUpdate => DepthUpdateFrame.TryParse(f, symbols, levels, out _, out err),
            FrameKind.Kline => KlineFrame.TryParse(f, symbols, out _, out err),
            FrameKind.ForceOrder => ForceOrderFrame.TryParse(f, symbols, out _, out err),
            FrameKind.DepthSnapshot => DepthSnapshotFrame.TryParse(f, levels, out _, out err),
            _ => Unknown(out err),
        };
        return counter.Track(ok, err, f);
    }

    private static bool Unknown(out ParseError err)
    {
        err = new ParseError(ParseErrorCode.WrongEventType, "e");
        return false;
    }

    private static byte[] Mutate(byte[] f, Random rng, out bool truncated)
    {
        truncated = false;
        var m = (byte[])f.Clone();
        switch (rng.Next(5))
        {
            case 0:
                truncated = true;
                return m[..rng.Next(m.Length)];
            case 1:
                m[rng.Next(m.Length)] = (byte)rng.Next(256);
                return m;
            case 2:
            {
                int at = rng.Next(m.Length);
                return [.. m[..at], .. m[(at + 1)..]];
            }

            case 3:
            {
                byte[] special = "\"{}[],:0.-e\\ "u8.ToArray();
                m[rng.Next(m.Length)] = special[rng.Next(special.Length)];
                return m;
            }

            default:
            {
                int at = rng.Next(m.Length);
                int len = Math.Min(rng.Next(1, 40), m.Length - at);
                return [.. m[..at], .. m.AsSpan(at, len), .. m[at..]];
            }
        }
    }

    private sealed class ManualTime : TimeProvider
    {
        private long _ticks;

        public override long TimestampFrequency => TimeSpan.TicksPerSecond;

        public override long GetTimestamp() => _ticks;

        public void Advance(TimeSpan by) => _ticks += by.Ticks;
    }
}
