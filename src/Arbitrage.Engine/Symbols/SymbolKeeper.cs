using Akka.Actor;

namespace Arbitrage.Engine.Symbols;

/// <summary>
/// Pokes each configured symbol's entity every few seconds: starts it (and its feed) at boot, and again after a
/// rebalance or crash moved or stopped it. Remember-entities does the same at a cost.
/// </summary>
public sealed class SymbolKeeper : ReceiveActor, IWithTimers
{
    private sealed record Poke : INoSerializationVerificationNeeded;

    public SymbolKeeper(IActorRef region, IReadOnlyList<string> symbols)
    {
        Receive<Poke>(_ =>
        {
            foreach (var symbol in symbols)
            {
                region.Tell(new GetSymbolIndicators(symbol));
            }
        });
        Receive<SymbolIndicatorsReply>(_ => { });
    }

    public ITimerScheduler Timers { get; set; } = null!;

    public static Props Props(IActorRef region, IReadOnlyList<string> symbols) =>
        Akka.Actor.Props.Create(() => new SymbolKeeper(region, symbols));

    protected override void PreStart()
    {
        Self.Tell(new Poke());
        Timers.StartPeriodicTimer("poke", new Poke(), TimeSpan.FromSeconds(5));
    }
}
