using System.Globalization;
using System.IO.Compression;
using System.Text.Json;
using Arbitrage.Core.Funding;
using static Arbitrage.Core.Tests.Funding.FundingFixture;

namespace Arbitrage.Core.Tests.Funding;

/// <summary>
/// The one settlement/interval rule of the mark-price stream (<see cref="FundingRoll"/>), on hand-made rolls and on real
/// Binance data: the ETHUSDT settled history 2020–2023 and the BTCUSDT markPrice@1s recording of 2023-04-05.
/// </summary>
public sealed class FundingRollTests
{
    private const long H = 3_600_000;
    private const long T = 1_680_652_800_000; // 2023-04-05T00:00Z

    [Theory]
    [InlineData(8 * H, 8)]
    [InlineData(4 * H, 4)]
    [InlineData(1 * H, 1)]
    [InlineData(24 * H, 24)]
    [InlineData(25 * H, null)]   // more than a day: a missed roll, not an interval
    [InlineData(8 * H + 2, null)] // settlement times with exchange jitter say nothing about the interval
    [InlineData(30 * 60_000, null)]
    public void A_forward_roll_is_a_settlement_at_the_old_time_with_the_old_rate_and_its_spacing_in_whole_hours_is_the_interval(long gap, int? hours)
    {
        var roll = FundingRoll.Between(T, 0.0000276m, T + gap);
        Assert.Equal(new FundingRoll(new FundingSettlement(T, 0.0000276m), hours), roll);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-8 * H)]
    public void No_roll_when_the_next_funding_time_does_not_move_forward(long gap) =>
        Assert.Null(FundingRoll.Between(T, 0.0001m, T + gap));

    [Fact]
    public void The_quote_overload_reads_the_earlier_quotes_time_and_rate()
    {
        var before = new MarkPriceQuote("BTCUSDT", T - 10, 28155.1m, 28165.04857143m, 28141.47600845m, 0.0000276m, T);
        var after = before with { EventTimeMs = T + 990, PredictedRate = 0.0001m, NextFundingTimeMs = T + 8 * H };
        Assert.Equal(new FundingRoll(new FundingSettlement(T, 0.0000276m), 8), FundingRoll.Between(before, after));
        Assert.Null(FundingRoll.Between(after, after with { EventTimeMs = T + 1990 }));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(4)]
    [InlineData(8)]
    [InlineData(24)]
    public void Annualising_at_an_interval_is_rate_times_settlements_per_day_times_365(int hours)
    {
        const decimal rate = 0.0000276m;
        Assert.Equal(rate * (24m / hours) * 365m, FundingInterval.Annualise(rate, hours));
        Assert.Equal(FundingStats.Annualise(rate, FundingInterval.SettlementsPerDay(hours)), FundingInterval.Annualise(rate, hours));
    }

    [Fact]
    public void Annualising_at_an_impossible_interval_is_refused() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => FundingInterval.Annualise(0.0001m, 0));

    [Fact]
    public void On_the_real_eth_history_the_stream_rule_finds_every_settlement_and_the_interval_the_history_implies()
    {
        // The stream announces the scheduled time (whole hours) and predicts the rate that is then settled; the REST history
        // records the exchange's settlement time, a few ms late. Replay that stream for 2020–2023 through the rule.
        var history = FundingRateHistoryCsv.Read(EthCsvPath(), UtcPlus3).Select(r => r.Settlement).ToArray();
        Assert.True(history.Length > 4000, $"{history.Length} rows");
        var quotes = new List<(long EventMs, long NextMs, decimal Rate)>();
        for (var i = 1; i < history.Length; i++)
        {
            var (previous, next) = (Scheduled(history[i - 1].TimeMs), Scheduled(history[i].TimeMs));
            quotes.Add((previous + 1_000, next, history[i].Rate));
            quotes.Add((next - 60_000, next, history[i].Rate));
        }

        var detected = new List<FundingRoll>();
        for (var i = 1; i < quotes.Count; i++)
        {
            if (FundingRoll.Between(quotes[i - 1].NextMs, quotes[i - 1].Rate, quotes[i].NextMs) is { } roll) detected.Add(roll);
        }

        // Every settlement but the first (announced before the file starts) and the last (never rolled past).
        Assert.Equal(history.Length - 2, detected.Count);
        var settledWithJitter = 0;
        for (var i = 0; i < detected.Count; i++)
        {
            var settled = history[i + 1];
            Assert.Equal(settled.Rate, detected[i].Settlement.Rate);
            var late = settled.TimeMs - detected[i].Settlement.TimeMs;
            Assert.InRange(late, 0, 60_000); // the ±60 s the funding store uses to let the history confirm an estimate
            if (late > 0) settledWithJitter++;
            Assert.Equal(FundingInterval.InferHours(history, settled.TimeMs), detected[i].IntervalHours);
        }

        Assert.True(settledWithJitter > 1000, $"{settledWithJitter} settlements with exchange jitter"); // the history's times are not the schedule
        Assert.All(detected, r => Assert.Equal(8, r.IntervalHours));
    }

    [Fact]
    public void On_the_real_btcusdt_recording_the_rule_sees_the_00_00_settlement_once_at_the_recorded_rate()
    {
        var quotes = ReadRecordedQuotes();
        Assert.True(quotes.Count >= 10, $"{quotes.Count} markPrice frames");
        var rolls = new List<FundingRoll>();
        for (var i = 1; i < quotes.Count; i++)
        {
            if (FundingRoll.Between(quotes[i - 1], quotes[i]) is { } roll) rolls.Add(roll);
        }

        var only = Assert.Single(rolls);
        Assert.Equal(new FundingRoll(new FundingSettlement(T, 0.0000276m), 8), only);
    }

    /// <summary>The exchange schedules settlements on whole hours; the history's times carry ms of jitter.</summary>
    private static long Scheduled(long settledMs) => (settledMs + H / 2) / H * H;

    /// <summary>markPriceUpdate frames of the recorded tape (hftbacktest format: <c>&lt;local µs&gt; &lt;combined-stream JSON&gt;</c>).</summary>
    private static List<MarkPriceQuote> ReadRecordedQuotes()
    {
        const string name = "binance_usdm_BTCUSDT_ws_depth0ms_bookTicker_trade_markPrice1s_2023-04-05T0000Z_head3000.hftbt.gz";
        using var file = File.OpenRead(Path.Combine(AppContext.BaseDirectory, "fixtures", name));
        using var reader = new StreamReader(new GZipStream(file, CompressionMode.Decompress));
        var quotes = new List<MarkPriceQuote>();
        while (reader.ReadLine() is { } line)
        {
            if (!line.Contains("\"markPriceUpdate\"", StringComparison.Ordinal)) continue;
            using var doc = JsonDocument.Parse(line[(line.IndexOf(' ', StringComparison.Ordinal) + 1)..]);
            var d = doc.RootElement.GetProperty("data");
            quotes.Add(new MarkPriceQuote(d.GetProperty("s").GetString()!, d.GetProperty("E").GetInt64(), Dec(d, "p"), Dec(d, "i"), Dec(d, "P"), Dec(d, "r"), d.GetProperty("T").GetInt64()));
        }

        return quotes;
    }

    private static decimal Dec(JsonElement e, string name) => decimal.Parse(e.GetProperty(name).GetString()!, CultureInfo.InvariantCulture);
}
