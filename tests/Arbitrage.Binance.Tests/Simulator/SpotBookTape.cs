using System.Globalization;
using Arbitrage.Binance.Tapes;
using Arbitrage.Simulator;

namespace Arbitrage.Binance.Tests.Simulator;

/// <summary>
/// Three spot books for a USDT → BTC → ETH → USDT cycle (depth snapshots, no markPrice frames: a spot tape), the spot
/// rules that go with them, and a depth diff that starts a new frame without changing a level.
/// </summary>
public static class SpotBookTape
{
    public const long T0 = 1_717_000_000_000;

    /// <summary>BTCUSDT ask 60 000 × 1; ETHBTC asks 0.05 × 1, 0.0501 × 2, 0.0502 × 5, bid 0.0499 × 10; ETHUSDT bid 3000 × 10.</summary>
    public static List<TapeFrame> Books() =>
    [
        Snapshot("BTCUSDT", 1, T0 + 1, bids: [(59_990m, 1m)], asks: [(60_000m, 1m)]),
        Snapshot("ETHBTC", 1, T0 + 2, bids: [(0.0499m, 10m)], asks: [(0.05m, 1m), (0.0501m, 2m), (0.0502m, 5m)]),
        Snapshot("ETHUSDT", 1, T0 + 3, bids: [(3000m, 10m)], asks: [(3001m, 10m)]),
        EmptyDiff("ETHBTC", 2, T0 + 4),
    ];

    /// <summary>Frames played before the books are all there (the last frame is the ETHBTC diff).</summary>
    public const int BookFrames = 3;

    public static SimulatorOptions Configure(SimulatorOptions o, IReadOnlyDictionary<string, decimal> balances) => o with
    {
        Frames = Books(),
        Spot = o.Spot with
        {
            InitialBalances = balances,
            Symbols = new Dictionary<string, SymbolSpec>
            {
                ["BTCUSDT"] = new() { TickSize = 0.01m, MinPrice = 0.01m, StepSize = 0.00001m, MinQty = 0.00001m, MinNotional = 5m },
                ["ETHBTC"] = new() { TickSize = 0.00001m, MinPrice = 0.00001m, StepSize = 0.0001m, MinQty = 0.0001m, MinNotional = 0.0001m },
                ["ETHUSDT"] = new() { TickSize = 0.01m, MinPrice = 0.01m, StepSize = 0.0001m, MinQty = 0.0001m, MinNotional = 5m },
            },
        },
    };

    private static TapeFrame Snapshot(string symbol, long updateId, long time, (decimal P, decimal Q)[] bids, (decimal P, decimal Q)[] asks) =>
        new(time, null, $$"""{"lastUpdateId":{{updateId}},"s":"{{symbol}}","E":{{time}},"bids":{{Levels(bids)}},"asks":{{Levels(asks)}}}""");

    private static TapeFrame EmptyDiff(string symbol, long updateId, long time) =>
        new(time, symbol.ToLowerInvariant() + "@depth@100ms",
            $$"""{"e":"depthUpdate","E":{{time}},"s":"{{symbol}}","U":{{updateId}},"u":{{updateId}},"b":[],"a":[]}""");

    private static string Levels((decimal P, decimal Q)[] levels) =>
        "[" + string.Join(',', levels.Select(l => $"[\"{l.P.ToString(CultureInfo.InvariantCulture)}\",\"{l.Q.ToString(CultureInfo.InvariantCulture)}\"]")) + "]";
}
