namespace Arbitrage.Benchmarks;

/// <summary>Strategy files the end-to-end benches add to the shipped ones.</summary>
internal static class BenchStrategies
{
    /// <summary>
    /// The trade-only strategy of the engine tests (tests/Arbitrage.Engine.Tests/Strategies/TradeOnlyStrategy.cs),
    /// threshold 50: it emits on trades alone, so SignalEmitted writes are in the measured path.
    /// </summary>
    public const string TradeOnlyJson = """
        {
          "id": "trade_only",
          "version": "1",
          "symbols": ["*"],
          "threshold": 50,
          "cooldown_minutes": 10,
          "signals": {
            "cvd":   { "weight": 60, "params": { "base_share": 0.7 } },
            "p99":   { "weight": 30, "params": { "full_imbalance": 0.5 } },
            "accel": { "weight": 10, "params": { "full_ratio": 1.0 } }
          },
          "tp_sl": { "sl_atr": 1.5, "tp1_atr": 1, "tp2_atr": 2.5 },
          "enabled": true
        }
        """;
}
