using System.Buffers;
using System.Text.Json;
using Arbitrage.Core.Execution;

namespace Arbitrage.Core.Backtest;

/// <summary>
/// A backtest's results: the metrics of all trades and per strategy / per symbol (<c>summary.json</c>), and what the
/// HTML report shows besides (longest losing streak, exit reasons, months, the curves).
/// </summary>
public sealed record BacktestReport(
    BacktestMetrics Total,
    IReadOnlyList<KeyValuePair<string, BacktestMetrics>> ByStrategy,
    IReadOnlyList<KeyValuePair<string, BacktestMetrics>> BySymbol,
    IReadOnlyList<TradeClosed> Trades)
{
    /// <param name="trades">Closed trades in exit order (the trades CSV's row order).</param>
    public static BacktestReport Of(IReadOnlyList<TradeClosed> trades, decimal startingBalanceUsd, long firstMs, long lastMs)
    {
        ArgumentNullException.ThrowIfNull(trades);
        return new BacktestReport(
            BacktestMetrics.Of(trades, startingBalanceUsd, firstMs, lastMs),
            Group(trades, t => t.StrategyId, startingBalanceUsd, firstMs, lastMs),
            Group(trades, t => t.Symbol, startingBalanceUsd, firstMs, lastMs),
            trades);
    }

    /// <summary>The most consecutive trades (exit order) that were not wins (<c>pnl_usd ≤ 0</c>).</summary>
    public int LongestLosingStreak
    {
        get
        {
            int longest = 0, run = 0;
            foreach (var t in Trades)
            {
                run = t.PnlUsd > 0m ? 0 : run + 1;
                longest = Math.Max(longest, run);
            }

            return longest;
        }
    }

    /// <summary>Max drawdown in % of the starting balance; null when the starting balance is ≤ 0.</summary>
    public double? MaxDrawdownPercent => Total.StartingBalanceUsd > 0m ? (double)(Total.MaxDrawdownUsd / Total.StartingBalanceUsd * 100m) : null;

    /// <summary>Trades per exit reason code, most frequent first (then by code).</summary>
    public IReadOnlyList<(string Code, int Trades)> ExitReasonCounts =>
        Trades.GroupBy(t => t.ExitReason.Code()).Select(g => (g.Key, g.Count()))
            .OrderByDescending(x => x.Item2).ThenBy(x => x.Key, StringComparer.Ordinal).ToArray();

    /// <summary>Per UTC month of the exit ("2026-05"): trades, wins, PnL in USD and R, fees.</summary>
    public IReadOnlyList<MonthRow> Months =>
        Trades.GroupBy(t => DateTimeOffset.FromUnixTimeMilliseconds(t.ExitTimeMs).ToString("yyyy-MM", System.Globalization.CultureInfo.InvariantCulture))
            .OrderBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => new MonthRow(g.Key, g.Count(), g.Count(t => t.PnlUsd > 0m), g.Sum(t => t.PnlUsd), g.Sum(t => t.PnlR), g.Sum(t => t.FeesUsd)))
            .ToArray();

    /// <summary>
    /// The equity curve: (time, balance) at the first tick, then after each trade's exit; the drawdown at each point is
    /// the running peak minus the balance (the same drawdown as <c>max_drawdown_usd</c>, the peak starting at the starting balance).
    /// </summary>
    public IReadOnlyList<(long TimeMs, decimal Balance, decimal Drawdown)> Equity
    {
        get
        {
            var points = new List<(long, decimal, decimal)>(Trades.Count + 2);
            var balance = Total.StartingBalanceUsd;
            var peak = balance;
            points.Add((Total.FirstMs, balance, 0m));
            foreach (var t in Trades)
            {
                balance += t.PnlUsd;
                peak = Math.Max(peak, balance);
                points.Add((t.ExitTimeMs, balance, peak - balance));
            }

            points.Add((Math.Max(Total.LastMs, points[^1].Item1), balance, peak - balance));
            return points;
        }
    }

    /// <summary><c>summary.json</c>: the metrics' keys, then <c>by_strategy</c> and <c>by_symbol</c> keyed by name.</summary>
    public string ToJson()
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var w = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true }))
        {
            w.WriteStartObject();
            WriteMetrics(w, Total);
            WriteGroup(w, "by_strategy", ByStrategy);
            WriteGroup(w, "by_symbol", BySymbol);
            w.WriteEndObject();
        }

        return System.Text.Encoding.UTF8.GetString(buffer.WrittenSpan) + "\n";
    }

    private static void WriteGroup(Utf8JsonWriter w, string name, IReadOnlyList<KeyValuePair<string, BacktestMetrics>> group)
    {
        w.WriteStartObject(name);
        foreach (var (key, metrics) in group)
        {
            w.WriteStartObject(key);
            WriteMetrics(w, metrics);
            w.WriteEndObject();
        }

        w.WriteEndObject();
    }

    private static void WriteMetrics(Utf8JsonWriter w, BacktestMetrics m)
    {
        w.WriteNumber("starting_balance_usd", m.StartingBalanceUsd);
        w.WriteNumber("first_ms", m.FirstMs);
        w.WriteNumber("last_ms", m.LastMs);
        w.WriteNumber("trades", m.Trades);
        w.WriteNumber("wins", m.Wins);
        Number(w, "win_rate", m.WinRate);
        w.WriteNumber("pnl_usd", m.PnlUsd);
        w.WriteNumber("pnl_r", m.PnlR);
        w.WriteNumber("fees_usd", m.FeesUsd);
        Number(w, "expectancy_r", m.ExpectancyR);
        Number(w, "profit_factor", m.ProfitFactor);
        w.WriteNumber("max_drawdown_usd", m.MaxDrawdownUsd);
        w.WriteNumber("max_drawdown_r", m.MaxDrawdownR);
        Number(w, "sharpe", m.Sharpe);
        Number(w, "sortino", m.Sortino);
        Number(w, "calmar", m.Calmar);
        Number(w, "exposure", m.Exposure);
        Number(w, "avg_hold_minutes", m.AvgHoldMinutes);
    }

    private static void Number(Utf8JsonWriter w, string name, double? value)
    {
        if (value is { } v && double.IsFinite(v))
        {
            w.WriteNumber(name, v);
        }
        else
        {
            w.WriteNull(name);
        }
    }

    private static KeyValuePair<string, BacktestMetrics>[] Group(
        IReadOnlyList<TradeClosed> trades, Func<TradeClosed, string> key, decimal startingBalanceUsd, long firstMs, long lastMs) =>
        trades.GroupBy(key, StringComparer.Ordinal)
            .OrderBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => KeyValuePair.Create(g.Key, BacktestMetrics.Of(g.ToArray(), startingBalanceUsd, firstMs, lastMs)))
            .ToArray();
}

/// <summary>One month of the report's monthly breakdown (by the trades' exit time, UTC).</summary>
public sealed record MonthRow(string Month, int Trades, int Wins, decimal PnlUsd, decimal PnlR, decimal FeesUsd);
