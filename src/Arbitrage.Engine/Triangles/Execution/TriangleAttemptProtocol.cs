using Akka.Actor;
using Arbitrage.Core.Triangles.Execution;

namespace Arbitrage.Engine.Triangles.Execution;

/// <summary>
/// An input for a <see cref="TriangleAttemptActor"/> from its venue actor, with the books of the moment (the venue actor
/// owns them): a saga input, or null = resume after recovery (<see cref="TriangleSagaLogic.Resume"/>) at <paramref name="NowMs"/>.
/// </summary>
public sealed record TriangleAttemptInput(TriangleSagaInput? Input, ITriangleBooks Books, long NowMs) : INoSerializationVerificationNeeded;

/// <summary>
/// An attempt's step is journaled: run <paramref name="Commands"/> (send or query orders); <paramref name="Ended"/> is
/// its result when the step ended it (the actor then stops). Sent to the venue actor after every input.
/// <paramref name="NowMs"/> is the attempt's latest event time (an intent's time): its orders are sent then, not earlier.
/// </summary>
public sealed record TriangleAttemptStepped(string AttemptId, IReadOnlyList<TriangleSagaCommand> Commands, TriangleAttemptResult? Ended, long NowMs = 0)
    : INoSerializationVerificationNeeded;

/// <summary>
/// A recovered attempt not ended asks its venue actor for the books of its pairs (<paramref name="Symbols"/>) to resume on
/// (answered with a <see cref="TriangleAttemptInput"/> without input, once they are synchronised).
/// </summary>
public sealed record TriangleAttemptRecovered(string AttemptId, IReadOnlyList<string> Symbols) : INoSerializationVerificationNeeded;

/// <summary>
/// The attempt's first step, decided and journaled by its venue actor (<see cref="TriangleAttemptBegun"/>), which has
/// sent leg 1 already: the attempt journals the two events as its own if its journal does not hold them yet and goes on
/// from there. <paramref name="Resume"/>: given after a restart (or after the attempt stopped on a journal failure), so
/// the attempt then asks its venue actor for books and resumes (leg 1 is asked about, never resent).
/// </summary>
public sealed record TriangleAttemptAdopt(TriangleAttemptStarted Started, TriangleLegIntended FirstLeg, bool Resume) : INoSerializationVerificationNeeded;
