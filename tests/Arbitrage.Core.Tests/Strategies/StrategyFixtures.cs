using System.Runtime.CompilerServices;
using System.Text.Json.Nodes;
using Arbitrage.Core.Indicators;
using Arbitrage.Core.Strategies;

namespace Arbitrage.Core.Tests.Strategies;

/// <summary>Builders shared by the strategy tests.</summary>
internal static class StrategyFixtures
{
    public const string TestFile = "strategies/test.json";

    /// <summary>A valid file using every field; tests mutate it with <see cref="Mutate"/>.</summary>
    public const string ValidJson = """
        {
          "id": "test_strategy",
          "version": "1.0",
          "tag": "t1",
          "description": "test",
          "symbols": ["BTCUSDT", "ETHUSDT"],
          "threshold": 75,
          "cooldown_minutes": 10,
          "signals": {
            "cvd": { "weight": 40, "params": { "base_share": 0.5 } },
            "p99": { "weight": 30 },
            "oi":  { "weight": 30, "params": { "full_change_pct": 2 } }
          },
          "tp_sl": { "sl_atr": 1.4, "tp1_atr": 1.05, "tp2_atr": 2.1 },
          "enabled": true
        }
        """;

    public static string Mutate(Action<JsonObject> change)
    {
        var root = JsonNode.Parse(ValidJson)!.AsObject();
        change(root);
        return root.ToJsonString();
    }

    public static StrategyDefinition Load(string json)
    {
        var result = StrategyLoader.LoadText(TestFile, json);
        Assert.True(result.IsValid, string.Join(Environment.NewLine, result.Errors));
        return result.Definition!;
    }

    /// <summary>A strategy whose only signal is <paramref name="signal"/> with weight 100.</summary>
    public static StrategyDefinition Only(string signal, string paramsJson = "{}") =>
        Load($$"""
            { "id": "only_{{signal}}", "version": "1", "symbols": ["*"], "threshold": 50,
              "signals": { "{{signal}}": { "weight": 100, "params": {{paramsJson}} } },
              "tp_sl": { "sl_atr": 1, "tp1_atr": 1, "tp2_atr": 2 } }
            """);

    /// <summary>Long CVD (30 m, 4 h and 24 h all positive), ATR 50, P99 present, last price 100 000.</summary>
    public static IndicatorValues LongTick(long timeMs = 1_715_126_400_000) => new(
        TimeMs: timeMs,
        Trades: 1000,
        Cvd30m: 60,
        Cvd4h: 200,
        Cvd24h: 900,
        Vwap30m: 100_000,
        Vwap4h: 99_500,
        Vwap24h: 99_000,
        Atr: 50,
        AtrPercentile: 60,
        P99Qty: 2,
        CvdAccel: 0,
        LargeBuyQty: 0,
        LargeSellQty: 0,
        LastPrice: 100_000);

    public static IndicatorValues ShortTick(long timeMs = 1_715_126_400_000) =>
        LongTick(timeMs) with { Cvd30m = -60, Cvd4h = -200, Cvd24h = -900 };

    /// <summary>The repository's strategies/ folder: walk up to the directory holding Arbitrage.sln.</summary>
    public static string RepoStrategiesDirectory([CallerFilePath] string sourceFile = "")
    {
        // Builds into a private artifacts tree (ARB_ARTIFACTS) leave the output outside the repo, so fall back
        // to this source file's location.
        foreach (var start in new[] { AppContext.BaseDirectory, Path.GetDirectoryName(sourceFile) ?? "" })
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
                if (System.IO.File.Exists(Path.Combine(dir.FullName, "Arbitrage.sln")))
                    return Path.Combine(dir.FullName, "strategies");
        }

        throw new InvalidOperationException("Arbitrage.sln not found above " + AppContext.BaseDirectory);
    }
}
