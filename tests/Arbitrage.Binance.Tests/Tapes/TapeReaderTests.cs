using System.IO.Compression;
using System.Text;
using Arbitrage.Binance.Protocol;
using Arbitrage.Binance.Tapes;
using Arbitrage.Core.MarketData;

namespace Arbitrage.Binance.Tests.Tapes;

public class TapeReaderTests
{
    private const string CsvHead = "BTCUSD_PERP-aggTrades-2026-05-08.head4500.csv";
    private const string ZipHead = "BTCUSD_PERP-aggTrades-2026-05-08.head20000.zip";
    private const string SharedZip = "tommyca_binance_datatool__BTCUSD_PERP__futures_cm__aggTrades__2026-05-08.zip";
    private const string UsdmHft = "binance_usdm_BTCUSDT_ws_depth0ms_bookTicker_trade_2024-08-08T2354Z_head3000.hftbt.gz";
    private const string Usdm2023 = "binance_usdm_BTCUSDT_ws_depth0ms_bookTicker_trade_markPrice1s_2023-04-05T0000Z_head3000.hftbt.gz";
    private const string SpotEth = "binance_spot_ETHUSDT_ws_depth100ms_bookTicker_trade_2024-08-08T2354Z_head3000.hftbt.gz";
    private const string CfWs = "binance_usdm_4sym_ws_aggTrade_depth100ms_bookTicker_kline_2021-07-22_30s.cryptofeed.txt";
    private const string CfRest = "binance_usdm_4sym_rest_depth_snapshots_2021-07-22.cryptofeed.txt";

    [Theory]
    [InlineData(CsvHead, TapeFormat.AggTradesCsv)]
    [InlineData(ZipHead, TapeFormat.AggTradesCsv)]
    [InlineData(UsdmHft, TapeFormat.HftBacktest)]
    [InlineData(CfWs, TapeFormat.Cryptofeed)]
    [InlineData(CfRest, TapeFormat.Cryptofeed)]
    public void Detects_formats(string fixture, TapeFormat expected) => Assert.Equal(expected, TapeReader.Detect(TestData.Fixture(fixture)));

    [Fact]
    public void Csv_fixture_reads_every_row_with_values_from_the_file()
    {
        var trades = TapeReader.ReadTrades(TestData.Fixture(CsvHead)).ToList();
        Assert.Equal(4500, trades.Count);
        Assert.All(trades, t => Assert.Equal("BTCUSD_PERP", t.Symbol));
        // 480537903,79972.8,542.0,1123474160,1123474164,1778198400020,false
        Assert.Equal(new Trade(480537903, 79972.8, 542.0, 1778198400020, false), trades[0].Trade);
        Assert.Equal(new Trade(480537904, 79972.9, 1.0, 1778198400024, false), trades[1].Trade);
        for (int i = 1; i < trades.Count; i++)
        {
            Assert.Equal(trades[i - 1].Trade.AggId + 1, trades[i].Trade.AggId); // no id gaps in this dump
        }
    }

    [Fact]
    public void Zip_fixture_equals_plain_csv_prefix()
    {
        var zip = TapeReader.ReadTrades(TestData.Fixture(ZipHead)).ToList();
        Assert.Equal(20000, zip.Count);
        Assert.Equal("BTCUSD_PERP", zip[0].Symbol); // from the zip entry name
        var csv = TapeReader.ReadTrades(TestData.Fixture(CsvHead)).Select(t => t.Trade);
        Assert.Equal(csv, zip.Take(4500).Select(t => t.Trade));
    }

    [Fact]
    public void Full_day_has_105280_rows_via_batch_path()
    {
        string path = TestData.HasShared(SharedZip) ? TestData.Shared(SharedZip) : TestData.Fixture(ZipHead);
        int expected = TestData.HasShared(SharedZip) ? 105_280 : 20_000;
        var sink = new CountingSink();
        TapeReader.ReadTrades(path, sink, batchSize: 1000);
        Assert.Equal(expected, sink.Count);
        Assert.Equal("BTCUSD_PERP", sink.Symbol);
        Assert.True(sink.MaxBatch <= 1000);
        Assert.True(sink.Ordered);
    }

    [Fact]
    public void Spot_layout_without_header_and_micros_reads_like_futures_layout()
    {
        var rows = File.ReadLines(TestData.Fixture(CsvHead)).Skip(1).Take(300).ToList();
        string dir = Directory.CreateTempSubdirectory("arb-tape").FullName;
        string spot = Path.Combine(dir, "ETHBTC-aggTrades-2025-01-01.csv");
        File.WriteAllLines(spot, rows.Select(r =>
        {
            var f = r.Split(',');
            return $"{f[0]},{f[1]},{f[2]},{f[3]},{f[4]},{f[5]}000,{(f[6] == "true" ? "True" : "False")},True";
        }));
        var expected = TapeReader.ReadTrades(TestData.Fixture(CsvHead)).Take(300).Select(t => t.Trade).ToList();
        var got = TapeReader.ReadTrades(spot).ToList();
        Assert.Equal(expected, got.Select(t => t.Trade));
        Assert.Equal("ETHBTC", got[0].Symbol);
        Assert.Equal("XYZ", TapeReader.ReadTrades(spot, "XYZ").First().Symbol);

        // CRLF and no trailing newline
        string crlf = Path.Combine(dir, "X-aggTrades.csv");
        File.WriteAllText(crlf, "agg_trade_id,price,quantity,first_trade_id,last_trade_id,transact_time,is_buyer_maker\r\n1,2.5,3,1,1,1000,true\r\n2,2.75,1,2,2,1001,false");
        Assert.Equal([new Trade(1, 2.5, 3, 1000, true), new Trade(2, 2.75, 1, 1001, false)], TapeReader.ReadTrades(crlf).Select(t => t.Trade));
        Directory.Delete(dir, true);
    }

    [Fact]
    public void Bad_csv_row_names_file_and_line()
    {
        string dir = Directory.CreateTempSubdirectory("arb-tape").FullName;
        string path = Path.Combine(dir, "BTCUSDT-aggTrades-x.csv");
        File.WriteAllText(path, "agg_trade_id,price,quantity,first_trade_id,last_trade_id,transact_time,is_buyer_maker\n1,2,3,1,1,1000,true\n2,abc,3,1,1,1000,true\n");
        var ex = Assert.Throws<TapeFormatException>(() => TapeReader.ReadTrades(path).ToList());
        Assert.Equal(3, ex.Line);
        Assert.StartsWith(path + ":3:", ex.Message);
        Directory.Delete(dir, true);
    }

    [Fact]
    public void Csv_frames_are_futures_aggTrade_json()
    {
        var frame = TapeReader.ReadFrames(TestData.Fixture(CsvHead)).First();
        Assert.Equal("btcusd_perp@aggTrade", frame.Stream);
        Assert.Equal(1778198400020, frame.ReceiveTimeMs);
        Assert.Equal("""{"e":"aggTrade","E":1778198400020,"s":"BTCUSD_PERP","a":480537903,"p":"79972.8","q":"542.0","f":1123474160,"l":1123474164,"T":1778198400020,"m":false}""", frame.Json);
        Assert.True(AggTradeFrame.TryParse(Encoding.UTF8.GetBytes(frame.Json), new SymbolTable(), out var e, out _));
        Assert.Equal(new Trade(480537903, 79972.8, 542.0, 1778198400020, false), e.ToTrade());
    }

    [Fact]
    public void Hftbacktest_2024_nanosecond_tape()
    {
        var frames = TapeReader.ReadFrames(TestData.Fixture(UsdmHft)).ToList();
        Assert.Equal(3000, frames.Count);
        Assert.Equal(1723161255030, frames[0].ReceiveTimeMs); // 1723161255030314667 ns
        Assert.Equal("btcusdt@depth@0ms", frames[0].Stream);
        Assert.StartsWith("""{"e":"depthUpdate","E":1723161256299,""", frames[0].Json);
        var snap = frames[54]; // line 55
        Assert.Null(snap.Stream);
        Assert.StartsWith("""{"lastUpdateId":5123107852948,""", snap.Json);
        Assert.Equal(234, frames.Count(f => f.Stream == "btcusdt@depth@0ms"));

        var trades = TapeReader.ReadTrades(TestData.Fixture(UsdmHft)).ToList();
        Assert.Equal(469, trades.Count);
        Assert.Equal(new Trade(5266583935, 61800.30, 0.006, 1723161256322, false), trades[0].Trade);
    }

    [Fact]
    public void Hftbacktest_2023_microsecond_tape_with_mark_prices()
    {
        var frames = TapeReader.ReadFrames(TestData.Fixture(Usdm2023)).ToList();
        Assert.Equal(1680652800005, frames[0].ReceiveTimeMs); // 1680652800005184 µs
        var marks = frames.Where(f => f.Stream == "btcusdt@markPrice@1s").ToList();
        Assert.Equal(17, marks.Count);
        Assert.True(MarkPriceFrame.TryParse(Encoding.UTF8.GetBytes(marks[1].Json), new SymbolTable(), out var m, out _));
        Assert.Equal(28155.2m, m.MarkPrice);
        Assert.Equal(1680681600000, m.NextFundingTimeMs); // rolled 00:00 → 08:00
        Assert.Equal(797, TapeReader.ReadTrades(TestData.Fixture(Usdm2023)).Count());
    }

    [Fact]
    public void Spot_hftbacktest_trades_in_order()
    {
        var trades = TapeReader.ReadTrades(TestData.Fixture(SpotEth)).ToList();
        Assert.Equal(450, trades.Count);
        Assert.Equal(new Trade(1520538925, 2683.8, 0.002, 1723161255611, true), trades[0].Trade);
        Assert.Equal(new Trade(1520538926, 2683.8, 0.0345, 1723161255611, true), trades[1].Trade);
        Assert.All(trades, t => Assert.Equal("ETHUSDT", t.Symbol));
    }

    [Fact]
    public void Cryptofeed_tapes()
    {
        var frames = TapeReader.ReadFrames(TestData.Fixture(CfWs)).ToList();
        Assert.Equal(1535, frames.Count); // 1,536 lines minus the URL line
        Assert.Equal(1626992741062, frames[0].ReceiveTimeMs);
        Assert.Equal("sushiusdt@bookTicker", frames[0].Stream);
        var trades = TapeReader.ReadTrades(TestData.Fixture(CfWs)).ToList();
        Assert.Equal(91, trades.Count);
        Assert.Equal(new SymbolTrade("CTKUSDT", new Trade(16599292, 1.011, 10, 1626992741421, false)), trades[0]);
        Assert.Equal(new SymbolTrade("AKROUSDT", new Trade(14888302, 0.01731, 312, 1626992742134, true)), trades[1]);

        var batches = new CountingSink();
        TapeReader.ReadTrades(TestData.Fixture(CfWs), batches);
        Assert.Equal(91, batches.Count);

        var rest = TapeReader.ReadFrames(TestData.Fixture(CfRest)).ToList();
        Assert.Equal(4, rest.Count);
        Assert.Equal("https://fapi.binance.com/fapi/v1/depth?symbol=SUSHIUSDT&limit=1000", rest[0].Stream);
        Assert.Equal(1626992741301, rest[0].ReceiveTimeMs);
        Assert.StartsWith("""{"lastUpdateId":600859605926,""", rest[0].Json);
    }

    [Fact]
    public void Jsonl_writer_and_reader_round_trip_real_frames_plain_and_gzip()
    {
        var source = TapeReader.ReadFrames(TestData.Fixture(UsdmHft)).Take(500).ToList();
        string dir = Directory.CreateTempSubdirectory("arb-tape").FullName;
        foreach (string name in new[] { "rec.jsonl", "rec.jsonl.gz" })
        {
            string path = Path.Combine(dir, name);
            using (var w = new JsonlTapeWriter(path))
            {
                foreach (var f in source)
                {
                    if (f.Stream is null)
                    {
                        w.Write(f);
                    }
                    else
                    {
                        // as the recorder sees it: the raw combined-stream message
                        w.WriteMessage(f.ReceiveTimeMs, Encoding.UTF8.GetBytes($"{{\"stream\":\"{f.Stream}\",\"data\":{f.Json}}}"));
                    }
                }

                Assert.Equal(500, w.FramesWritten);
            }

            Assert.Equal(TapeFormat.Jsonl, TapeReader.Detect(path));
            Assert.Equal(source, TapeReader.ReadFrames(path).ToList());
            Assert.Equal(TapeReader.ReadTrades(TestData.Fixture(UsdmHft)).Take(50), TapeReader.ReadTrades(path).Take(50));
        }

        string first = File.ReadLines(Path.Combine(dir, "rec.jsonl")).First();
        Assert.StartsWith("""{"recv_ms":1723161255030,"stream":"btcusdt@depth@0ms","frame":{"e":"depthUpdate",""", first);
        Directory.Delete(dir, true);
    }

    [Fact]
    public void Bad_json_tape_line_names_file_and_line()
    {
        string dir = Directory.CreateTempSubdirectory("arb-tape").FullName;
        string path = Path.Combine(dir, "bad.hftbt.gz");
        using (var gz = new GZipStream(File.Create(path), CompressionLevel.Fastest))
        using (var sw = new StreamWriter(gz))
        {
            sw.Write("1723161255030314667 {\"stream\":\"a@trade\",\"data\":{}}\nnot-a-line\n");
        }

        var ex = Assert.Throws<TapeFormatException>(() => TapeReader.ReadFrames(path).ToList());
        Assert.Contains(path + ":2:", ex.Message);
        Directory.Delete(dir, true);
    }

    [Theory]
    [InlineData(CsvHead, 1000)]
    [InlineData(ZipHead, 4096)]
    [InlineData(CfWs, 100)] // several symbols: a symbol change flushes the batch
    [InlineData(Usdm2023, 7)]
    public void Buffer_sink_gets_the_same_batches_in_its_own_buffers_and_every_rented_buffer_back(string fixture, int batchSize)
    {
        var path = TestData.Fixture(fixture);
        var expected = new List<(string Symbol, Trade[] Trades)>();
        TapeReader.ReadTrades(path, null, new ListSink(expected), batchSize);

        var sink = new OwningSink();
        TapeReader.ReadTrades(path, null, sink, batchSize);

        Assert.True(expected.Count > 1);
        Assert.Equal(expected.Select(b => b.Symbol), sink.Batches.Select(b => b.Symbol));
        for (var i = 0; i < expected.Count; i++)
        {
            Assert.Equal(expected[i].Trades, sink.Batches[i].Buffer.Take(sink.Batches[i].Count));
        }

        // Every buffer handed out came back exactly once, as a batch or returned unused; no batch shares a buffer.
        Assert.Equal(sink.Rented.Count, sink.Batches.Count + sink.Returned.Count);
        Assert.Equal(sink.Rented.Count, sink.Batches.Select(b => b.Buffer).Concat(sink.Returned).Distinct(ReferenceEqualityComparer.Instance).Count());
    }

    private sealed class ListSink(List<(string, Trade[])> batches) : ITradeBatchSink
    {
        public void OnBatch(string symbol, ReadOnlySpan<Trade> trades) => batches.Add((symbol, trades.ToArray()));
    }

    private sealed class OwningSink : ITradeBufferSink
    {
        public List<Trade[]> Rented { get; } = [];

        public List<Trade[]> Returned { get; } = [];

        public List<(string Symbol, Trade[] Buffer, int Count)> Batches { get; } = [];

        public Trade[] Rent(int minimumLength)
        {
            var buffer = new Trade[minimumLength];
            Rented.Add(buffer);
            return buffer;
        }

        public void OnBatch(string symbol, Trade[] buffer, int count) => Batches.Add((symbol, buffer, count));

        public void Return(Trade[] buffer) => Returned.Add(buffer);
    }

    private sealed class CountingSink : ITradeBatchSink
    {
        private long _lastId = long.MinValue;

        public int Count { get; private set; }

        public int MaxBatch { get; private set; }

        public string? Symbol { get; private set; }

        public bool Ordered { get; private set; } = true;

        public void OnBatch(string symbol, ReadOnlySpan<Trade> trades)
        {
            Symbol = symbol;
            Count += trades.Length;
            MaxBatch = Math.Max(MaxBatch, trades.Length);
            foreach (var t in trades)
            {
                Ordered &= t.AggId > _lastId || symbol != "BTCUSD_PERP";
                _lastId = t.AggId;
            }
        }
    }
}
