namespace Arbitrage.Core.Funding.Carry;

/// <summary>
/// The carry strategy file (<c>strategies/carry/carry_funding.json</c>), validated by <see cref="Strategies.CarryConfigLoader"/>. <c>decimal</c> throughout:
/// notional, fees and steps reach the exchange and the thresholds are compared with exact exchange rates.
/// </summary>
/// <param name="Parameters">Entry/exit thresholds for Core <see cref="CarryRules"/>.</param>
/// <param name="NotionalUsd">Notional of each leg of an automatic entry.</param>
/// <param name="Symbols">Perpetuals the carry trades; updates for others are ignored.</param>
/// <param name="FeeRate">Paper fee per leg fill, a fraction of the fill notional (0.0004 = 4 bp).</param>
/// <param name="FundingIntervalHours">Used to annualise the predicted rate until a funding-time roll shows the symbol's real interval.</param>
/// <param name="SpotStep">Spot quantity step (quantities round down to it).</param>
/// <param name="PerpStep">Perp quantity step.</param>
/// <param name="Enabled">False: automatic entries are off (operator commands and exits still work).</param>
/// <param name="SnapshotEvery">Journaled events between two snapshots of a carry's <see cref="CarryState"/>.</param>
public sealed record CarryConfig(
    string Id,
    CarryParameters Parameters,
    decimal NotionalUsd,
    IReadOnlyList<string> Symbols,
    decimal FeeRate = 0.0004m,
    int FundingIntervalHours = 8,
    decimal SpotStep = 0.00001m,
    decimal PerpStep = 0.001m,
    bool Enabled = true,
    int SnapshotEvery = 100)
{
    public const string DefaultRelativePath = "strategies/carry/carry_funding.json";

    public bool Trades(string symbol) => Symbols.Contains(symbol, StringComparer.Ordinal);
}
