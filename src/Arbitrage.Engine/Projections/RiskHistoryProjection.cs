using System.Text.Json;
using Akka.Persistence.Query;
using Arbitrage.Core.Risk;
using Arbitrage.Engine.Serialization;

namespace Arbitrage.Engine.Projections;

/// <summary>
/// Every risk-guard event (tag <c>risk</c>) → <c>read_risk_events</c>: the risk history operators read
/// (breakers, resumes, kill switch, blocked signals, parameter changes). One row per event, the event's
/// manifest as its kind and its JSON as detail.
/// </summary>
public sealed class RiskHistoryProjection<TEvent> : ProjectionHandler<TEvent>
    where TEvent : class, IRiskEvent
{
    public const string Table = "read_risk_events";

    private static readonly string Kind = typeof(TEvent).GetCustomAttributes(typeof(ManifestAttribute), false) is [ManifestAttribute m, ..] ? m.Name : typeof(TEvent).Name;

    public override string Tag => "risk";

    public override IReadOnlyList<string> Schema { get; } =
    [
        $"""
        CREATE TABLE IF NOT EXISTS {Table} (
            seq BIGINT NOT NULL PRIMARY KEY,
            kind VARCHAR(100) NOT NULL,
            at_ms BIGINT NOT NULL,
            detail_json TEXT NOT NULL)
        """,
        $"CREATE INDEX IF NOT EXISTS ix_{Table}_kind ON {Table} (kind, seq)",
    ];

    protected override Task ApplyAsync(ProjectionWriter writer, TEvent e, EventEnvelope envelope, CancellationToken ct) =>
        writer.ExecuteAsync(
            $"INSERT INTO {Table} (seq, kind, at_ms, detail_json) VALUES (@seq, @kind, @at, @detail)",
            ct,
            ("@seq", ((Sequence)envelope.Offset).Value),
            ("@kind", Kind),
            ("@at", e.AtMs),
            ("@detail", JsonSerializer.Serialize(e, PersistedMessageSerializer.Json)));
}
