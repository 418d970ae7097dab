using Akka.Actor;
using Akka.Cluster.Tools.PublishSubscribe;
using Arbitrage.Binance.Streams;
using Arbitrage.Engine.Market;
using Arbitrage.Engine.Strategies;
using Arbitrage.Engine.Topics;

namespace Arbitrage.Engine.Tests.Market;

public sealed class MarketInputsActorTests : Akka.TestKit.Xunit2.TestKit
{
    private sealed class FakeSentiment(SentimentSample sample) : IMarketSentimentSource
    {
        public Task<SentimentSample> GetAsync(string symbol, CancellationToken ct) => Task.FromResult(sample);
    }

    [Fact]
    public void Change_percent_is_relative_to_the_previous_point()
    {
        Assert.Equal(10.0, SentimentSample.ChangePct(2.0m, 2.2m)!.Value, 12);
        Assert.Equal(-50.0, SentimentSample.ChangePct(4m, 2m)!.Value, 12);
        Assert.Null(SentimentSample.ChangePct(0m, 1m));
        Assert.Null(SentimentSample.ChangePct(null, 1m));
    }

    [Fact]
    public void Funding_liquidations_and_polled_positioning_become_strategy_inputs()
    {
        var mediator = CreateTestProbe();
        var actor = Sys.ActorOf(MarketInputsActor.Props(
            mediator.Ref, new FakeSentiment(new SentimentSample(1.8, 3.5, -2.0)), ["BTCUSDT"], TimeSpan.FromHours(1)));
        mediator.ExpectMsg<Subscribe>(s => Assert.Equal(EngineTopics.MarketEvents, s.Topic));

        // The first poll runs at start.
        var polled = (MarketInputsUpdated)mediator.ExpectMsg<Publish>(p => p.Topic == EngineTopics.MarketInputs).Message;
        Assert.Equal(("BTCUSDT", 1.8, 3.5, -2.0), (polled.Symbol, polled.Inputs.LongShortRatio, polled.Inputs.LongShortRatioChangePct, polled.Inputs.OpenInterestChangePct));

        actor.Tell(new FeedEvent.MarkPriceEvent("BTCUSDT", 60_000m, 60_010m, 0.0001m, 1_700_000_000_000, 1_699_999_000_000));
        var funded = (MarketInputsUpdated)mediator.ExpectMsg<Publish>().Message;
        Assert.Equal(0.0001, funded.Inputs.FundingRate);
        Assert.Equal(1.8, funded.Inputs.LongShortRatio);

        // Liquidations over a 5-minute event-time window: a long liquidated (SELL), a short (BUY), then one
        // 5 minutes later pushes the first two out of the window.
        actor.Tell(new FeedEvent.LiquidationEvent("BTCUSDT", true, 60_000m, 60_000m, 0.5m, 1_000_000, 1_000_000));
        Assert.Equal(30_000.0, ((MarketInputsUpdated)mediator.ExpectMsg<Publish>().Message).Inputs.LiquidatedLongUsd);
        actor.Tell(new FeedEvent.LiquidationEvent("BTCUSDT", false, 60_000m, 60_000m, 0.1m, 1_060_000, 1_060_000));
        var both = ((MarketInputsUpdated)mediator.ExpectMsg<Publish>().Message).Inputs;
        Assert.Equal((30_000.0, 6_000.0), (both.LiquidatedLongUsd!.Value, both.LiquidatedShortUsd!.Value));
        actor.Tell(new FeedEvent.LiquidationEvent("BTCUSDT", false, 60_000m, 60_000m, 0.2m, 1_360_000, 1_360_000));
        var later = ((MarketInputsUpdated)mediator.ExpectMsg<Publish>().Message).Inputs;
        Assert.Equal((0.0, 12_000.0), (later.LiquidatedLongUsd!.Value, later.LiquidatedShortUsd!.Value));
    }
}
