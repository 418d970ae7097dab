namespace Arbitrage.Node.Alerts;

/// <summary>One channel's routing rule from its configuration: event kinds, minimum severity, symbols, strategies.</summary>
public sealed record AlertRoute(string Channel, IReadOnlySet<string> Events, AlertSeverity MinSeverity, IReadOnlySet<string> Symbols, IReadOnlySet<string> Strategies)
{
    public static AlertRoute From(string channel, AlertChannelOptions options) => new(
        channel,
        new HashSet<string>(options.Events, StringComparer.OrdinalIgnoreCase),
        AlertSeverities.Parse(options.MinSeverity) ?? AlertSeverity.Info,
        new HashSet<string>(options.Symbols, StringComparer.OrdinalIgnoreCase),
        new HashSet<string>(options.Strategies, StringComparer.Ordinal));

    /// <summary>
    /// True when this channel takes <paramref name="alert"/>. <c>*</c> takes every kind but <c>signal</c> (a flood of its own
    /// that a channel asks for by name). Alerts about no symbol or strategy pass the symbol and strategy filters.
    /// </summary>
    public bool Takes(Alert alert)
    {
        ArgumentNullException.ThrowIfNull(alert);
        var kind = Events.Contains(alert.Kind) || (Events.Contains("*") && alert.Kind != AlertKinds.Signal);
        return kind
            && alert.Severity >= MinSeverity
            && (Symbols.Count == 0 || alert.Symbol is null || Symbols.Contains(alert.Symbol))
            && (Strategies.Count == 0 || alert.Strategy is null || Strategies.Contains(alert.Strategy));
    }
}
