using Arbitrage.Core.Risk;

namespace Arbitrage.Core.Tests.Risk;

/// <summary><see cref="RiskParameters.Validate"/> names the offending parameter as data (the API's <c>errors.{field}</c>), never as text to parse.</summary>
public sealed class RiskParametersTests
{
    public static TheoryData<RiskParameters, string, string> Invalid => new()
    {
        { new RiskParameters(RiskPerTradeUsd: 0m), nameof(RiskParameters.RiskPerTradeUsd), "RiskPerTradeUsd must be > 0 (got 0)" },
        { new RiskParameters(DailyLossLimitR: -1m), nameof(RiskParameters.DailyLossLimitR), "DailyLossLimitR must be > 0, a loss magnitude in R (got -1)" },
        { new RiskParameters(MaxConsecutiveLosses: 0), nameof(RiskParameters.MaxConsecutiveLosses), "MaxConsecutiveLosses must be ≥ 1 (got 0)" },
        { new RiskParameters(ConsecutiveLossPauseMs: 0), nameof(RiskParameters.ConsecutiveLossPauseMs), "ConsecutiveLossPauseMs must be > 0 (got 0)" },
        { new RiskParameters(DisconnectGraceMs: -1), nameof(RiskParameters.DisconnectGraceMs), "DisconnectGraceMs must be ≥ 0 (got -1)" },
        { new RiskParameters(MinBalanceInR: -0.5m), nameof(RiskParameters.MinBalanceInR), "MinBalanceInR must be ≥ 0 (got -0.5)" },
        { new RiskParameters(StaleDataMs: -1), nameof(RiskParameters.StaleDataMs), "StaleDataMs must be ≥ 0 (got -1)" },
        { new RiskParameters(HoldAlertMs: 0), nameof(RiskParameters.HoldAlertMs), "need 0 < HoldAlertMs ≤ HoldForceCloseMs (got 0, 4200000)" },
        { new RiskParameters(HoldAlertMs: 60_000, HoldForceCloseMs: 59_999), nameof(RiskParameters.HoldForceCloseMs), "need 0 < HoldAlertMs ≤ HoldForceCloseMs (got 60000, 59999)" },
    };

    [Theory]
    [MemberData(nameof(Invalid))]
    public void The_offending_parameter_comes_back_by_name_with_the_reason(RiskParameters parameters, string parameter, string reason)
    {
        var problem = parameters.Validate();
        Assert.Equal(new RiskParameterProblem(parameter, reason), problem);
        Assert.NotNull(typeof(RiskParameters).GetProperty(problem!.Parameter)); // a property name, not a guess from the text
    }

    [Fact]
    public void The_defaults_and_the_edges_the_rules_allow_are_valid()
    {
        Assert.Null(new RiskParameters().Validate());
        Assert.Null(new RiskParameters(DisconnectGraceMs: 0, MinBalanceInR: 0m, StaleDataMs: 0, HoldAlertMs: 1, HoldForceCloseMs: 1).Validate());
    }

    [Fact]
    public void The_first_problem_wins_when_several_parameters_are_wrong()
    {
        Assert.Equal(nameof(RiskParameters.DailyLossLimitR), new RiskParameters(DailyLossLimitR: 0m, StaleDataMs: -1).Validate()!.Parameter);
    }

    [Fact]
    public void A_guard_cannot_start_with_invalid_parameters()
    {
        var e = Assert.Throws<ArgumentException>(() => RiskState.Initial(new RiskParameters(StaleDataMs: -1), 0));
        Assert.StartsWith("StaleDataMs must be ≥ 0 (got -1)", e.Message);
    }
}
