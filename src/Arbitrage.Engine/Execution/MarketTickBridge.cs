using Akka.Actor;
using Akka.Cluster.Tools.PublishSubscribe;
using Arbitrage.Engine.Risk;
using Arbitrage.Engine.Symbols;
using Arbitrage.Engine.Topics;

namespace Arbitrage.Engine.Execution;

/// <summary>
/// Feeds the risk guard event time and prices from the indicator ticks: a <see cref="MarketTick"/> (the
/// paper gateway fills and triggers on it; the stale-data rule watches it) and a <see cref="RiskTick"/>
/// (timed rules: pauses, hold timeouts, UTC day) per snapshot.
/// </summary>
public sealed class MarketTickBridge : ReceiveActor
{
    public MarketTickBridge(IActorRef mediator, IActorRef riskGuard)
    {
        Receive<SubscribeAck>(_ => { });
        Receive<IndicatorSnapshot>(s => Tick(riskGuard, s));
        Receive<IndicatorSnapshotBatch>(b =>
        {
            foreach (var s in b.Snapshots)
            {
                Tick(riskGuard, s);
            }
        });
        Receive<IndicatorStreamEnded>(_ => { });
        mediator.Tell(new Subscribe(EngineTopics.Indicators, Self));
    }

    private static void Tick(IActorRef riskGuard, IndicatorSnapshot s)
    {
        var price = s.Values.LastPrice;
        if (double.IsFinite(price) && price > 0)
        {
            riskGuard.Tell(new MarketTick(s.Symbol, (decimal)price, s.Values.TimeMs));
        }

        riskGuard.Tell(new RiskTick(s.Values.TimeMs));
    }

    public static Props Props(IActorRef mediator, IActorRef riskGuard) =>
        Akka.Actor.Props.Create(() => new MarketTickBridge(mediator, riskGuard));
}
