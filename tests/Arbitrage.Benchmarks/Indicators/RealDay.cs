using System.Globalization;
using System.IO.Compression;
using System.Runtime.CompilerServices;
using Arbitrage.Core.MarketData;

namespace Arbitrage.Benchmarks.Indicators;

/// <summary>The real full-day BTCUSD_PERP aggTrades tape (105 280 trades, 2026-05-08) from shared/data.</summary>
internal static class RealDay
{
    private const string ZipName = "tommyca_binance_datatool__BTCUSD_PERP__futures_cm__aggTrades__2026-05-08.zip";

    public static Trade[] Load()
    {
        using var zip = ZipFile.OpenRead(Path.Combine(FindSharedData(), ZipName));
        var entry = zip.Entries.Single(e => e.FullName.EndsWith(".csv", StringComparison.Ordinal));
        using var reader = new StreamReader(entry.Open());
        reader.ReadLine();
        var trades = new List<Trade>(110_000);
        while (reader.ReadLine() is { } line)
        {
            var f = line.Split(',');
            trades.Add(new Trade(
                long.Parse(f[0], CultureInfo.InvariantCulture),
                double.Parse(f[1], CultureInfo.InvariantCulture),
                double.Parse(f[2], CultureInfo.InvariantCulture),
                long.Parse(f[5], CultureInfo.InvariantCulture),
                f[6] == "true"));
        }

        return [.. trades];
    }

    // BenchmarkDotNet runs a generated copy of this project from its own folder: also search from the source path.
    private static string FindSharedData([CallerFilePath] string sourceFile = "")
    {
        foreach (string start in new[] { AppContext.BaseDirectory, Path.GetDirectoryName(sourceFile) ?? "" })
        {
            for (var dir = new DirectoryInfo(start); dir != null; dir = dir.Parent)
            {
                string candidate = Path.Combine(dir.FullName, "shared", "data");
                if (Directory.Exists(candidate))
                {
                    return candidate;
                }
            }
        }

        throw new InvalidOperationException($"'shared/data' with {ZipName} not found above {AppContext.BaseDirectory} or {sourceFile}.");
    }
}
