using System.Text.Json.Serialization;

namespace Arbitrage.Node.Alerts;

/// <summary>How loud an alert is; a channel's <c>MinSeverity</c> drops the quieter ones.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<AlertSeverity>))]
public enum AlertSeverity
{
    [JsonStringEnumMemberName("info")]
    Info,

    [JsonStringEnumMemberName("warning")]
    Warning,

    [JsonStringEnumMemberName("critical")]
    Critical,
}

/// <summary>
/// One message for people. <paramref name="Kind"/> is the event kind a channel's <c>Events</c> names (e.g.
/// <c>circuit_broken</c>); <paramref name="DedupKey"/> is the kind plus the event's natural id, so the same event
/// published twice (or again after a restart) is written to the outbox once.
/// </summary>
public sealed record Alert(
    string Kind,
    AlertSeverity Severity,
    long TimeMs,
    string Text,
    string DedupKey,
    string? Symbol = null,
    string? Strategy = null);

/// <summary>An alert waiting in one channel's outbox. <paramref name="Id"/> 0 = not persisted (the outbox write failed).</summary>
/// <param name="Covers">A flood summary: the outbox ids it stands for, marked sent when it is delivered.</param>
public sealed record OutboxEntry(long Id, string Channel, Alert Alert, IReadOnlyList<long>? Covers = null);

/// <summary>The severities' configuration names.</summary>
public static class AlertSeverities
{
    public static string Code(this AlertSeverity severity) => severity switch
    {
        AlertSeverity.Critical => "critical",
        AlertSeverity.Warning => "warning",
        _ => "info",
    };

    public static AlertSeverity? Parse(string? value) => value?.Trim().ToLowerInvariant() switch
    {
        "info" => AlertSeverity.Info,
        "warning" or "warn" => AlertSeverity.Warning,
        "critical" => AlertSeverity.Critical,
        _ => null,
    };
}
