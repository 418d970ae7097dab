using Akka.Persistence.Query;
using Arbitrage.Engine.Audit;

namespace Arbitrage.Engine.Projections;

/// <summary><see cref="AuditRecorded"/> (tag <c>audit</c>) → one <c>read_audit</c> row per command.</summary>
public sealed class AuditRecordedProjection : ProjectionHandler<AuditRecorded>
{
    public const string Table = "read_audit";

    public override string Tag => AuditActor.Tag;

    public override IReadOnlyList<string> Schema { get; } =
    [
        $"""
        CREATE TABLE IF NOT EXISTS {Table} (
            seq BIGINT NOT NULL PRIMARY KEY,
            audit_id VARCHAR(64) NOT NULL UNIQUE,
            user_name VARCHAR(100) NOT NULL,
            command VARCHAR(100) NOT NULL,
            arguments_json TEXT NOT NULL,
            result TEXT NOT NULL,
            time_ms BIGINT NOT NULL,
            completed_ms BIGINT NULL)
        """,
        $"CREATE INDEX IF NOT EXISTS ix_{Table}_user ON {Table} (user_name, seq)",
    ];

    protected override Task ApplyAsync(ProjectionWriter writer, AuditRecorded e, EventEnvelope envelope, CancellationToken ct) =>
        writer.ExecuteAsync(
            $"INSERT INTO {Table} (seq, audit_id, user_name, command, arguments_json, result, time_ms) " +
            "VALUES (@seq, @id, @user, @command, @args, @result, @time)",
            ct,
            ("@seq", ((Sequence)envelope.Offset).Value),
            ("@id", e.AuditId),
            ("@user", e.User),
            ("@command", e.Command),
            ("@args", e.ArgumentsJson),
            ("@result", e.Result),
            ("@time", e.TimeMs));
}

/// <summary><see cref="AuditCompleted"/> → the result of the existing <c>read_audit</c> row.</summary>
public sealed class AuditCompletedProjection : ProjectionHandler<AuditCompleted>
{
    public override string Tag => AuditActor.Tag;

    public override IReadOnlyList<string> Schema => new AuditRecordedProjection().Schema;

    protected override Task ApplyAsync(ProjectionWriter writer, AuditCompleted e, EventEnvelope envelope, CancellationToken ct) =>
        writer.ExecuteAsync(
            $"UPDATE {AuditRecordedProjection.Table} SET result = @result, completed_ms = @time WHERE audit_id = @id",
            ct,
            ("@id", e.AuditId),
            ("@result", e.Result),
            ("@time", e.TimeMs));
}
