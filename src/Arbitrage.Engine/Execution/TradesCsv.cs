using System.Globalization;
using System.Text;

namespace Arbitrage.Engine.Execution;

/// <summary>
/// The trades CSV of replays/backtests: one <see cref="TradeClosed"/> per row, invariant culture, decimals
/// as exact as computed (no exponent), so the same tape gives byte-identical files.
/// </summary>
public static class TradesCsv
{
    public const string Header = "signal_id,symbol,strategy,direction,entry_time_ms,entry,qty,exit_time_ms,exit,exit_reason,pnl_usd,pnl_r,fees_usd";

    public static string Row(TradeClosed t)
    {
        ArgumentNullException.ThrowIfNull(t);
        return string.Join(',',
            Quote(t.SignalId), Quote(t.Symbol), Quote(t.StrategyId), t.Direction == Core.Sizing.PositionSide.Long ? "long" : "short",
            t.EntryTimeMs.ToString(CultureInfo.InvariantCulture), D(t.Entry), D(t.Quantity),
            t.ExitTimeMs.ToString(CultureInfo.InvariantCulture), D(t.Exit), Quote(t.ExitReason),
            D(t.PnlUsd), D(t.PnlR), D(t.FeesUsd));
    }

    /// <summary>Writes the header and the rows (ordered by exit time, then signal id: deterministic).</summary>
    public static void Write(TextWriter writer, IEnumerable<TradeClosed> trades)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.Write(Header);
        writer.Write('\n');
        foreach (var t in trades.OrderBy(t => t.ExitTimeMs).ThenBy(t => t.SignalId, StringComparer.Ordinal))
        {
            writer.Write(Row(t));
            writer.Write('\n');
        }
    }

    public static void WriteFile(string path, IEnumerable<TradeClosed> trades)
    {
        using var w = new StreamWriter(path, append: false, new UTF8Encoding(false));
        Write(w, trades);
    }

    // Rounded to 12 places: enough for USD and R, and stable across runs.
    private static string D(decimal v) => decimal.Round(v, 12).ToString("0.############", CultureInfo.InvariantCulture);

    private static string Quote(string s) =>
        s.AsSpan().IndexOfAny(",\"\n\r") < 0 ? s : "\"" + s.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";
}
