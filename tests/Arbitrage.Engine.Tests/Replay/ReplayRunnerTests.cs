using System.Globalization;
using Arbitrage.Binance.Tapes;
using Arbitrage.Core.MarketData;
using Arbitrage.Core.Strategies;
using Arbitrage.Engine.Replay;
using Arbitrage.Testing;

namespace Arbitrage.Engine.Tests.Replay;

/// <summary>
/// Two replays of one tape with the shipped strategies (strategies/: the trades-only example, V5.1 and V5.2) as a user runs
/// them; outputs kept for the tests.
/// </summary>
public abstract class ReplayTwice : IAsyncLifetime
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "arb-tests", "replay-" + Guid.NewGuid().ToString("N"));

    protected abstract string Tape { get; }

    /// <summary>The shipped strategies/ unless a fixture brings its own.</summary>
    protected virtual string Strategies => RepoPaths.Strategies;

    protected string Work => _dir;

    public Trade[] Trades { get; private set; } = [];

    public string Symbol { get; private set; } = "";

    public (byte[] Indicators, byte[] Signals)[] Runs { get; } = new (byte[], byte[])[2];

    public byte[][] TradeRuns { get; } = new byte[2][];

    public ReplaySummary? Summary { get; private set; }

    /// <summary>The second run journals into SQLite here (the first keeps its journal in memory).</summary>
    public string JournalDirectory => Path.Combine(_dir, "journal");

    public async Task InitializeAsync()
    {
        var strategies = Strategies;
        var symbolTrades = TapeReader.ReadTrades(Tape).ToArray();
        Symbol = symbolTrades[0].Symbol;
        Trades = symbolTrades.Select(t => t.Trade).ToArray();
        for (var run = 0; run < 2; run++)
        {
            var indicators = Path.Combine(_dir, $"indicators-{run}.csv");
            var signals = Path.Combine(_dir, $"signals-{run}.csv");
            var trades = Path.Combine(_dir, $"trades-{run}.csv");
            Summary = await ReplayRunner.RunAsync(new ReplayOptions
            {
                Tapes = [Tape],
                StrategiesDirectory = strategies,
                HoconDirectory = RepoPaths.Hocon,
                IndicatorsOut = indicators,
                SignalsOut = signals,
                TradesOut = trades,
                JournalDirectory = run == 1 ? JournalDirectory : null,
            });
            Runs[run] = (File.ReadAllBytes(indicators), File.ReadAllBytes(signals));
            TradeRuns[run] = File.ReadAllBytes(trades);
        }
    }

    public Task DisposeAsync()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(_dir, recursive: true);
        }
        catch (IOException)
        {
            // A temp directory.
        }

        return Task.CompletedTask;
    }
}

/// <summary>The first 20 000 aggTrades (≈ 5 h 50 m) of the real BTCUSD_PERP day: ATR from 01:10, signals.</summary>
public sealed class CsvReplay : ReplayTwice
{
    protected override string Tape => Path.Combine(RepoPaths.Fixtures, "BTCUSD_PERP-aggTrades-2026-05-08.head20000.zip");
}

/// <summary>Raw trade frames of a recorded USD-M stream (depth and book tickers are ignored by the replay).</summary>
public sealed class HftReplay : ReplayTwice
{
    protected override string Tape => Path.Combine(RepoPaths.Fixtures, "binance_usdm_BTCUSDT_ws_depth0ms_bookTicker_trade_markPrice1s_2023-04-05T0000Z_head3000.hftbt.gz");
}

/// <summary>
/// The bundled fixture with two copies of the trades-only example (ids <c>a_first</c>, <c>b_second</c>): both signal at the
/// same ticks, so their signals reach the risk guard in the same tick, one of them while the other's trade is open.
/// </summary>
public sealed class TwoStrategiesReplay : ReplayTwice
{
    protected override string Tape => Path.Combine(RepoPaths.Fixtures, "BTCUSD_PERP-aggTrades-2026-05-08.head20000.zip");

    protected override string Strategies
    {
        get
        {
            var dir = Path.Combine(Work, "two-strategies");
            if (!Directory.Exists(dir))
            {
                Directory.CreateDirectory(dir);
                var example = File.ReadAllText(Path.Combine(RepoPaths.Strategies, "example_trades_only.json"));
                foreach (var (id, tag) in new[] { ("a_first", "a"), ("b_second", "b") })
                {
                    var json = System.Text.Json.Nodes.JsonNode.Parse(example)!;
                    json["id"] = id;
                    json["tag"] = tag;
                    File.WriteAllText(Path.Combine(dir, id + ".json"), json.ToJsonString());
                }
            }

            return dir;
        }
    }
}

/// <summary>
/// ReplayRunner end to end (ARCHITECTURE §3): the production actors over a real tape give byte-identical files
/// on every run, with the contract headers, values equal to a naive recompute from the raw trades, and signals
/// whose stops and targets are the entry ∓ ATR multiples of the indicators row at the same tick.
/// </summary>
public sealed class ReplayRunnerTests(CsvReplay csv, HftReplay hft, TwoStrategiesReplay two) : IClassFixture<CsvReplay>, IClassFixture<HftReplay>, IClassFixture<TwoStrategiesReplay>
{
    private const string Example = "example_trades_only";

    private static readonly StrategyDefinition ExampleStrategy =
        StrategyLoader.Load(Path.Combine(RepoPaths.Strategies, Example + ".json")).Definition!;

    [Fact]
    public void Csv_tape_replays_byte_identically_with_the_contract_headers()
    {
        AssertIdenticalRuns(csv);
        Assert.Equal(20_000, csv.Summary!.Trades);
        Assert.Equal(["BTCUSD_PERP"], csv.Summary.Symbols);
    }

    [Fact]
    public void Hftbt_tape_replays_byte_identically_with_the_contract_headers()
    {
        AssertIdenticalRuns(hft);
        Assert.Equal("BTCUSDT", hft.Symbol);
        Assert.Equal(hft.Trades.Length, hft.Summary!.Trades);
        Assert.True(hft.Trades.Length > 500, $"{hft.Trades.Length} trades");
    }

    [Fact]
    public void Csv_indicators_equal_a_naive_recompute_from_the_raw_trades()
    {
        var rows = AssertNaive(csv, step: 7);
        Assert.Contains(rows, r => r[9].Length > 0); // ATR reached
    }

    [Fact]
    public void Hftbt_indicators_equal_a_naive_recompute_from_the_raw_trades()
    {
        var rows = AssertNaive(hft, step: 1);
        Assert.NotEmpty(rows);
    }

    [Fact]
    public void Signals_of_the_shipped_trades_only_example_carry_stops_and_targets_from_the_ATR_of_their_tick()
    {
        var indicators = Rows(csv.Runs[0].Indicators).ToDictionary(r => long.Parse(r[0], CultureInfo.InvariantCulture));
        var signals = Rows(csv.Runs[0].Signals, fields: 10);
        Assert.NotEmpty(signals);
        foreach (var s in signals)
        {
            var time = long.Parse(s[0], CultureInfo.InvariantCulture);
            Assert.Equal(0, time % 15_000);
            Assert.Equal(("BTCUSD_PERP", Example), (s[1], s[2]));
            var tick = indicators[time];
            var atr = D(tick[9]);
            var entry = D(s[5]);
            var side = s[3] switch
            {
                "long" => 1.0,
                "short" => -1.0,
                _ => throw new InvalidDataException(s[3]),
            };

            Assert.True(D(s[4]) >= ExampleStrategy.Threshold, $"score {s[4]}");
            Assert.Equal(entry - (side * ExampleStrategy.TpSl.SlAtr * atr), D(s[6]));
            Assert.Equal(entry + (side * ExampleStrategy.TpSl.Tp1Atr * atr), D(s[7]));
            Assert.Equal(entry + (side * ExampleStrategy.TpSl.Tp2Atr * atr), D(s[8]));

            // Entry = last trade before the tick; direction from the 30 m and 4 h CVD of the same row.
            Assert.Equal(NaiveTicks.At(csv.Trades, time).LastPrice, entry);
            Assert.True(side * D(tick[3]) > 0 && side * D(tick[4]) > 0);
            Assert.StartsWith("\"[{\"\"name\"\":\"\"cvd\"\"", s[9], StringComparison.Ordinal);
        }

        // Cooldown in the output: the same direction never twice within 10 minutes.
        foreach (var side in signals.GroupBy(s => s[3]))
        {
            var times = side.Select(s => long.Parse(s[0], CultureInfo.InvariantCulture)).ToArray();
            for (var i = 1; i < times.Length; i++)
            {
                Assert.True(times[i] - times[i - 1] >= 600_000, $"{side.Key} at {times[i - 1]} and {times[i]}");
            }
        }
    }

    [Fact]
    public void The_paper_executor_trades_the_signals_byte_identically_with_pnl_that_follows_from_entry_and_exit()
    {
        Assert.Equal(csv.TradeRuns[0], csv.TradeRuns[1]);
        var text = System.Text.Encoding.UTF8.GetString(csv.TradeRuns[0]);
        Assert.StartsWith(
            "signal_id,symbol,strategy,direction,entry_time_ms,entry_time,entry,qty,exit_time_ms,exit_time,exit,exit_reason,exit_detail,pnl_usd,pnl_r,fees_usd\n",
            text,
            StringComparison.Ordinal);

        var signalIds = Rows(csv.Runs[0].Signals, fields: 10).Select(s => (s[2], long.Parse(s[0], CultureInfo.InvariantCulture))).ToHashSet();
        var trades = Rows(csv.TradeRuns[0], fields: 16);
        Assert.NotEmpty(trades);
        foreach (var t in trades)
        {
            Assert.Equal(("BTCUSD_PERP", Example), (t[1], t[2]));
            Assert.Contains((t[2], long.Parse(t[4], CultureInfo.InvariantCulture)), signalIds);
            long entryTime = long.Parse(t[4], CultureInfo.InvariantCulture), exitTime = long.Parse(t[8], CultureInfo.InvariantCulture);
            Assert.Equal(DateTimeOffset.FromUnixTimeMilliseconds(entryTime).UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture), t[5]);
            Assert.Equal(DateTimeOffset.FromUnixTimeMilliseconds(exitTime).UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture), t[9]);
            var side = t[3] == "long" ? 1m : -1m;
            decimal entry = decimal.Parse(t[6], CultureInfo.InvariantCulture), qty = decimal.Parse(t[7], CultureInfo.InvariantCulture);
            decimal exit = decimal.Parse(t[10], CultureInfo.InvariantCulture), fees = decimal.Parse(t[15], CultureInfo.InvariantCulture);
            decimal pnl = decimal.Parse(t[13], CultureInfo.InvariantCulture), pnlR = decimal.Parse(t[14], CultureInfo.InvariantCulture);
            Assert.True(exitTime >= entryTime);
            Assert.True(qty > 0 && fees > 0);
            // Net PnL = side × (average exit − entry) × qty − fees; R = PnL / 2 USD risk per trade.
            Assert.Equal(Math.Round((side * (exit - entry) * qty) - fees, 6), Math.Round(pnl, 6));
            Assert.Equal(Math.Round(pnl / 2m, 6), Math.Round(pnlR, 6));
            // The leg that closed the trade: this tape only ever ends trades at a bracket leg, whose code says it all
            // (a flatten by the guard would say hold_timeout or daily_loss, with the rule's words in exit_detail).
            Assert.Contains(t[11], new[] { "stop_loss", "break_even", "tp1", "tp2" });
            Assert.Equal("", t[12]);
        }
    }

    [Fact]
    public void Signals_of_two_strategies_on_one_tick_reach_the_guard_in_strategy_order_on_every_run()
    {
        Assert.Equal(two.TradeRuns[0], two.TradeRuns[1]);
        var signals = Rows(two.Runs[0].Signals, fields: 10);
        Assert.Equal(signals.Count(s => s[2] == "a_first"), signals.Count(s => s[2] == "b_second"));
        Assert.All(signals.GroupBy(s => s[0]), tick => Assert.Equal(["a_first", "b_second"], tick.Select(s => s[2])));

        // The same signals, one tick: the first strategy's trades, the second finds the symbol busy every time.
        var trades = Rows(two.TradeRuns[0], fields: 16);
        Assert.NotEmpty(trades);
        Assert.All(trades, t => Assert.Equal("a_first", t[2]));
        var backtest = two.Summary!.Backtest!;
        Assert.True(backtest.NotTraded["symbol_busy"] >= signals.Count / 2, backtest.Describe());
    }

    [Fact]
    public void The_summary_adds_up_the_trades_csv_in_exit_order()
    {
        var trades = Rows(csv.TradeRuns[0], fields: 16);
        var backtest = csv.Summary!.Backtest!;
        decimal cumulative = 0m, peak = 0m, drawdown = 0m;
        foreach (var t in trades)
        {
            cumulative += decimal.Parse(t[13], CultureInfo.InvariantCulture);
            peak = Math.Max(peak, cumulative);
            drawdown = Math.Max(drawdown, peak - cumulative);
        }

        Assert.Equal(trades.Count, backtest.Trades);
        Assert.Equal(trades.Count(t => decimal.Parse(t[13], CultureInfo.InvariantCulture) > 0), backtest.Wins);
        Assert.Equal(Math.Round(cumulative, 9), Math.Round(backtest.NetPnlUsd, 9));
        Assert.Equal(Math.Round(trades.Sum(t => decimal.Parse(t[14], CultureInfo.InvariantCulture)), 9), Math.Round(backtest.NetPnlR, 9));
        Assert.Equal(Math.Round(trades.Sum(t => decimal.Parse(t[15], CultureInfo.InvariantCulture)), 9), Math.Round(backtest.FeesUsd, 9));
        Assert.Equal(Math.Round(drawdown, 9), Math.Round(backtest.MaxDrawdownUsd, 9));
        Assert.True(backtest.MaxDrawdownUsd > 0 && backtest.Wins > 0 && backtest.Wins < backtest.Trades, backtest.Describe());

        // Every signal is accounted for: traded, refused with a reason, or still open at the end.
        var signals = Rows(csv.Runs[0].Signals, fields: 10).Count;
        Assert.Equal(signals, backtest.Trades + backtest.NotTraded.Values.Sum() + backtest.OpenAtEnd);
        Assert.StartsWith($"backtest: {backtest.Trades} trades, {backtest.Wins} wins", csv.Summary.Describe().Last(), StringComparison.Ordinal);
    }

    [Fact]
    public void The_summary_says_per_strategy_why_the_shipped_v5_strategies_cannot_emit_on_a_trades_only_tape()
    {
        var reports = csv.Summary!.Strategies;
        Assert.Equal([Example, "v51_baseline", "v52_8signals"], reports.Select(r => r.StrategyId));

        var example = reports[0];
        Assert.Equal(Rows(csv.Runs[0].Signals, fields: 10).Count, example.Signals);
        Assert.True(example.Signals > 0);
        Assert.Empty(example.MissingEveryTick);

        foreach (var (v5, reachable, missing) in new[]
        {
            (reports[1], 55.0, new[] { "ls_ratio", "oi", "coinbase_premium" }),
            (reports[2], 45.0, new[] { "ls_ratio", "oi", "coinbase_premium", "funding_rate", "liquidation" }),
        })
        {
            Assert.Equal(0, v5.Signals);
            Assert.Equal(csv.Summary.Ticks, v5.Ticks);
            Assert.Equal(missing, v5.MissingEveryTick.Select(m => m.Name));
            Assert.Equal(reachable, v5.MaxReachable, 9);
            Assert.Equal(reachable, v5.BestScore!.Value, 9); // the trades gave everything they can, at some tick
            Assert.Contains($"< threshold 75", v5.Describe(), StringComparison.Ordinal);
            Assert.Contains($"so at most {reachable} was reachable", v5.Describe(), StringComparison.Ordinal);
        }

        Assert.Equal(
            reports.Select(r => $"strategy {r.StrategyId}: {r.Describe()}"),
            csv.Summary.Describe().Take(3));
    }

    [Fact]
    public void A_replay_with_a_journal_directory_keeps_every_signal_it_wrote_in_sqlite()
    {
        // Run 1 of the fixture journals into SQLite and run 0 in memory; their outputs are byte-identical
        // (AssertIdenticalRuns), and the SQLite journal holds one SignalEmitted per signals row.
        var signalRows = Rows(csv.Runs[1].Signals, fields: 10).Count;
        Assert.True(signalRows > 0);
        using var connection = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={Path.Combine(csv.JournalDirectory, "replay.db")};Mode=ReadOnly");
        connection.Open();
        using var cmd = connection.CreateCommand();
        cmd.CommandText = "SELECT COUNT(*) FROM journal WHERE manifest = 'signal-emitted.v1'";
        Assert.Equal(signalRows, Convert.ToInt32(cmd.ExecuteScalar(), CultureInfo.InvariantCulture));
    }

    private static void AssertIdenticalRuns(ReplayTwice replay)
    {
        Assert.Equal(replay.Runs[0].Indicators, replay.Runs[1].Indicators);
        Assert.Equal(replay.Runs[0].Signals, replay.Runs[1].Signals);
        var indicators = System.Text.Encoding.UTF8.GetString(replay.Runs[0].Indicators);
        var signals = System.Text.Encoding.UTF8.GetString(replay.Runs[0].Signals);
        Assert.StartsWith("time_ms,symbol,trades,cvd_30m,cvd_4h,cvd_24h,vwap_30m,vwap_4h,vwap_24h,atr,atr_pct,p99_qty\n", indicators, StringComparison.Ordinal);
        Assert.StartsWith("time_ms,symbol,strategy,direction,score,entry,sl,tp1,tp2,breakdown_json\n", signals, StringComparison.Ordinal);
        Assert.DoesNotContain('\r', indicators);
        Assert.Equal(replay.Summary!.Ticks, indicators.Count(c => c == '\n') - 1);
    }

    private static List<string[]> AssertNaive(ReplayTwice replay, int step)
    {
        var rows = Rows(replay.Runs[0].Indicators);
        Assert.NotEmpty(rows);
        var checkedRows = new List<string[]>();
        for (var i = 0; i < rows.Count; i += step)
        {
            checkedRows.Add(rows[i]);
        }

        checkedRows.Add(rows[^1]);
        long previous = 0;
        foreach (var row in rows)
        {
            var time = long.Parse(row[0], CultureInfo.InvariantCulture);
            Assert.True(previous == 0 || time == previous + 15_000, $"tick {time} after {previous}");
            previous = time;
        }

        foreach (var row in checkedRows)
        {
            var t = long.Parse(row[0], CultureInfo.InvariantCulture);
            var naive = NaiveTicks.At(replay.Trades, t);
            var at = $"tick {t}";
            Assert.Equal(replay.Symbol, row[1]);
            Assert.Equal(naive.Trades, long.Parse(row[2], CultureInfo.InvariantCulture));
            for (var w = 0; w < 3; w++)
            {
                Close(naive.Cvd[w], D(row[3 + w]), naive.Volume[w], at + " cvd" + w);
                if (naive.Vwap[w] is { } vwap)
                {
                    Close(vwap, D(row[6 + w]), vwap, at + " vwap" + w);
                }
                else
                {
                    Assert.Equal("", row[6 + w]);
                }
            }

            if (naive.Atr is { } atr)
            {
                Close(atr, D(row[9]), atr, at + " atr");
                Assert.Equal(naive.AtrPercentile!.Value, D(row[10]), 9);
            }
            else
            {
                Assert.Equal(("", ""), (row[9], row[10]));
            }

            if (naive.P985 is { } low)
            {
                Assert.InRange(D(row[11]), low, naive.P995!.Value);
            }
            else
            {
                Assert.Equal("", row[11]);
            }
        }

        return rows;
    }

    private static void Close(double expected, double actual, double scale, string what) =>
        Assert.True(Math.Abs(expected - actual) <= 1e-9 * Math.Max(Math.Abs(scale), 1e-12), $"{what}: naive {expected}, replay {actual}");

    private static double D(string field) => double.Parse(field, NumberStyles.Float, CultureInfo.InvariantCulture);

    private static List<string[]> Rows(byte[] csv, int fields = 12)
    {
        var lines = System.Text.Encoding.UTF8.GetString(csv).Split('\n');
        Assert.Equal("", lines[^1]);
        return lines[1..^1].Select(l => l.Split(',', fields)).ToList();
    }
}
