using System.Globalization;
using Arbitrage.Core.Funding;
using static Arbitrage.Core.Tests.Funding.FundingFixture;

namespace Arbitrage.Core.Tests.Funding;

public class CarryTests
{
    private const long H = 3_600_000;
    private static readonly long T0 = Ms("2024-05-01T00:00:00Z");

    private static CarryPosition Open() =>
        CarryPosition.Open("ETHUSDT", 10_000m, 2000m, 2002m, 0.0001m, 0.001m, T0 - 1);

    [Fact]
    public void Open_buys_and_sells_equal_notional_rounded_down_per_leg()
    {
        var p = Open();
        Assert.Equal(5.0000m, p.SpotQuantity);
        Assert.Equal(4.995m, p.PerpQuantity);       // 10 000 / 2002 = 4.99500… → 4.995
        Assert.True(p.SpotQuantity * 2000m <= 10_000m && p.PerpQuantity * 2002m <= 10_000m);
        Assert.Equal(0.001m, p.EntryBasis);          // (2002 − 2000) / 2000
    }

    [Fact]
    public void Accrues_funding_across_settlements_with_changing_rates_and_marks()
    {
        var p = Open()
            .Accrue(new FundingSettlement(T0, 0.0001m), 2000m)
            .Accrue(new FundingSettlement(T0 + 8 * H, 0.00025m), 2010m)
            .Accrue(new FundingSettlement(T0 + 16 * H, -0.00005m), 1990m); // negative: the short pays
        // 4.995 × (2000·0.0001 + 2010·0.00025 − 1990·0.00005) = 4.995 × 0.603
        Assert.Equal(3.011985m, p.FundingUsd);
        Assert.Equal(3, p.Settlements);
        Assert.Equal(T0 + 16 * H, p.LastSettlementMs);
    }

    [Fact]
    public void Settlements_before_the_open_or_seen_twice_do_not_accrue()
    {
        var p = Open().Accrue(new FundingSettlement(T0 - 8 * H, 0.01m), 2000m);
        Assert.Equal(0m, p.FundingUsd);
        p = p.Accrue(new FundingSettlement(T0, 0.0001m), 2000m);
        var again = p.Accrue(new FundingSettlement(T0, 0.0001m), 2000m);
        Assert.Same(p, again);
    }

    [Fact]
    public void Accrual_over_real_eth_settlements_matches_the_sum_of_rates()
    {
        var rows = FundingRateHistoryCsv.Read(EthCsvPath(), UtcPlus3);
        var from = Ms("2021-02-01T00:00:00Z");
        var to = Ms("2021-03-01T00:00:00Z");
        var p = CarryPosition.Open("ETHUSDT", 50_000m, 1_300m, 1_301m, 0.0001m, 0.001m, from);
        foreach (var r in rows) if (r.TimeMs < to) p = p.Accrue(r.Settlement, 1_301m);

        // Independent: the raw lines of February 2021 (local UTC+3: 03:00 on 1 Feb is after the open at 00:00 UTC).
        var febRates = File.ReadLines(EthCsvPath()).Skip(1).Select(l => l.Split(','))
            .Where(f => string.CompareOrdinal(f[1], "2021-02-01 03:00") > 0 && string.CompareOrdinal(f[1], "2021-03-01 03:00") < 0)
            .Select(f => decimal.Parse(f[2], CultureInfo.InvariantCulture)).ToArray();
        Assert.Equal(28 * 3, febRates.Length);
        Assert.Equal(28 * 3, p.Settlements);
        Assert.Equal(p.PerpQuantity * 1_301m * febRates.Sum(), p.FundingUsd);
        Assert.True(p.FundingUsd > 0m); // February 2021 paid shorts handsomely
    }

    [Fact]
    public void Marks_basis_pnl_from_both_legs()
    {
        var p = Open().Accrue(new FundingSettlement(T0, 0.0001m), 2000m).WithFee(8m);
        var m = p.Mark(2100m, 2101m);
        Assert.Equal(500m, m.SpotPnlUsd);             // 5 × 100
        Assert.Equal(-494.505m, m.PerpPnlUsd);        // 4.995 × (2002 − 2101)
        Assert.Equal(5.495m, m.BasisPnlUsd);
        Assert.Equal(0.999m, m.FundingUsd);           // 4.995 × 2000 × 0.0001
        Assert.Equal(5.495m + 0.999m - 8m, m.NetUsd);
        Assert.Equal(1m / 2100m, m.Basis);
    }

    private static readonly CarryParameters P = new(EnterMinAnnualised: 0.10m, EnterMinBasis: -0.0005m,
        ExitBelowAnnualised: 0.03m, MaxHoldingMs: 14 * 24 * H, ExitBasisWidening: 0.01m);

    [Theory]
    [InlineData("0.10", "0", true, CarryReason.FundingHighEnough)]     // exactly at the threshold
    [InlineData("0.0999", "0", false, CarryReason.FundingTooLow)]
    [InlineData("0.50", "-0.0005", true, CarryReason.FundingHighEnough)]
    [InlineData("0.50", "-0.0006", false, CarryReason.BasisTooNegative)]
    public void Entry_rule(string annualised, string basis, bool enter, CarryReason reason)
    {
        var d = CarryRules.ShouldEnter(decimal.Parse(annualised, CultureInfo.InvariantCulture), decimal.Parse(basis, CultureInfo.InvariantCulture), P);
        Assert.Equal((enter, reason), (d.Act, d.Reason));
        Assert.False(string.IsNullOrEmpty(d.Detail));
    }

    [Theory]
    [InlineData("0.002", true, CarryReason.FundingHighEnough)]   // exactly at the limit
    [InlineData("0.0021", false, CarryReason.BasisTooHigh)]
    public void Entry_rule_with_a_basis_limit(string basis, bool enter, CarryReason reason)
    {
        var d = CarryRules.ShouldEnter(0.5m, decimal.Parse(basis, CultureInfo.InvariantCulture), P with { EnterMaxBasis = 0.002m });
        Assert.Equal((enter, reason), (d.Act, d.Reason));
        Assert.Null((P with { EnterMaxBasis = 0.002m }).Validate());
        Assert.NotNull((P with { EnterMaxBasis = -0.001m }).Validate());
    }

    [Fact]
    public void Entry_from_real_stats_uses_the_symbols_interval()
    {
        // Predicted rate 0.0001 per settlement: 10.95 %/yr at 8 h, 21.9 %/yr at 4 h.
        var strict = P with { EnterMinAnnualised = 0.15m };
        Assert.False(CarryRules.ShouldEnter(FundingStats.Annualise(0.0001m, FundingInterval.SettlementsPerDay(8)), 0m, strict).Act);
        Assert.True(CarryRules.ShouldEnter(FundingStats.Annualise(0.0001m, FundingInterval.SettlementsPerDay(4)), 0m, strict).Act);
    }

    [Fact]
    public void Exit_rules()
    {
        var p = Open(); // opened at T0 − 1, entry basis 0.001
        Assert.Equal(CarryReason.Hold, CarryRules.ShouldExit(p, 0.2m, 0.001m, T0, P).Reason);
        Assert.Equal(CarryReason.MaxHoldingTime, CarryRules.ShouldExit(p, 0.2m, 0.001m, T0 - 1 + 14 * 24 * H, P).Reason);
        Assert.False(CarryRules.ShouldExit(p, 0.2m, 0.001m, T0 - 2 + 14 * 24 * H, P).Act);
        Assert.Equal(CarryReason.FundingFell, CarryRules.ShouldExit(p, 0.0299m, 0.001m, T0, P).Reason);
        Assert.False(CarryRules.ShouldExit(p, 0.03m, 0.001m, T0, P).Act);          // hysteresis: 3 % still holds
        Assert.Equal(CarryReason.BasisWidened, CarryRules.ShouldExit(p, 0.2m, 0.011m, T0, P).Reason);
        Assert.False(CarryRules.ShouldExit(p, 0.2m, 0.0109m, T0, P).Act);
        Assert.False(CarryRules.ShouldExit(p, 0.2m, 0.5m, T0, P with { ExitBasisWidening = null }).Act);
    }

    [Fact]
    public void Parameters_without_hysteresis_are_refused()
    {
        Assert.Contains("ExitBelowAnnualised", new CarryParameters(EnterMinAnnualised: 0.05m, ExitBelowAnnualised: 0.06m).Validate());
        Assert.Null(new CarryParameters().Validate());
    }
}
