using Arbitrage.Core.Funding;
using Arbitrage.Core.Funding.Carry;
using Arbitrage.Engine.Funding;
using Arbitrage.Engine.Funding.Carry;
using Arbitrage.Engine.Tests.Symbols;
using Xunit.Abstractions;

namespace Arbitrage.Engine.Tests.Funding.Carry;

public sealed class CarryBacktestTests(ITestOutputHelper output) : SqliteTestKit(output)
{
    [Fact]
    public async Task The_real_2023_recording_opens_a_carry_and_accrues_exactly_the_00_00_settlement_at_the_recordings_rate()
    {
        var recorded = FundingTestData.ReadMarkPrices(FundingTestData.MarkPriceTape);
        var roll = recorded.FindIndex(u => u.NextFundingTimeMs > recorded[0].NextFundingTimeMs);
        Assert.True(roll > 0, "the recording crosses a settlement");
        var before = recorded[roll - 1];
        Assert.Equal(1_680_652_800_000, before.NextFundingTimeMs); // 2023-04-05T00:00Z
        Assert.Equal(0.0000276m, before.PredictedRate);

        // The recording starts at 00:00:00.010, after the settlement time (its first frames still announce T = 00:00
        // until the exchange rolls it). A carry opened then would rightly not earn the 00:00 funding, so one seed
        // update (a copy of the first frame, 1 s earlier) opens the carry before it; everything after is the recording.
        var seed = recorded[0] with { EventTimeMs = recorded[0].EventTimeMs - 1000 };
        Assert.True(seed.EventTimeMs < before.NextFundingTimeMs);
        var updates = new List<MarkPriceUpdate>(recorded.Count + 1) { seed };
        updates.AddRange(recorded);

        // Thresholds low enough to open on the first update and never exit.
        var config = new CarryConfig("carry_replay", new CarryParameters(-1m, -1m, -1m, 24L * 3_600_000), 10_000m, ["BTCUSDT"]);
        var results = await CarryBacktest.RunAsync(Sys, updates, config);

        var carry = Assert.Single(results);
        var first = seed;
        var last = updates[^1];
        Assert.Equal(first.EventTimeMs, carry.OpenedMs);
        Assert.Null(carry.ClosedMs);
        Assert.Equal("open", carry.ExitReason);
        Assert.Equal(1, carry.Settlements);

        var position = CarryPosition.Open("BTCUSDT", 10_000m, first.IndexPrice, first.MarkPrice, config.SpotStep, config.PerpStep, first.EventTimeMs);
        Assert.Equal(position.PerpQuantity * before.MarkPrice * before.PredictedRate, carry.FundingUsd);
        var fees = (position.SpotQuantity * first.IndexPrice + position.PerpQuantity * first.MarkPrice) * config.FeeRate;
        Assert.Equal(fees, carry.FeesUsd);
        var basisPnl = position.SpotQuantity * (last.IndexPrice - first.IndexPrice) + position.PerpQuantity * (first.MarkPrice - last.MarkPrice);
        Assert.Equal(basisPnl, carry.BasisPnlUsd);
        Assert.Equal(basisPnl + carry.FundingUsd - fees, carry.NetUsd);

        var csv = new StringWriter();
        CarryCsv.Write(csv, results);
        var lines = csv.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(CarryCsv.Header, lines[0]);
        var cells = lines[1].Split(',');
        Assert.Equal(["BTCUSDT", first.EventTimeMs.ToString(System.Globalization.CultureInfo.InvariantCulture), "", "10000"], cells[..4]);
        Assert.Equal(carry.FundingUsd, decimal.Parse(cells[4], System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(["1", "open"], cells[8..]);
    }

    [Fact]
    public async Task A_backtest_with_thresholds_the_recording_never_reaches_stays_flat_and_the_csv_is_just_the_header()
    {
        var updates = FundingTestData.ReadMarkPrices(FundingTestData.MarkPriceTape);
        var config = new CarryConfig("carry_replay", new CarryParameters(5m, -0.0005m, 0.03m, 24L * 3_600_000), 10_000m, ["BTCUSDT"]);
        var results = await CarryBacktest.RunAsync(Sys, updates, config);
        Assert.Empty(results);
        var csv = new StringWriter();
        CarryCsv.Write(csv, results);
        Assert.Equal(CarryCsv.Header + "\n", csv.ToString());
    }
}
