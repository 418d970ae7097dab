using Arbitrage.Core.Funding.Carry;
using Arbitrage.Engine.Serialization;

namespace Arbitrage.Engine.Funding.Carry;

/// <summary>Every command for a <see cref="CarryActor"/> names its symbol (the child name under <see cref="CarryActors"/>).</summary>
public interface ICarryMessage
{
    string Symbol { get; }
}

/// <summary>Operator: open a carry of <paramref name="NotionalUsd"/> per leg now, whatever the entry rule says. Answered with <see cref="CarryCommandReply"/>.</summary>
[Manifest("open-carry.v1")]
public sealed record OpenCarry(string Symbol, decimal NotionalUsd, string By) : ICarryMessage, IWireMessage;

/// <summary>Operator: close the open carry now. Automatic entries of the symbol pause until the next <see cref="OpenCarry"/>. Answered with <see cref="CarryCommandReply"/>.</summary>
[Manifest("close-carry.v1")]
public sealed record CloseCarry(string Symbol, string Reason, string By) : ICarryMessage, IWireMessage;

/// <summary>Accepted = the legs were executed and the result journaled (or the carry is closing and will retry a failed leg).</summary>
[Manifest("carry-command-reply.v1")]
public sealed record CarryCommandReply(string Symbol, bool Accepted, string Message) : IWireMessage;

/// <summary>Answered with <see cref="CarryStatus"/>.</summary>
[Manifest("get-carry-status.v1")]
public sealed record GetCarryStatus(string Symbol) : ICarryMessage, IWireMessage;

/// <param name="Open">The open carry, null when flat.</param>
/// <param name="Mark">The open carry marked at the latest index (spot proxy) and mark price.</param>
/// <param name="OpenResult">The open carry as a result row (exit reason <c>open</c>), for reports.</param>
/// <param name="Stranded">A leg whose open failed on the other side and whose unwind has not succeeded yet (retried on every update).</param>
/// <param name="Busy">Legs are executing.</param>
[Manifest("carry-status.v1")]
public sealed record CarryStatus(
    string Symbol,
    OpenCarryPosition? Open,
    Core.Funding.CarryMark? Mark,
    CarryResult? OpenResult,
    IReadOnlyList<CarryResult> Closed,
    IReadOnlyList<CarryOpenFailure> Failures,
    CarryLegFill? Stranded,
    bool AutoPaused,
    bool Busy,
    MarkPriceUpdate? Latest,
    decimal? PredictedAnnualised,
    int IntervalHours) : IWireMessage;
