using Akka.Persistence.Query;

namespace Arbitrage.Engine.Projections;

/// <summary>
/// Writes one event type of one tag into read tables. Adding a read model for a new event is one small
/// class deriving from <see cref="ProjectionHandler{TEvent}"/>, added to <see cref="ReadModels.DefaultHandlers"/>
/// (or passed to <see cref="ProjectionExtensions.StartProjections"/>).
/// </summary>
public interface IProjectionHandler
{
    /// <summary>The journal tag whose stream carries the event.</summary>
    string Tag { get; }

    Type EventType { get; }

    /// <summary>Idempotent DDL (<c>CREATE TABLE IF NOT EXISTS ...</c>), valid on SQLite and PostgreSQL.</summary>
    IReadOnlyList<string> Schema { get; }

    /// <summary>
    /// Columns added to a <see cref="Schema"/> table after it first shipped: a database created by an older version
    /// has the table without them, and <c>CREATE TABLE IF NOT EXISTS</c> leaves it so; each is added when missing.
    /// </summary>
    IReadOnlyList<AddedColumn> AddedColumns => [];

    /// <summary>Applies one event inside the batch transaction that also stores the offset.</summary>
    Task ApplyAsync(ProjectionWriter writer, object @event, EventEnvelope envelope, CancellationToken ct);
}

/// <summary>Typed base for <see cref="IProjectionHandler"/>.</summary>
public abstract class ProjectionHandler<TEvent> : IProjectionHandler
{
    public abstract string Tag { get; }

    public Type EventType => typeof(TEvent);

    public abstract IReadOnlyList<string> Schema { get; }

    public virtual IReadOnlyList<AddedColumn> AddedColumns => [];

    public Task ApplyAsync(ProjectionWriter writer, object @event, EventEnvelope envelope, CancellationToken ct) =>
        ApplyAsync(writer, (TEvent)@event, envelope, ct);

    protected abstract Task ApplyAsync(ProjectionWriter writer, TEvent @event, EventEnvelope envelope, CancellationToken ct);
}

/// <summary>A column added to an existing read table: <paramref name="Definition"/> is its type and default, e.g. <c>TEXT NOT NULL DEFAULT ''</c>.</summary>
public sealed record AddedColumn(string Table, string Column, string Definition);
