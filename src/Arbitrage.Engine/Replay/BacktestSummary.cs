using System.Globalization;
using Arbitrage.Core.Execution;
using Arbitrage.Engine.Execution;

namespace Arbitrage.Engine.Replay;

/// <summary>
/// The headline numbers of a backtest's closed trades: count, winners (net PnL &gt; 0), net PnL in USD and R (net of
/// fees), fees, and the maximum drawdown of the cumulative realised PnL — in trade exit order (the trades CSV's row
/// order), starting from 0, in USD: the largest fall from a running peak (which starts at 0) to a later low.
/// </summary>
public sealed record BacktestSummary(int Trades, int Wins, decimal NetPnlUsd, decimal NetPnlR, decimal FeesUsd, decimal MaxDrawdownUsd)
{
    /// <summary>Signals that did not become trades, per reason: a risk rule that blocked them or the executor's rejection code.</summary>
    public IReadOnlyDictionary<string, int> NotTraded { get; init; } = new Dictionary<string, int>();

    /// <summary>Positions still open at the end of the tape (not counted in <see cref="Trades"/>).</summary>
    public int OpenAtEnd { get; init; }

    /// <param name="trades">In exit order (<see cref="TradesCsv.InExitOrder"/>).</param>
    public static BacktestSummary Of(IReadOnlyList<TradeClosed> trades)
    {
        ArgumentNullException.ThrowIfNull(trades);
        var wins = 0;
        decimal pnl = 0m, r = 0m, fees = 0m, peak = 0m, drawdown = 0m;
        foreach (var t in trades)
        {
            wins += t.PnlUsd > 0m ? 1 : 0;
            pnl += t.PnlUsd;
            r += t.PnlR;
            fees += t.FeesUsd;
            peak = Math.Max(peak, pnl);
            drawdown = Math.Max(drawdown, peak - pnl);
        }

        return new BacktestSummary(trades.Count, wins, pnl, r, fees, drawdown);
    }

    /// <summary>
    /// "10 trades, 4 wins (40 %), net PnL -11.25 USD (-5.62 R), fees 9.80 USD, max drawdown 14.16 USD; 98 signals not traded
    /// (daily_loss 90, symbol_busy 8)".
    /// </summary>
    public string Describe()
    {
        var line = string.Create(
            CultureInfo.InvariantCulture,
            $"{Trades:N0} trade{(Trades == 1 ? "" : "s")}, {Wins:N0} win{(Wins == 1 ? "" : "s")}{(Trades > 0 ? $" ({100.0 * Wins / Trades:0.#} %)" : "")}, " +
            $"net PnL {NetPnlUsd:0.00} USD ({NetPnlR:0.00} R), fees {FeesUsd:0.00} USD, max drawdown {MaxDrawdownUsd:0.00} USD");
        if (OpenAtEnd > 0)
        {
            line += string.Create(CultureInfo.InvariantCulture, $"; {OpenAtEnd:N0} still open at the end of the tape (not listed)");
        }

        var notTraded = NotTraded.Values.Sum();
        if (notTraded > 0)
        {
            line += string.Create(
                CultureInfo.InvariantCulture,
                $"; {notTraded:N0} signal{(notTraded == 1 ? "" : "s")} not traded ({string.Join(", ", NotTraded.OrderBy(kv => kv.Key, StringComparer.Ordinal).Select(kv => $"{kv.Key} {kv.Value:N0}"))})");
        }

        return line;
    }
}
