using System.Runtime.CompilerServices;
using Arbitrage.Binance.Tapes;
using Arbitrage.Core.MarketData;

namespace Arbitrage.Benchmarks.Indicators;

/// <summary>The real full-day BTCUSD_PERP aggTrades tape (105 280 trades, 2026-05-08) from shared/data.</summary>
internal static class RealDay
{
    private const string ZipName = "tommyca_binance_datatool__BTCUSD_PERP__futures_cm__aggTrades__2026-05-08.zip";

    /// <summary>Read with the production tape reader (the same parse the replay uses).</summary>
    public static Trade[] Load()
    {
        using var reader = AggTradeCsvReader.Open(Path.Combine(FindSharedData(), ZipName), symbol: null);
        var trades = new List<Trade>(110_000);
        var chunk = new Trade[8192];
        for (int n; (n = reader.ReadBatch(chunk)) > 0;)
        {
            trades.AddRange(chunk.AsSpan(0, n));
        }

        // The benchmarks' OperationsPerInvoke is this count.
        return trades.Count == 105_280 ? [.. trades] : throw new InvalidDataException($"{ZipName}: {trades.Count} trades, expected 105 280");
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
