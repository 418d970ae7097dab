using Akka.Hosting;
using Arbitrage.Core.Sizing;
using Arbitrage.Engine.Execution;
using Arbitrage.Engine.Execution.Paper;
using Arbitrage.Engine.Hosting;
using Arbitrage.Engine.Market;
using Arbitrage.Engine.Recording;
using Arbitrage.Engine.Symbols;
using Arbitrage.Engine.Triangles;

namespace Arbitrage.Node.Hosting;

/// <summary>
/// The node's engine: <see cref="EngineComposition.AddArbitrageEngine"/> (the composition a replay uses too) fed by the
/// exchange's market-data streams, recording every trade to <c>agg_trades</c>, trading through the live gateway or the
/// paper account, with the risk guard's prices and event time from the indicator ticks.
/// </summary>
public static class EngineWiring
{
    public static AkkaConfigurationBuilder WithEngine(
        this AkkaConfigurationBuilder akka, NodeOptions options, ISymbolFeedFactory? feed, AggTradeStore? tape, IReadOnlyDictionary<string, SymbolFilters> filters,
        IExchangeGateway? live = null, IMarketSentimentSource? sentiment = null, ITriangleFeedFactory? triangleFeeds = null,
        Engine.Triangles.Execution.ITriangleGatewayFactory? triangleGateways = null)
    {
        if (tape is not null)
        {
            akka.WithActors((system, _) => system.ActorOf(TradeRecorderActor.Props(tape), "trade-recorder"));
        }

        var paper = new PaperGatewaySettings(options.Paper.StartingBalanceUsd, options.Paper.TakerFeeRate, options.Paper.SlippageBps);
        return akka.AddArbitrageEngine(new EngineSetup
        {
            StrategiesDirectory = options.Paths.Strategies,
            // Only configured symbols get a SymbolActor and its feed; any other symbol an entity that says so and stops.
            Symbols = options.Exchange.Symbols,
            Symbol = new SymbolSettings(Feed: feed, RecorderPath: tape is null ? null : "/user/trade-recorder"),
            Sentiment = sentiment,
            TriangleFeeds = triangleFeeds,
            TriangleGateways = triangleGateways,
            TriangleLimits = options.Triangles.Limits,
            Trading = new EngineTrading(
                live ?? new PaperGateway(paper),
                new ExecutorSettings(new FilterBook(filters, FilterBook.Generic)),
                AssumeConnected: live is not IConnectionReportingGateway), // live: the user-data stream's state feeds the disconnect rule
            Role = ClusterNodeOptions.EngineRole,
        });
    }
}
