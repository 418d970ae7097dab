using System.Globalization;
using System.Text;
using Arbitrage.Core.Execution;
using Arbitrage.Core.Text;

namespace Arbitrage.Engine.Execution;

/// <summary>
/// The trades CSV of replays/backtests: one <see cref="TradeClosed"/> per row, invariant culture, decimals
/// as exact as computed (no exponent), so the same tape gives byte-identical files. Times twice: epoch ms for
/// programs and ISO-8601 UTC for people; <c>exit_reason</c> is an <see cref="ExitReason"/> code, <c>exit_detail</c> its words.
/// </summary>
public static class TradesCsv
{
    public const string Header =
        "signal_id,symbol,strategy,direction,entry_time_ms,entry_time,entry,qty,exit_time_ms,exit_time,exit,exit_reason,exit_detail,pnl_usd,pnl_r,fees_usd";

    public static string Row(TradeClosed t)
    {
        ArgumentNullException.ThrowIfNull(t);
        return string.Join(',',
            Quote(t.SignalId), Quote(t.Symbol), Quote(t.StrategyId), t.Direction == Core.Execution.Direction.Long ? "long" : "short",
            t.EntryTimeMs.ToString(CultureInfo.InvariantCulture), IsoTime.Utc(t.EntryTimeMs), D(t.Entry), D(t.Quantity),
            t.ExitTimeMs.ToString(CultureInfo.InvariantCulture), IsoTime.Utc(t.ExitTimeMs), D(t.Exit), t.ExitReason.Code(), Quote(t.ExitDetail),
            D(t.PnlUsd), D(t.PnlR), D(t.FeesUsd));
    }

    /// <summary>The trades in the file's row order: by exit time, then signal id (deterministic).</summary>
    public static IReadOnlyList<TradeClosed> InExitOrder(IEnumerable<TradeClosed> trades) =>
        trades.OrderBy(t => t.ExitTimeMs).ThenBy(t => t.SignalId, StringComparer.Ordinal).ToArray();

    /// <summary>Writes the header and the rows (<see cref="InExitOrder"/>).</summary>
    public static void Write(TextWriter writer, IEnumerable<TradeClosed> trades)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.Write(Header);
        writer.Write('\n');
        foreach (var t in InExitOrder(trades))
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
