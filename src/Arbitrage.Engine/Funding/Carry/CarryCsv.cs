using System.Globalization;
using Arbitrage.Core.Funding.Carry;

namespace Arbitrage.Engine.Funding.Carry;

/// <summary>Carry results as CSV: one row per carry, open carries with an empty <c>closed_ms</c> and exit reason <c>open</c>.</summary>
public static class CarryCsv
{
    public const string Header = "symbol,opened_ms,closed_ms,notional_usd,funding_usd,basis_pnl_usd,fees_usd,net_usd,settlements,exit_reason";

    public static void Write(TextWriter writer, IEnumerable<CarryResult> results)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(results);
        writer.Write(Header);
        writer.Write('\n');
        foreach (var r in results)
        {
            writer.Write(string.Join(',',
                Field(r.Symbol),
                r.OpenedMs.ToString(CultureInfo.InvariantCulture),
                r.ClosedMs?.ToString(CultureInfo.InvariantCulture) ?? string.Empty,
                Money(r.NotionalUsd),
                Money(r.FundingUsd),
                Money(r.BasisPnlUsd),
                Money(r.FeesUsd),
                Money(r.NetUsd),
                r.Settlements.ToString(CultureInfo.InvariantCulture),
                Field(r.ExitReason)));
            writer.Write('\n');
        }
    }

    public static void WriteFile(string path, IEnumerable<CarryResult> results)
    {
        var dir = Path.GetDirectoryName(Path.GetFullPath(path));
        if (!string.IsNullOrEmpty(dir)) Directory.CreateDirectory(dir);
        using var writer = new StreamWriter(path, append: false, new System.Text.UTF8Encoding(false));
        Write(writer, results);
    }

    // Exact decimals with trailing zeros trimmed (dividing by 1.000… normalises the scale), never exponent form.
    private static string Money(decimal d) => (d / 1.0000000000000000000000000000m).ToString(CultureInfo.InvariantCulture);

    private static string Field(string s) =>
        s.AsSpan().IndexOfAny(",\"\n\r") < 0 ? s : "\"" + s.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";
}
