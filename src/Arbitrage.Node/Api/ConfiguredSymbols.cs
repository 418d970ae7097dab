namespace Arbitrage.Node.Api;

/// <summary>
/// The symbols this node trades (<c>Exchange:Symbols</c>; against the simulator, the tapes' symbols). Endpoints that
/// take a symbol answer 404 for any other: a read never creates a symbol entity or a feed.
/// </summary>
public sealed class ConfiguredSymbols(IReadOnlyList<string> symbols)
{
    private readonly HashSet<string> _set = symbols.ToHashSet(StringComparer.Ordinal);

    public IReadOnlyList<string> All { get; } = [.. symbols.Order(StringComparer.Ordinal)];

    public bool Contains(string symbol) => _set.Contains(symbol);

    /// <summary>The 404 for a symbol that is not configured, naming it and the configured ones.</summary>
    public IResult NotConfigured(string symbol) =>
        Results.Problem(
            statusCode: StatusCodes.Status404NotFound,
            title: "Symbol not configured",
            detail: $"symbol {symbol} is not configured on this node (configured: {string.Join(", ", All)}); only configuration starts a feed",
            extensions: new Dictionary<string, object?> { ["symbol"] = symbol, ["configured"] = All });
}
