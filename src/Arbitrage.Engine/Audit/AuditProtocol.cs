using Arbitrage.Engine.Serialization;

namespace Arbitrage.Engine.Audit;

/// <summary>
/// An operator command was accepted for execution: persisted (tag <c>audit</c>) BEFORE the command takes
/// effect, so a crash between the two still leaves the intent on record. <see cref="Result"/> is
/// <c>pending</c> until an <see cref="AuditCompleted"/> with the same id follows.
/// </summary>
[Manifest("audit-recorded.v1")]
public sealed record AuditRecorded(string AuditId, string User, string Command, string ArgumentsJson, string Result, long TimeMs) : IPersistedEvent
{
    public const string Pending = "pending";
}

/// <summary>The outcome of the command recorded by the <see cref="AuditRecorded"/> with the same id.</summary>
[Manifest("audit-completed.v1")]
public sealed record AuditCompleted(string AuditId, string Result, long TimeMs) : IPersistedEvent;

/// <summary>The audit actor's snapshot: it keeps no state, so the snapshot only marks where a restart may start reading.</summary>
[Manifest("audit-snapshot.v1")]
public sealed record AuditSnapshot : IPersistedSnapshot
{
    public static AuditSnapshot Instance { get; } = new();
}

/// <summary>Ask the audit actor: persist the intent; answered with <see cref="AuditAccepted"/> once it is durable.</summary>
[Manifest("record-audit.v1")]
public sealed record RecordAudit(string User, string Command, string ArgumentsJson) : IWireMessage;

[Manifest("audit-accepted.v1")]
public sealed record AuditAccepted(string AuditId, long TimeMs) : IWireMessage;

/// <summary>Ask the audit actor: persist the result; answered with the persisted <see cref="AuditCompleted"/>.</summary>
[Manifest("complete-audit.v1")]
public sealed record CompleteAudit(string AuditId, string Result) : IWireMessage;
