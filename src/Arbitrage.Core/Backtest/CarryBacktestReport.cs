using System.Buffers;
using System.Text.Json;
using Arbitrage.Core.Funding.Carry;

namespace Arbitrage.Core.Backtest;

/// <summary>
/// A carry backtest's results (<c>arbctl backtest --kind carry</c>): the carries the live carry actors took over the
/// tapes' markPrice frames, closed ones then those open at the end (marked at the last update, exit reason <c>open</c>),
/// in the carry CSV's order (open time). <c>summary.json</c>: <c>kind</c> = <c>"carry"</c>, <c>first_ms</c>/<c>last_ms</c>
/// (the first and last markPrice update), <c>carries</c>, <c>closed</c>, <c>open</c>, <c>settlements</c>, <c>wins</c>
/// (<c>net_usd &gt; 0</c>), <c>win_rate</c>, <c>funding_usd</c> (funding earned), <c>basis_pnl_usd</c>, <c>fees_usd</c>,
/// <c>pnl_usd</c> (= the sum of <c>net_usd</c>: funding + basis − fees), <c>max_drawdown_usd</c> (of the cumulative PnL
/// in close order, an open carry at <c>last_ms</c>, peak starting at 0), then <c>by_symbol</c> with the same keys.
/// </summary>
public sealed record CarryBacktestReport(CarryMetrics Total, IReadOnlyList<KeyValuePair<string, CarryMetrics>> BySymbol, IReadOnlyList<CarryResult> Carries)
{
    public const string Kind = "carry";

    /// <param name="carries">In the carry CSV's order.</param>
    public static CarryBacktestReport Of(IReadOnlyList<CarryResult> carries, long firstMs, long lastMs)
    {
        ArgumentNullException.ThrowIfNull(carries);
        var bySymbol = carries.GroupBy(c => c.Symbol, StringComparer.Ordinal).OrderBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => KeyValuePair.Create(g.Key, CarryMetrics.Of(g.ToArray(), firstMs, lastMs))).ToArray();
        return new CarryBacktestReport(CarryMetrics.Of(carries, firstMs, lastMs), bySymbol, carries);
    }

    /// <summary>The cumulative net PnL (USD) after each carry's close (an open carry at the end), in that order.</summary>
    public IReadOnlyList<(long TimeMs, decimal Value, decimal Drawdown)> Curve => CarryMetrics.CurveOf(Carries, Total.FirstMs, Total.LastMs);

    public string ToJson() => ReportJson.Grouped(Kind, Total, "by_symbol", BySymbol, Write);

    private static void Write(Utf8JsonWriter w, CarryMetrics m)
    {
        w.WriteNumber("first_ms", m.FirstMs);
        w.WriteNumber("last_ms", m.LastMs);
        w.WriteNumber("carries", m.Carries);
        w.WriteNumber("closed", m.Closed);
        w.WriteNumber("open", m.Open);
        w.WriteNumber("settlements", m.Settlements);
        w.WriteNumber("wins", m.Wins);
        ReportJson.Number(w, "win_rate", m.WinRate);
        w.WriteNumber("funding_usd", m.FundingUsd);
        w.WriteNumber("basis_pnl_usd", m.BasisPnlUsd);
        w.WriteNumber("fees_usd", m.FeesUsd);
        w.WriteNumber("pnl_usd", m.PnlUsd);
        w.WriteNumber("max_drawdown_usd", m.MaxDrawdownUsd);
    }
}

/// <summary>The numbers of a carry report, for all carries or one symbol's (see <see cref="CarryBacktestReport"/>).</summary>
public sealed record CarryMetrics(
    long FirstMs, long LastMs, int Carries, int Closed, int Open, int Settlements, int Wins, double? WinRate,
    decimal FundingUsd, decimal BasisPnlUsd, decimal FeesUsd, decimal PnlUsd, decimal MaxDrawdownUsd)
{
    public static CarryMetrics Of(IReadOnlyList<CarryResult> carries, long firstMs, long lastMs)
    {
        ArgumentNullException.ThrowIfNull(carries);
        var wins = carries.Count(c => c.NetUsd > 0m);
        return new CarryMetrics(
            firstMs,
            lastMs,
            carries.Count,
            carries.Count(c => c.ClosedMs is not null),
            carries.Count(c => c.ClosedMs is null),
            carries.Sum(c => c.Settlements),
            wins,
            carries.Count == 0 ? null : (double)wins / carries.Count,
            carries.Sum(c => c.FundingUsd),
            carries.Sum(c => c.BasisPnlUsd),
            carries.Sum(c => c.FeesUsd),
            carries.Sum(c => c.NetUsd),
            PnlCurve.MaxDrawdown(CurveOf(carries, firstMs, lastMs)));
    }

    internal static IReadOnlyList<(long TimeMs, decimal Value, decimal Drawdown)> CurveOf(IReadOnlyList<CarryResult> carries, long firstMs, long lastMs) =>
        PnlCurve.Of(0m, firstMs, carries.Select(c => (c.ClosedMs ?? lastMs, c.NetUsd)).OrderBy(p => p.Item1), lastMs);
}
