using Arbitrage.Binance.Streams;
using Arbitrage.Engine.Market;

namespace Arbitrage.Engine.Tests.Market;

/// <summary>The fold of input events the live actor and the replay share (<see cref="MarketInputsBook"/>).</summary>
public sealed class MarketInputsBookTests
{
    private const long T = 1_767_225_900_000; // 2026-01-01 00:05 UTC

    [Fact]
    public void Five_minute_statistics_give_the_ratio_and_the_changes_against_the_period_before_and_a_gap_is_no_change()
    {
        var book = new MarketInputsBook();
        var first = book.Apply(Metrics(T, oi: 100m, ratio: 2.0m))!;
        Assert.Equal((2.0, (double?)null, (double?)null, T), (first.Inputs.LongShortRatio, first.Inputs.LongShortRatioChangePct, first.Inputs.OpenInterestChangePct, first.TimeMs));

        var next = book.Apply(Metrics(T + 300_000, oi: 102m, ratio: 2.5m))!;
        Assert.Equal(25.0, next.Inputs.LongShortRatioChangePct!.Value, 9);
        Assert.Equal(2.0, next.Inputs.OpenInterestChangePct!.Value, 9);

        // 10 minutes later (a period missing): the ratio is known, its change is not.
        var afterGap = book.Apply(Metrics(T + 900_000, oi: 103m, ratio: 2.4m))!;
        Assert.Equal((2.4, (double?)null, (double?)null), (afterGap.Inputs.LongShortRatio, afterGap.Inputs.LongShortRatioChangePct, afterGap.Inputs.OpenInterestChangePct));
    }

    [Fact]
    public void Funding_comes_from_mark_price_or_a_settled_rate_and_an_unchanged_input_is_not_published_again()
    {
        var book = new MarketInputsBook();
        var settled = book.Apply(new FeedEvent.FundingSettledEvent("BTCUSDT", 0.0001m, T))!;
        Assert.Equal((0.0001, T), (settled.Inputs.FundingRate, settled.TimeMs));
        Assert.Null(book.Apply(new FeedEvent.MarkPriceEvent("BTCUSDT", 87_000m, 86_990m, 0.0001m, T + 3_600_000, T + 1_000)));
        var predicted = book.Apply(new FeedEvent.MarkPriceEvent("BTCUSDT", 87_000m, 86_990m, 0.0002m, T + 3_600_000, T + 2_000))!;
        Assert.Equal((0.0002, T + 2_000), (predicted.Inputs.FundingRate, predicted.TimeMs));
        Assert.Null(predicted.Inputs.LongShortRatio); // other inputs untouched: still missing

        // Once a symbol has mark prices, their predicted rate is the input: a settled rate fetched later changes nothing.
        Assert.Null(book.Apply(new FeedEvent.FundingSettledEvent("BTCUSDT", -0.0003m, T + 3_000)));
    }

    private static FeedEvent.FuturesMetricsEvent Metrics(long time, decimal oi, decimal ratio) =>
        new("BTCUSDT", time, oi, 1.5m, 1.4m, ratio, 0.9m);
}
