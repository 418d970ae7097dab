using Arbitrage.Core.Triangles;

namespace Arbitrage.Core.Tests.Triangles;

/// <summary>The JSONL book tape (the Arbitrade seed's replay format, ARCHITECTURE §7).</summary>
public sealed class BookTapeTests
{
    private const string Tape = "tapes/books.jsonl";

    [Fact]
    public void The_seeds_example_line_reads_as_a_full_book_at_its_ISO_time()
    {
        var e = Assert.Single(BookTape.Parse(Tape, """
            {"timestamp": "2026-06-01T12:00:00Z", "symbol": "BTC/USD", "bids": [[100.0, 1.0]], "asks": [[101.0, 1.0]]}
            """));
        Assert.Equal(new DateTimeOffset(2026, 6, 1, 12, 0, 0, TimeSpan.Zero).ToUnixTimeMilliseconds(), e.TimeMs);
        Assert.Equal("BTC/USD", e.Symbol);
        Assert.Equal([new BookLevel(100, 1)], e.Bids);
        Assert.Equal([new BookLevel(101, 1)], e.Asks);
        Assert.Equal(1, e.Line);
    }

    [Theory]
    [InlineData("1618677942586", 1618677942586)]
    [InlineData("1618677942586.9", 1618677942586)]
    [InlineData("\"1618677942586\"", 1618677942586)]
    [InlineData("\"2021-04-17T16:45:42.586Z\"", 1618677942586)]
    [InlineData("\"2021-04-17T16:45:42.586999Z\"", 1618677942586)]
    [InlineData("\"2021-04-17T18:45:42.586+02:00\"", 1618677942586)]
    [InlineData("\"2021-04-17T16:45:42.586\"", 1618677942586)]
    [InlineData("\"2021-04-17 16:45:42.586Z\"", 1618677942586)]
    public void Timestamps_are_epoch_milliseconds_or_ISO_8601_floored_to_the_millisecond(string json, long expected)
    {
        var e = BookTape.ParseLine($$"""{"timestamp":{{json}},"symbol":"ETH/BTC","bids":[],"asks":[]}""", Tape, 1);
        Assert.Equal(expected, e.TimeMs);
    }

    [Fact]
    public void Numbers_may_be_strings_extra_level_fields_and_other_keys_are_ignored()
    {
        var e = BookTape.ParseLine(
            """{"exchange":"kraken","timestamp":1,"symbol":"XBT/USD","bids":[["60696.02","0.02","1618677942.5"]],"asks":[[60720.31,1e-3]],"seq":{"a":[1]}}""", Tape, 9);
        Assert.Equal([new BookLevel(60696.02, 0.02)], e.Bids);
        Assert.Equal([new BookLevel(60720.31, 0.001)], e.Asks);
    }

    [Fact]
    public void Lines_replay_in_timestamp_order_and_equal_timestamps_keep_their_order()
    {
        var events = BookTape.Parse(Tape, string.Join("\n",
            """{"timestamp":3000,"symbol":"A/B","bids":[],"asks":[]}""",
            "",
            """{"timestamp":1000,"symbol":"C/D","bids":[],"asks":[]}""",
            """{"timestamp":3000,"symbol":"E/F","bids":[],"asks":[]}""",
            """{"timestamp":"1970-01-01T00:00:01Z","symbol":"G/H","bids":[],"asks":[]}""",
            "   \r",
            """{"timestamp":2000,"symbol":"A/B","bids":[],"asks":[]}""") + "\r\n");
        Assert.Equal([(1000L, "C/D", 3), (1000, "G/H", 5), (2000, "A/B", 7), (3000, "A/B", 1), (3000, "E/F", 4)],
            events.Select(e => (e.TimeMs, e.Symbol, e.Line)));
        Assert.Same(events[2].Symbol, events[3].Symbol);

        var merged = BookTape.Merge([events, BookTape.Parse("other.jsonl", """{"timestamp":1000,"symbol":"Z/Y","bids":[],"asks":[]}""")]);
        Assert.Equal(["C/D", "G/H", "Z/Y", "A/B", "A/B", "E/F"], merged.Select(e => e.Symbol));
    }

    [Theory]
    [InlineData("""[1,2]""", "expected a JSON object")]
    [InlineData("""{"timestamp":1,"symbol":"A/B","bids":[]}""", "required key \"asks\" is missing")]
    [InlineData("""{"symbol":"A/B","bids":[],"asks":[]}""", "required key \"timestamp\" is missing")]
    [InlineData("""{"timestamp":1,"timestamp":2,"symbol":"A/B","bids":[],"asks":[]}""", "key \"timestamp\" appears more than once")]
    [InlineData("""{"timestamp":"yesterday","symbol":"A/B","bids":[],"asks":[]}""", "timestamp must be epoch milliseconds (a number or a string of digits) or an ISO-8601 time (got \"yesterday\")")]
    [InlineData("""{"timestamp":true,"symbol":"A/B","bids":[],"asks":[]}""", "timestamp must be epoch milliseconds")]
    [InlineData("""{"timestamp":1,"symbol":"BTCUSD","bids":[],"asks":[]}""", "symbol must be a string BASE/QUOTE, e.g. \"BTC/USD\" (got \"BTCUSD\")")]
    [InlineData("""{"timestamp":1,"symbol":"A/B","bids":{},"asks":[]}""", "bids must be an array of [price, quantity] (got an object)")]
    [InlineData("""{"timestamp":1,"symbol":"A/B","bids":[[1,1],5],"asks":[]}""", "bids[1] must be [price, quantity] (got 5)")]
    [InlineData("""{"timestamp":1,"symbol":"A/B","bids":[],"asks":[[1]]}""", "asks[0] must be [price, quantity] (the quantity is missing)")]
    [InlineData("""{"timestamp":1,"symbol":"A/B","bids":[],"asks":[[0,1]]}""", "asks[0]: price must be a number > 0 (got 0)")]
    [InlineData("""{"timestamp":1,"symbol":"A/B","bids":[[1,-2]],"asks":[]}""", "bids[0]: quantity must be a number ≥ 0 (got -2)")]
    [InlineData("""{"timestamp":1,"symbol":"A/B","bids":[["NaN",1]],"asks":[]}""", "bids[0]: price must be a finite number (got \"NaN\")")]
    [InlineData("""{"timestamp":1,"symbol":"A/B","bids":[["1,5",1]],"asks":[]}""", "bids[0]: price must be a finite number (got \"1,5\")")]
    [InlineData("""{"timestamp":1,"symbol":"A/B","bids":[],"asks":[]} {}""", "invalid JSON at position")]
    [InlineData("""{"timestamp":1,"symbol":"A/B","bids":[],"asks":[] """, "invalid JSON at position")]
    public void A_bad_line_is_refused_with_the_file_and_line_number_and_what_is_wrong(string line, string problem)
    {
        var text = """{"timestamp":1,"symbol":"A/B","bids":[],"asks":[]}""" + "\n\n" + line + "\n";
        var ex = Assert.Throws<BookTapeException>(() => BookTape.Parse(Tape, text));
        Assert.Equal((Tape, 3), (ex.SourceName, ex.Line));
        Assert.StartsWith($"{Tape}:3: {problem}", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_fixture_tapes_parse_with_sorted_books_in_time_order()
    {
        foreach (var fixture in new[] { RealBookTapeTests.Gemini, RealBookTapeTests.BitFlyer })
        {
            var events = RealBookTapeTests.Load(fixture);
            Assert.Equal(events.OrderBy(e => e.TimeMs).ThenBy(e => e.Line).Select(e => e.Line), events.Select(e => e.Line));
            Assert.All(events, e =>
            {
                Assert.InRange(e.Bids.Length, 1, 20);
                Assert.True(e.Bids.Zip(e.Bids.Skip(1)).All(p => p.First.Price > p.Second.Price));
                Assert.True(e.Asks.Zip(e.Asks.Skip(1)).All(p => p.First.Price < p.Second.Price));
            });
        }
    }
}
