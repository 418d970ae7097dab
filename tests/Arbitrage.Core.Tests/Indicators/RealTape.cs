using System.Globalization;
using System.IO.Compression;
using System.Runtime.CompilerServices;
using Arbitrage.Core.MarketData;

namespace Arbitrage.Core.Tests.Indicators;

/// <summary>Reads the real full-day BTCUSD_PERP aggTrades CSV straight from the zip in shared/data.</summary>
internal static class RealTape
{
    private const string ZipName = "tommyca_binance_datatool__BTCUSD_PERP__futures_cm__aggTrades__2026-05-08.zip";
    private static readonly Lazy<Trade[]> Day = new(Load);

    public static Trade[] FullDay => Day.Value;

    private static Trade[] Load()
    {
        string path = Path.Combine(FindSharedData(), ZipName);
        using var zip = ZipFile.OpenRead(path);
        var entry = zip.Entries.Single(e => e.FullName.EndsWith(".csv", StringComparison.Ordinal));
        using var reader = new StreamReader(entry.Open());
        string header = reader.ReadLine() ?? "";
        Assert.Equal("agg_trade_id,price,quantity,first_trade_id,last_trade_id,transact_time,is_buyer_maker", header);
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

    /// <summary>
    /// The folder holding <c>shared/data</c>, found by walking up from the test binaries (and, when they are
    /// built into a private artifacts folder outside the repository, from this source file).
    /// </summary>
    internal static string FindSharedData([CallerFilePath] string sourceFile = "")
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

        throw new InvalidOperationException(
            $"Real market data not found: no 'shared/data' folder above {AppContext.BaseDirectory} or {sourceFile}. " +
            $"These tests need {ZipName} from the project's shared data folder.");
    }
}
