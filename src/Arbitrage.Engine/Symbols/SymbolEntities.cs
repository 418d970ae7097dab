using Akka.Actor;

namespace Arbitrage.Engine.Symbols;

/// <summary>
/// The <c>symbol</c> shard region's entity factory. A configured symbol gets its <see cref="SymbolActor"/> (and with it
/// its market-data stream); any other symbol gets an <see cref="UnconfiguredSymbolActor"/>, whatever message named it:
/// only configuration starts a feed.
/// </summary>
public static class SymbolEntities
{
    /// <param name="configured">The symbols this engine trades (<c>Exchange:Symbols</c>, the tapes' symbols against the
    /// simulator); null = every symbol is accepted (a replay, whose symbols are the tape's and which opens no feed).</param>
    public static Func<string, Props> Factory(IReadOnlyList<string>? configured, SymbolSettings settings, IActorRef mediator)
    {
        if (configured is null)
        {
            return symbol => SymbolActor.Props(symbol, settings, mediator);
        }

        var known = configured.ToHashSet(StringComparer.Ordinal);
        var listed = configured.Order(StringComparer.Ordinal).ToArray();
        return symbol => known.Contains(symbol)
            ? SymbolActor.Props(symbol, settings, mediator)
            : UnconfiguredSymbolActor.Props(symbol, listed);
    }
}
