using Akka.Actor;
using Arbitrage.Core.Funding;
using Arbitrage.Core.Funding.Carry;
using Arbitrage.Engine.Funding;
using Arbitrage.Engine.Funding.Carry;
using Arbitrage.Engine.Tests.Symbols;
using Arbitrage.Testing;
using Xunit.Abstractions;

namespace Arbitrage.Engine.Tests.Funding;

/// <summary>
/// The settlement/interval rule of the stream is Core's <see cref="FundingRoll"/>, used by the three places that needed it:
/// <see cref="FundingActor"/> (the funding view), <see cref="CarryActor"/> (annualising with the real interval) and
/// <see cref="CarryBacktest"/> (settlements of a replay). On real data they agree with each other and with the rule.
/// </summary>
public sealed class FundingRollRuleTests(ITestOutputHelper output) : SqliteTestKit(output)
{
    private const long Hour = 3_600_000;

    private static readonly FundingSettings Settings = FundingSettings.Default with { FlushInterval = null };

    [Fact]
    public async Task On_the_real_btcusdt_recording_the_funding_view_the_carry_and_the_backtest_see_the_rules_settlement_and_interval()
    {
        var updates = FundingTestData.ReadMarkPrices(FundingTestData.MarkPriceTape);
        var rule = Rolls(updates);
        var only = Assert.Single(rule);
        Assert.Equal(new FundingRoll(new FundingSettlement(1_680_652_800_000, 0.0000276m), 8), only.Roll);

        var (settlements, interval) = await FundingView(updates);
        Assert.Equal(rule.Select(r => FundingSettlementDetected.Of(r.Before, r.Roll)), settlements);
        Assert.Equal(8, interval);
        Assert.Equal(settlements, Backtested(updates));

        // A carry configured for 4 h learns the 8 h interval from the same roll (entries off: it only watches).
        var carry = Sys.ActorOf(CarryActor.Props("BTCUSDT", WatchOnly(intervalHours: 4), new PaperCarryLegGateway(0m)));
        carry.Tell(updates[0]);
        Assert.Equal(4, (await carry.Ask<CarryStatus>(new GetCarryStatus("BTCUSDT"), TimeSpan.FromSeconds(10))).IntervalHours);
        foreach (var u in updates.Skip(1)) carry.Tell(u);
        var status = await carry.Ask<CarryStatus>(new GetCarryStatus("BTCUSDT"), TimeSpan.FromSeconds(10));
        Assert.Equal(8, status.IntervalHours);
        Assert.Equal(FundingInterval.Annualise(updates[^1].PredictedRate, 8), status.PredictedAnnualised);
    }

    [Fact]
    public async Task On_a_stream_of_the_real_eth_settlements_the_backtest_accrues_exactly_what_the_funding_view_detects()
    {
        // The stream the exchange would have sent for ETHUSDT's real settlements (scheduled times, the settled rates as the
        // predicted ones), 8 h apart, then (to show an interval change) 4 h apart for the last twelve.
        var history = FundingRateHistoryCsv.Read(FundingTestData.EthFundingCsv, TimeSpan.FromHours(3)).Take(72).ToArray();
        var updates = new List<MarkPriceUpdate>();
        var previous = (history[0].TimeMs + Hour / 2) / Hour * Hour;
        for (var i = 1; i < history.Length; i++)
        {
            var next = i <= 60 ? (history[i].TimeMs + Hour / 2) / Hour * Hour : previous + 4 * Hour;
            var mark = 130m + i;
            updates.Add(new MarkPriceUpdate("ETHUSDT", previous + 1_000, mark, mark - 0.05m, mark, history[i].Rate, next));
            updates.Add(new MarkPriceUpdate("ETHUSDT", next - 60_000, mark + 0.5m, mark + 0.45m, mark, history[i].Rate, next));
            previous = next;
        }

        var (settlements, interval) = await FundingView(updates);
        Assert.Equal(history.Length - 2, settlements.Count);
        Assert.Equal(4, interval);
        Assert.Equal(Rolls(updates).Select(r => FundingSettlementDetected.Of(r.Before, r.Roll)), settlements);

        // A carry opened on the first update and never closed earns every one of those settlements at its rate and mark.
        var config = new CarryConfig("carry_rule", new CarryParameters(-1m, -1m, -1m, 365L * 24 * Hour), 10_000m, ["ETHUSDT"]);
        var carry = Assert.Single(await CarryBacktest.RunAsync(Sys, updates, config));
        var perp = decimal.Floor(10_000m / updates[0].MarkPrice * 1000m) / 1000m;
        Assert.Equal(settlements.Count, carry.Settlements);
        Assert.Equal(settlements.Sum(s => perp * s.MarkPrice * s.Rate), carry.FundingUsd);
    }

    private static CarryConfig WatchOnly(int intervalHours) =>
        new("carry_rule", new CarryParameters(), 1000m, ["BTCUSDT"], FundingIntervalHours: intervalHours, Enabled: false);

    private static List<(MarkPriceUpdate Before, FundingRoll Roll)> Rolls(IReadOnlyList<MarkPriceUpdate> updates)
    {
        var rolls = new List<(MarkPriceUpdate, FundingRoll)>();
        for (var i = 1; i < updates.Count; i++)
        {
            if (FundingRoll.Between(updates[i - 1].ToQuote(), updates[i].ToQuote()) is { } roll) rolls.Add((updates[i - 1], roll));
        }

        return rolls;
    }

    private static List<FundingSettlementDetected> Backtested(IReadOnlyList<MarkPriceUpdate> updates)
    {
        var found = new List<FundingSettlementDetected>();
        for (var i = 1; i < updates.Count; i++)
        {
            if (CarryBacktest.SettlementBetween(updates[i - 1], updates[i]) is { } s) found.Add(s);
        }

        return found;
    }

    /// <summary>What a <see cref="FundingActor"/> detects over the updates: its settlements and the interval it observed.</summary>
    private async Task<(IReadOnlyList<FundingSettlementDetected> Settlements, int? Interval)> FundingView(IReadOnlyList<MarkPriceUpdate> updates)
    {
        var db = TestDatabases.NewSqliteFile(out var dir);
        try
        {
            await db.PrepareAsync(TimeSpan.FromSeconds(10));
            var symbol = updates[0].Symbol;
            var actor = Sys.ActorOf(FundingActor.Props(symbol, new FundingStore(db), Settings));
            foreach (var u in updates) actor.Tell(u);
            await actor.Ask<FundingSnapshotsFlushed>(new FlushFundingSnapshots(symbol), TimeSpan.FromSeconds(30));
            var state = await actor.Ask<FundingStateReply>(new GetFundingState(symbol), TimeSpan.FromSeconds(10));
            await actor.GracefulStop(TimeSpan.FromSeconds(10));
            return (state.Settlements, state.ObservedIntervalHours);
        }
        finally
        {
            TestDatabases.DeleteQuietly(dir);
        }
    }
}
