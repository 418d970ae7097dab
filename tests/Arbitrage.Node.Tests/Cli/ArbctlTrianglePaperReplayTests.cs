using System.Globalization;
using System.Text.Json;
using Arbitrage.Testing;
using Microsoft.Data.Sqlite;

namespace Arbitrage.Node.Tests.Cli;

/// <summary>
/// Paper replay over the RECORDED triangle tapes (issue 16): the real <c>arbctl replay --triangles-out
/// --triangle-trades-out --journal-dir</c> with <c>"execute": true</c>, then an independent check of every leg fill read
/// back from the replay's SQLite journal (<c>triangle-leg-intended.v1</c> + <c>triangle-leg-answered.v1</c>) against the
/// tape as this test reads it itself (its own JSONL parse in <c>decimal</c>, not the engine's books): a buy's average price
/// lies between the best ask and the deepest ask its quantity needed, a sell's between the best bid and the deepest bid,
/// never better than the top of the book; the quote amount is exactly the walk of the executed quantity over the
/// recorded levels (so every level it took is a recorded one), never past the order's limit.
/// <para>
/// Settings, and why: with any realistic fee neither tape clears a positive execution floor (<c>execute_min_net_return</c>
/// must be &gt; 0). At <c>"taker_fee": 0</c> (the loader allows [0, 0.1)) and a small notional (USD 10, BTC 0.00016,
/// ETH 0.004) the Gemini tape crosses once: USD&gt;ETH&gt;BTC (and its rotations) reaches +1.599e-5 at 16:46:02.500
/// (1618677962500) for 295 ms (at USD 1000 the same loop peaks at −0.00021: the top levels are thin). So the floor is
/// 1e-6 and <c>max_slippage_bps</c> 0 (a LIMIT buy reserves quantity × limit, so any slippage allowance costs the plan
/// more than the 1.6 bps the cycle offers). The bitFlyer tape never crosses: its best cycle peaks at −0.000161 at 110,000
/// JPY and −0.000137 at the top of the book (JPY 1) with a zero fee, so under no valid config does it give an attempt;
/// its replay shows every episode missed <c>below_floor</c>. The fill check holds for any fee.
/// </para>
/// <para>
/// The time of a fill: the paper gateway answers a leg at its send time + <c>paper_latency_ms</c> (the answer's
/// <c>time_ms</c>) on the books as they are just before the first later book, i.e. the recorded book of the pair after
/// every tape event up to that time. With no latency the leg fills at once, after one of the events at that time.
/// </para>
/// </summary>
public sealed class ArbctlTrianglePaperReplayTests : IDisposable
{
    public const string Gemini = "gemini_BTCUSD_ETHUSD_ETHBTC_books_2021-04-17T1645Z_30s.top20.jsonl";
    public const string BitFlyer = "bitflyer_BTC_JPY_ETH_JPY_ETH_BTC_books_2021-07-22T2229Z_30s.top20.jsonl";

    private readonly string _dir = Path.Combine(Path.GetTempPath(), "arb-tests", "arbctl-tri-paper-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(_dir, recursive: true);
        }
        catch (IOException)
        {
            // A temp directory.
        }
    }

    /// <summary>Three executing configs on three venues (own paper balances and risk): LIMIT IOC at once, LIMIT IOC and MARKET late.</summary>
    private static readonly (string Venue, string OrderType, int LatencyMs)[] Variants =
        [("limit-now", "limit_ioc", 0), ("limit-late", "limit_ioc", 50), ("market-late", "market", 100)];

    private string Strategies(string name, string symbols, string startAssets)
    {
        var dir = Path.Combine(_dir, name, "strategies");
        Directory.CreateDirectory(Path.Combine(dir, "triangles"));
        foreach (var (venue, type, latency) in Variants)
        {
            File.WriteAllText(Path.Combine(dir, "triangles", venue + ".json"), $$"""
                { "id": "{{venue.Replace('-', '_')}}", "venue": "{{venue}}", "symbols": {{symbols}}, "start_assets": {{startAssets}},
                  "taker_fee": 0, "min_net_return": -0.001, "execute": true, "execute_min_net_return": 0.000001,
                  "max_slippage_bps": 0, "leg_order_type": "{{type}}", "cooldown_ms": 100, "paper_latency_ms": {{latency}} }
                """);
        }

        return dir;
    }

    private async Task<Run> Replay(string name, string tape, string strategies)
    {
        var dir = Path.Combine(_dir, name);
        var journal = Path.Combine(dir, "journal");
        var episodes = Path.Combine(dir, "episodes.csv");
        var attempts = Path.Combine(dir, "attempts.csv");
        var (exit, _, stderr) = await ArbctlProcess.RunAsync(
            Path.Combine(dir, "arbctl.json"), null,
            "replay", "--tape", Path.Combine(RepoPaths.Fixtures, tape), "--strategies", strategies, "--hocon", RepoPaths.Hocon,
            "--triangles-out", episodes, "--triangle-trades-out", attempts, "--journal-dir", journal);
        Assert.True(exit == 0, stderr);
        return new Run(Csv(episodes), Csv(attempts), File.ReadAllLines(attempts)[0], Journal(Path.Combine(journal, "replay.db")));
    }

    [Fact]
    public async Task Gemini_paper_replay_takes_the_recorded_crossing_and_every_leg_fills_within_the_recorded_book()
    {
        var strategies = Strategies("gemini", """["BTC/USD", "ETH/USD", "ETH/BTC"]""", """{ "USD": 10, "BTC": 0.00016, "ETH": 0.004 }""");
        var run = await Replay("gemini", Gemini, strategies);
        var tape = RecordedTape.Read(Path.Combine(RepoPaths.Fixtures, Gemini));

        Assert.Equal("attempt_id,start_ms,end_ms,venue,cycle,start_asset,start_amount,end_amount,pnl_start_asset,pnl_usd,fees_usd,outcome,legs_filled,slippage_bps", run.AttemptsHeader);

        // Every venue takes the crossing of 16:46:02.422–.717 (inside the longer episodes above min_net_return −0.001).
        foreach (var (venue, _, _) in Variants)
        {
            var taken = run.Episodes.Where(e => e["venue"] == venue && e["action"] == "taken").ToList();
            Assert.NotEmpty(taken);
            Assert.All(taken, e => Assert.True(long.Parse(e["start_ms"], CultureInfo.InvariantCulture) <= 1618677962422
                && (e["end_ms"] == string.Empty || long.Parse(e["end_ms"], CultureInfo.InvariantCulture) >= 1618677962717), string.Join(',', e.Values)));
            Assert.Contains(run.Attempts, a => a["venue"] == venue);
        }

        // Attempts start only while the loop is crossed (the evaluations at or above the floor).
        Assert.All(run.Attempts, a => Assert.InRange(long.Parse(a["start_ms"], CultureInfo.InvariantCulture), 1618677962422, 1618677962716));

        Assert.True(run.Attempts.Count >= 6, $"{run.Attempts.Count} attempts");
        CheckEpisodesAndAttempts(run);
        var checkedLegs = CheckFills(run, tape);
        Assert.True(checkedLegs >= 3 * run.Attempts.Count, $"{checkedLegs} legs checked for {run.Attempts.Count} attempts");
    }

    [Fact]
    public async Task BitFlyer_paper_replay_never_clears_a_positive_floor_even_at_zero_fee_every_episode_missed_below_floor()
    {
        var strategies = Strategies("bitflyer", """["BTC/JPY", "ETH/JPY", "ETH/BTC"]""", """{ "JPY": 1000, "BTC": 0.00016, "ETH": 0.004 }""");
        var run = await Replay("bitflyer", BitFlyer, strategies);
        var tape = RecordedTape.Read(Path.Combine(RepoPaths.Fixtures, BitFlyer));

        Assert.Empty(run.Attempts);
        Assert.NotEmpty(run.Episodes);
        Assert.All(run.Episodes, e => Assert.Equal(("missed", "below_floor"), (e["action"], e["reason"])));
        var best = run.Episodes.Max(e => double.Parse(e["peak_net_return"], CultureInfo.InvariantCulture));
        Assert.InRange(best, -0.001, 0);
        Assert.DoesNotContain(run.Journal, j => j.Manifest == "triangle-leg-intended.v1");
        Assert.Equal(0, CheckFills(run, tape));
        Assert.NotEmpty(tape.Events);
    }

    /// <summary>Episodes say taken or missed with a reason; each attempt's CSV row is its journaled result, consistent with its legs.</summary>
    private static void CheckEpisodesAndAttempts(Run run)
    {
        Assert.All(run.Episodes, e => Assert.True(e["action"] == "taken" ? e["reason"] == string.Empty : e["action"] == "missed" && e["reason"] != string.Empty, string.Join(',', e.Values)));
        var ended = run.Journal.Where(j => j.Manifest == "triangle-attempt-ended.v1").ToDictionary(j => j.Json.GetProperty("attempt_id").GetString()!, j => j.Json.GetProperty("result"));
        Assert.Equal(run.Attempts.Count, ended.Count);
        foreach (var a in run.Attempts)
        {
            var id = a["attempt_id"];
            var result = ended[id];
            Assert.Equal(result.GetProperty("outcome").GetString(), a["outcome"]);
            Assert.Equal(result.GetProperty("legs_filled").GetInt32().ToString(CultureInfo.InvariantCulture), a["legs_filled"]);
            Assert.Equal(result.GetProperty("start_ms").GetInt64().ToString(CultureInfo.InvariantCulture), a["start_ms"]);
            Assert.Equal(result.GetProperty("end_ms").GetInt64().ToString(CultureInfo.InvariantCulture), a["end_ms"]);
            var start = Dec(a["start_amount"]);
            var end = Dec(a["end_amount"]);
            Assert.Equal(result.GetProperty("start_amount").GetDecimal(), start);
            Assert.Equal(result.GetProperty("end_amount").GetDecimal(), end);
            Assert.Equal(end - start, Dec(a["pnl_start_asset"]));
            Assert.Equal(0m, Dec(a["fees_usd"]));

            // Its legs, read from the journal: the start asset back = the last leg's net receipt + the start asset leg 1 left unspent.
            var legs = Legs(run, id);
            var cycleLegs = legs.Where(l => !l.Unwind).ToList();
            Assert.Equal(cycleLegs.Count(l => l.Status == "filled"), int.Parse(a["legs_filled"], CultureInfo.InvariantCulture));
            Assert.Equal(a["outcome"] == "unwound", legs.Any(l => l.Unwind));
            if (a["outcome"] == "completed")
            {
                Assert.Equal(3, cycleLegs.Count);
                var (first, last) = (cycleLegs[0], cycleLegs[2]);
                var unspent = start - (first.Side == "buy" ? first.QuoteQty : first.ExecutedQty);
                var back = (last.Side == "sell" ? last.QuoteQty : last.ExecutedQty) - last.Commission;
                Assert.Equal(back + unspent, end);
            }

            // The episode of its venue and cycle that holds its start is taken.
            var ms = long.Parse(a["start_ms"], CultureInfo.InvariantCulture);
            Assert.Contains(run.Episodes, e => e["venue"] == a["venue"] && e["cycle"] == a["cycle"] && e["action"] == "taken"
                && long.Parse(e["start_ms"], CultureInfo.InvariantCulture) <= ms
                && (e["end_ms"] == string.Empty || ms <= long.Parse(e["end_ms"], CultureInfo.InvariantCulture)));
        }
    }

    /// <summary>Every journaled leg with a fill against the recorded book of its pair at its fill time; returns the legs checked.</summary>
    private static int CheckFills(Run run, RecordedTape tape)
    {
        int checkedLegs = 0;
        foreach (var attempt in run.Journal.Where(j => j.Manifest == "triangle-attempt-started.v1").Select(j => j.Json.GetProperty("attempt_id").GetString()!))
        {
            var venue = run.Journal.First(j => j.Manifest == "triangle-attempt-started.v1" && j.Json.GetProperty("attempt_id").GetString() == attempt).Json.GetProperty("venue").GetString()!;
            var latency = Variants.Single(v => v.Venue == venue).LatencyMs;
            foreach (var leg in Legs(run, attempt))
            {
                Assert.True(leg.AnsweredMs >= leg.IntendedMs, $"{leg.ClientOrderId}: answered at {leg.AnsweredMs} before its intent at {leg.IntendedMs}");
                if (leg.ExecutedQty == 0m) continue;
                var books = tape.BooksAt(leg.Symbol, leg.AnsweredMs, exact: latency > 0);
                Assert.True(books.Count > 0, $"{leg.ClientOrderId}: no recorded {leg.Symbol} book at {leg.AnsweredMs}");
                var failures = books.Select(b => Within(leg, b)).ToList();
                Assert.True(failures.Any(f => f is null), $"{leg.ClientOrderId} ({leg.Side} {leg.ExecutedQty} {leg.Symbol} for {leg.QuoteQty} at {leg.AnsweredMs}): {string.Join("; ", failures)}");
                checkedLegs++;
            }
        }

        return checkedLegs;
    }

    /// <summary>Null when <paramref name="leg"/>'s fill lies within <paramref name="book"/>; else why not.</summary>
    private static string? Within(Leg leg, RecordedBook book)
    {
        var levels = leg.Side == "buy" ? book.Asks : book.Bids;
        if (levels.Length == 0) return "empty side";
        decimal left = leg.ExecutedQty, quote = 0m, deepest = levels[0].Price;
        foreach (var (price, qty) in levels)
        {
            if (left <= 0m) break;
            var take = Math.Min(left, qty);
            quote += take * price;
            left -= take;
            deepest = price;
        }

        if (left > 0m) return $"executed more than the recorded book holds ({left} left)";
        var best = levels[0].Price;
        var average = leg.QuoteQty / leg.ExecutedQty;
        var (low, high) = leg.Side == "buy" ? (best, deepest) : (deepest, best);
        // decimal's 28 digits round the products and the division in their last places: a tolerance of 1e-18 relative.
        var tolerance = average * 1e-18m;
        if (average < low - tolerance || average > high + tolerance) return $"average {average} outside [{low}, {high}] of the book at {book.TimeMs}";
        if (Math.Abs(quote - leg.QuoteQty) > leg.QuoteQty * 1e-15m) return $"quote {leg.QuoteQty} is not the walk of the recorded levels ({quote}) at {book.TimeMs}";
        if (leg.LimitPrice is { } limit && (leg.Side == "buy" ? deepest > limit : deepest < limit)) return $"took a level at {deepest} past the limit {limit}";
        if (leg.Status == "filled" && leg.QuoteQuantity == 0m && leg.ExecutedQty != leg.Quantity) return $"filled {leg.ExecutedQty} of {leg.Quantity}";
        return null;
    }

    private static List<Leg> Legs(Run run, string attemptId)
    {
        var events = run.Journal.Where(j => j.Json.GetProperty("attempt_id").GetString() == attemptId).ToList();
        var legs = new List<Leg>();
        foreach (var intent in events.Where(e => e.Manifest == "triangle-leg-intended.v1").Select(e => e.Json))
        {
            var id = intent.GetProperty("client_order_id").GetString()!;
            var answer = events.Single(e => e.Manifest == "triangle-leg-answered.v1" && e.Json.GetProperty("client_order_id").GetString() == id).Json;
            var order = intent.GetProperty("order");
            legs.Add(new Leg(
                id, intent.GetProperty("unwind").GetBoolean(), order.GetProperty("symbol").GetString()!, order.GetProperty("side").GetString()!,
                order.GetProperty("quantity").GetDecimal(), order.GetProperty("quote_quantity").GetDecimal(),
                order.GetProperty("limit_price").ValueKind == JsonValueKind.Null ? null : order.GetProperty("limit_price").GetDecimal(),
                intent.GetProperty("time_ms").GetInt64(), answer.GetProperty("status").GetString()!, answer.GetProperty("executed_qty").GetDecimal(),
                answer.GetProperty("quote_qty").GetDecimal(), answer.GetProperty("commission").GetDecimal(), answer.GetProperty("time_ms").GetInt64()));
        }

        return legs;
    }

    private static List<JournalRow> Journal(string db)
    {
        Assert.True(File.Exists(db), db);
        var rows = new List<JournalRow>();
        using (var connection = new SqliteConnection($"Data Source={db};Mode=ReadOnly;Pooling=False"))
        {
            connection.Open();
            using var command = connection.CreateCommand();
            command.CommandText = "SELECT manifest, message FROM journal WHERE persistence_id LIKE 'triangle-attempt-%' ORDER BY ordering";
            using var reader = command.ExecuteReader();
            while (reader.Read())
            {
                rows.Add(new JournalRow(reader.GetString(0), JsonDocument.Parse((byte[])reader.GetValue(1)).RootElement.Clone()));
            }
        }

        return rows;
    }

    private static List<Dictionary<string, string>> Csv(string path)
    {
        var lines = File.ReadAllLines(path);
        var header = lines[0].Split(',');
        return lines.Skip(1).Where(l => l.Length > 0)
            .Select(l => l.Split(',').Select((v, i) => (header[i], v)).ToDictionary(p => p.Item1, p => p.v)).ToList();
    }

    private static decimal Dec(string s) => decimal.Parse(s, NumberStyles.Float, CultureInfo.InvariantCulture);

    private sealed record Run(List<Dictionary<string, string>> Episodes, List<Dictionary<string, string>> Attempts, string AttemptsHeader, List<JournalRow> Journal);

    private sealed record JournalRow(string Manifest, JsonElement Json);

    private sealed record Leg(
        string ClientOrderId, bool Unwind, string Symbol, string Side, decimal Quantity, decimal QuoteQuantity, decimal? LimitPrice, long IntendedMs,
        string Status, decimal ExecutedQty, decimal QuoteQty, decimal Commission, long AnsweredMs);

    private sealed record RecordedBook(long TimeMs, (decimal Price, decimal Qty)[] Bids, (decimal Price, decimal Qty)[] Asks);

    /// <summary>The JSONL book tape as recorded (ARCHITECTURE §7: each line a pair's full book after the event), in file order, in decimal.</summary>
    private sealed class RecordedTape
    {
        public List<(string Symbol, RecordedBook Book)> Events { get; } = [];

        public static RecordedTape Read(string path)
        {
            var tape = new RecordedTape();
            foreach (var line in File.ReadLines(path))
            {
                if (line.Length == 0) continue;
                var e = JsonDocument.Parse(line).RootElement;
                tape.Events.Add((e.GetProperty("symbol").GetString()!, new RecordedBook(e.GetProperty("timestamp").GetInt64(), Levels(e.GetProperty("bids")), Levels(e.GetProperty("asks")))));
            }

            Assert.True(tape.Events.Zip(tape.Events.Skip(1), (a, b) => a.Book.TimeMs <= b.Book.TimeMs).All(ok => ok), $"{path}: not in time order");
            return tape;
        }

        /// <summary>
        /// The book of <paramref name="symbol"/> after every event up to <paramref name="timeMs"/> (<paramref name="exact"/>);
        /// otherwise also its book after each event at exactly <paramref name="timeMs"/> (a fill with no latency happens
        /// right after one of them).
        /// </summary>
        public List<RecordedBook> BooksAt(string symbol, long timeMs, bool exact)
        {
            var books = new List<RecordedBook>();
            RecordedBook? current = null;
            foreach (var (s, book) in Events)
            {
                if (book.TimeMs > timeMs) break;
                if (s == symbol) current = book;
                if (!exact && book.TimeMs == timeMs && current is not null) books.Add(current);
            }

            if (current is not null) books.Add(current);
            return books;
        }

        private static (decimal, decimal)[] Levels(JsonElement side) =>
            side.EnumerateArray().Select(l => (l[0].GetDecimal(), l[1].GetDecimal())).ToArray();
    }
}
