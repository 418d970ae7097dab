using Akka.Actor;
using Akka.Cluster.Sharding;
using Akka.Event;

namespace Arbitrage.Engine.Symbols;

/// <summary>
/// The <c>symbol</c> region's entity for a symbol that is not configured: it answers every
/// <see cref="ISymbolMessage"/> with <see cref="SymbolNotConfigured"/> and passivates at once. It has no state,
/// no journal and no market-data stream, so whatever names an unknown symbol opens no exchange connection.
/// </summary>
public sealed class UnconfiguredSymbolActor : ReceiveActor
{
    private readonly string _symbol;
    private readonly IReadOnlyList<string> _configured;

    public UnconfiguredSymbolActor(string symbol, IReadOnlyList<string> configured)
    {
        _symbol = symbol;
        _configured = configured;
        Receive<ISymbolMessage>(m => Sender.Tell(new SymbolNotConfigured(m.Symbol, _configured)));
    }

    public static Props Props(string symbol, IReadOnlyList<string> configured) =>
        Akka.Actor.Props.Create(() => new UnconfiguredSymbolActor(symbol, configured));

    protected override void PreStart()
    {
        // Every sender of symbol messages filters by configuration first (endpoints, keeper, recorder): reaching here is a bug.
        Context.GetLogger().Warning(
            "A message for symbol {0} reached the symbol region, but {0} is not configured (configured: {1}); answered not-configured, no feed started",
            _symbol,
            string.Join(", ", _configured));

        // The message that created this entity is already in its mailbox ahead of the shard's stop message.
        Context.Parent.Tell(new Passivate(PoisonPill.Instance));
    }
}
