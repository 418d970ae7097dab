namespace Arbitrage.Core.Risk;

/// <summary>
/// Result of a risk decision: the next state, the transitions to persist (already applied to
/// <see cref="State"/>), and the effects to carry out.
/// </summary>
public sealed record RiskOutcome(RiskState State, IReadOnlyList<RiskTransition> Transitions, IReadOnlyList<RiskAction> Actions)
{
    public void Deconstruct(out RiskState state, out IReadOnlyList<RiskTransition> transitions)
    {
        state = State;
        transitions = Transitions;
    }
}
