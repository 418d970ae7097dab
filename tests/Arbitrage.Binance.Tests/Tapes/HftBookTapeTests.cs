using System.IO.Compression;
using System.Text;
using System.Text.Json;
using Arbitrage.Binance.Tapes;
using Arbitrage.Core.Triangles;

namespace Arbitrage.Binance.Tests.Tapes;

public class HftBookTapeTests
{
    internal const string BtcHead = "binance_spot_BTCUSDT_ws_depth100ms_bookTicker_trade_2024-08-08T2354Z_head3000.hftbt.gz";
    internal const string EthHead = "binance_spot_ETHUSDT_ws_depth100ms_bookTicker_trade_2024-08-08T2354Z_head3000.hftbt.gz";
    internal const string BtcFull = "binance_spot_BTCUSDT_ws_depth100ms_bookTicker_trade_2024-08-08T2354Z_6min.hftbt.gz";
    internal const string EthFull = "binance_spot_ETHUSDT_ws_depth100ms_bookTicker_trade_2024-08-08T2354Z_6min.hftbt.gz";

    [Theory]
    [InlineData(BtcHead, "BTC/USDT", false)]
    [InlineData(EthHead, "ETH/USDT", false)]
    [InlineData(BtcFull, "BTC/USDT", true)]
    public void Books_equal_the_snapshot_plus_the_diffs_applied_by_the_spot_rule_at_exchange_time(string file, string pair, bool shared)
    {
        var path = shared ? TestData.Shared(file) : TestData.Fixture(file);
        var expected = Expected(path, 200);
        var tape = new HftBookTape(path);
        var events = tape.Read().ToList();

        Assert.Equal(expected.Times.Count, events.Count);
        Assert.All(events, e => Assert.Equal(pair, e.Symbol));
        Assert.Equal(expected.Times, events.Select(e => e.TimeMs).ToList());
        foreach (var (index, bids, asks) in expected.Books)
        {
            Assert.Equal(bids, events[index].Bids);
            Assert.Equal(asks, events[index].Asks);
        }

        // Event time is the exchange's E: the collector's local clock runs ≈1.27 s behind it in these files.
        Assert.Equal(expected.FirstLocalMs + 1271, events[0].TimeMs, tolerance: 200);
        Assert.Equal(expected.BookTickers, tape.Stats.BookTickersIgnored);
        Assert.Equal(expected.Trades, tape.Stats.TradesIgnored);
        Assert.Equal(1, tape.Stats.SnapshotsApplied);
        Assert.Equal(0, tape.Stats.Gaps);
        Assert.Equal(events.Count, tape.Stats.Events);
        Assert.False(tape.IsApproximated);
    }

    [Fact]
    public void A_break_in_the_diff_chain_empties_the_book_until_a_later_snapshot()
    {
        var dir = Directory.CreateTempSubdirectory("hftbt-gap-");
        try
        {
            var path = Path.Combine(dir.FullName, "gap.hftbt.gz");
            Write(path,
                """{"lastUpdateId":100,"bids":[["10.0","1.0"]],"asks":[["11.0","1.0"]]}""",
                Diff(1000, 95, 101, """[["10.0","2.0"]]""", "[]"),
                Diff(1100, 102, 103, "[]", """[["11.5","3.0"]]"""),
                Diff(1200, 110, 111, """[["9.0","1.0"]]""", "[]"), // 104..109 missing
                Diff(1300, 112, 112, """[["9.5","1.0"]]""", "[]"),
                """{"lastUpdateId":111,"bids":[["9.0","5.0"]],"asks":[["12.0","1.0"]]}""",
                Diff(1400, 113, 113, "[]", """[["12.5","1.0"]]"""));
            var tape = new HftBookTape(path);
            var events = tape.Read().ToList();

            Assert.Equal([1000L, 1100, 1200, 1300, 1400], events.Select(e => e.TimeMs));
            Assert.Equal([new BookLevel(10.0, 2.0)], events[0].Bids);
            Assert.Equal([new BookLevel(11.0, 1.0), new BookLevel(11.5, 3.0)], events[1].Asks);
            Assert.Empty(events[2].Bids); // the gap: no book
            Assert.Empty(events[2].Asks);
            // The later snapshot resynchronises: the buffered 112 applies over it, emitted at its E.
            Assert.Equal([new BookLevel(9.5, 1.0), new BookLevel(9.0, 5.0)], events[3].Bids);
            Assert.Equal([new BookLevel(12.0, 1.0), new BookLevel(12.5, 1.0)], events[4].Asks);
            Assert.Equal(1, tape.Stats.Gaps);
            Assert.Equal(2, tape.Stats.SnapshotsApplied);
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    [Fact]
    public void A_symbol_the_rule_cannot_split_is_refused_with_the_file_and_line()
    {
        var dir = Directory.CreateTempSubdirectory("hftbt-symbol-");
        try
        {
            var path = Path.Combine(dir.FullName, "odd.hftbt.gz");
            Write(path, """{"lastUpdateId":100,"bids":[],"asks":[]}""", Diff(1000, 95, 101, "[]", "[]").Replace("BTCUSDT", "FOOBAR", StringComparison.Ordinal));
            var error = Assert.Throws<TapeFormatException>(() => new HftBookTape(path).Read().ToList());
            Assert.Equal($"{path}:2: symbol FOOBAR: cannot tell its base from its quote asset", error.Message[..(error.Message.IndexOf(" (", StringComparison.Ordinal))]);
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    private static string Diff(long e, long first, long final, string bids, string asks) =>
        $$$"""{"stream":"btcusdt@depth@100ms","data":{"e":"depthUpdate","E":{{{e}}},"s":"BTCUSDT","U":{{{first}}},"u":{{{final}}},"b":{{{bids}}},"a":{{{asks}}}}}""";

    private static void Write(string path, params string[] jsonLines)
    {
        using var gz = new GZipStream(File.Create(path), CompressionLevel.Fastest);
        using var w = new StreamWriter(gz, new UTF8Encoding(false));
        long local = 1_723_161_253_937_085_768;
        foreach (var l in jsonLines)
        {
            w.Write($"{local++} {l}\n");
        }
    }

    private sealed record Expectation(List<long> Times, List<(int Index, BookLevel[] Bids, BookLevel[] Asks)> Books, long BookTickers, long Trades, long FirstLocalMs);

    /// <summary>The events a spot-rule reader must give, computed from the text with System.Text.Json and <see cref="IndependentBook"/>.</summary>
    private static Expectation Expected(string path, int levels)
    {
        var lines = new List<string>();
        using (var reader = new StreamReader(new GZipStream(File.OpenRead(path), CompressionMode.Decompress)))
        {
            while (reader.ReadLine() is { } l)
            {
                lines.Add(l);
            }
        }

        var book = new IndependentBook();
        var pending = new List<JsonElement>();
        var times = new List<long>();
        var books = new List<(BookLevel[], BookLevel[])>();
        long? last = null; // u of the book; null before the snapshot
        long tickers = 0, trades = 0, firstLocal = 0;
        foreach (var line in lines)
        {
            var sp = line.IndexOf(' ', StringComparison.Ordinal);
            var root = JsonDocument.Parse(line[(sp + 1)..]).RootElement;
            if (root.TryGetProperty("lastUpdateId", out var id))
            {
                book.Snapshot(root.GetProperty("bids"), root.GetProperty("asks"));
                last = id.GetInt64();
                bool bridged = false;
                long at = 0;
                foreach (var d in pending)
                {
                    if (d.GetProperty("u").GetInt64() <= last)
                    {
                        continue;
                    }

                    Assert.True(bridged || d.GetProperty("U").GetInt64() <= last + 1, "the first replayed diff must bridge the snapshot");
                    Apply(book, d, ref last);
                    bridged = true;
                    at = d.GetProperty("E").GetInt64();
                }

                pending.Clear();
                if (bridged)
                {
                    times.Add(at);
                    books.Add((book.Bids(levels), book.Asks(levels)));
                }

                continue;
            }

            var stream = root.GetProperty("stream").GetString()!;
            var data = root.GetProperty("data");
            if (stream.EndsWith("@bookTicker", StringComparison.Ordinal))
            {
                tickers++;
            }
            else if (stream.EndsWith("@trade", StringComparison.Ordinal))
            {
                trades++;
            }
            else if (data.GetProperty("e").GetString() == "depthUpdate")
            {
                if (times.Count == 0 && firstLocal == 0)
                {
                    firstLocal = long.Parse(line[..sp], System.Globalization.CultureInfo.InvariantCulture) / 1_000_000;
                }

                if (last is null)
                {
                    pending.Add(data.Clone());
                }
                else if (data.GetProperty("u").GetInt64() > last)
                {
                    Assert.Equal(last + 1, data.GetProperty("U").GetInt64());
                    Apply(book, data, ref last);
                    times.Add(data.GetProperty("E").GetInt64());
                    books.Add((book.Bids(levels), book.Asks(levels)));
                }
            }
        }

        var checks = new List<(int, BookLevel[], BookLevel[])>();
        foreach (var i in new[] { 0, 1, books.Count / 3, books.Count / 2, books.Count - 1 })
        {
            checks.Add((i, books[i].Item1, books[i].Item2));
        }

        return new Expectation(times, checks, tickers, trades, firstLocal);
    }

    private static void Apply(IndependentBook book, JsonElement d, ref long? last)
    {
        book.Apply(d.GetProperty("b"), d.GetProperty("a"));
        last = d.GetProperty("u").GetInt64();
    }
}
