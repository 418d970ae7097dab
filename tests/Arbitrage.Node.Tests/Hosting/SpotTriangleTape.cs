using System.Globalization;
using System.Text.Json;
using Arbitrage.Binance.Tapes;
using Arbitrage.Simulator;
using Arbitrage.Simulator.Exchange;
using Arbitrage.Simulator.Tape;
using Arbitrage.Testing;

namespace Arbitrage.Node.Tests.Hosting;

/// <summary>
/// The simulator serving the three spot legs of BTC/ETH/USDT: the real BTCUSDT and ETHUSDT captures of 2024-08-08
/// (28 s of tape each) and a SYNTHETIC ETHBTC book, seeded, with a valid update-id chain (the fixtures hold no ETHBTC of
/// that day), around a mid the test chooses: 0.0434 is where the real legs put it (no arbitrage), above it selling
/// ETH for BTC pays (USDT → ETH → BTC → USDT clears its fees).
/// </summary>
internal static class SpotTriangleTape
{
    /// <summary>The BTCUSDT fixture's first depth diff.</summary>
    public const long WindowStartMs = 1_723_161_255_208;

    /// <summary>Where the real BTCUSDT and ETHUSDT books of the window put ETH/BTC.</summary>
    public const decimal FairMid = 0.04340m;

    /// <summary>Binance-like spot rules of the three pairs (ETHBTC's minimum notional in BTC).</summary>
    public static readonly IReadOnlyDictionary<string, SymbolSpec> Specs = new Dictionary<string, SymbolSpec>
    {
        ["BTCUSDT"] = new() { TickSize = 0.01m, MinPrice = 0.01m, StepSize = 0.00001m, MinQty = 0.00001m, MaxQty = 9_000m, MinNotional = 5m },
        ["ETHUSDT"] = new() { TickSize = 0.01m, MinPrice = 0.01m, StepSize = 0.0001m, MinQty = 0.0001m, MaxQty = 9_000m, MinNotional = 5m },
        ["ETHBTC"] = new() { TickSize = 0.00001m, MinPrice = 0.00001m, StepSize = 0.0001m, MinQty = 0.0001m, MaxQty = 100_000m, MinNotional = 0.0001m },
    };

    /// <summary>The simulator with every pair's REST snapshot played (a feed syncs from the exchange's book), then paused.</summary>
    public static async Task<SimulatorHost> StartSimulatorAsync(double speed, decimal spotTakerBps = 10m, decimal ethBtcMid = FairMid,
        IReadOnlyDictionary<string, decimal>? balances = null)
    {
        string[] tapes =
        [
            Path.Combine(RepoPaths.Fixtures, "binance_spot_BTCUSDT_ws_depth100ms_bookTicker_trade_2024-08-08T2354Z_head3000.hftbt.gz"),
            Path.Combine(RepoPaths.Fixtures, "binance_spot_ETHUSDT_ws_depth100ms_bookTicker_trade_2024-08-08T2354Z_head3000.hftbt.gz"),
        ];
        var ethbtc = SyntheticEthBtc(diffs: 600, ethBtcMid);
        var frames = TapeLoader.Load(tapes, ethbtc); // the simulator's own order of play
        var spot = new SpotOptions { Fees = new FeeSchedule(MakerBps: 2m, TakerBps: spotTakerBps), Symbols = Specs };
        if (balances is not null) spot = spot with { InitialBalances = balances };
        var sim = await SimulatorHost.StartAsync(new SimulatorOptions
        {
            Tapes = tapes,
            Frames = ethbtc,
            Start = PlaybackStart.Manual,
            Speed = speed,
            Port = 0,
            Spot = spot,
        });
        var lastSnapshot = Array.FindLastIndex(frames, f => f.Kind == FrameKind.DepthSnapshot);
        Assert.Equal(3, frames.Count(f => f.Kind == FrameKind.DepthSnapshot));
        sim.Control.Step(lastSnapshot + 1);
        return sim;
    }

    /// <summary>
    /// SYNTHETIC ETHBTC: 200 levels a side around <paramref name="mid"/> at a 0.00001 tick, seeded random quantities, one
    /// diff every 100 ms from the BTCUSDT fixture's first diff, update ids chained by the spot rule.
    /// </summary>
    public static List<TapeFrame> SyntheticEthBtc(int diffs, decimal mid = FairMid)
    {
        var random = new Random(20240808);
        const decimal tick = 0.00001m;
        string Q() => (random.Next(1, 50_000) / 1000m).ToString("0.00000000", CultureInfo.InvariantCulture);
        static string P(decimal p) => p.ToString("0.00000000", CultureInfo.InvariantCulture);
        long id = 9_000_000;
        var bids = Enumerable.Range(1, 200).Select(i => new[] { P(mid - i * tick), Q() }).ToArray();
        var asks = Enumerable.Range(0, 200).Select(i => new[] { P(mid + i * tick), Q() }).ToArray();
        var frames = new List<TapeFrame> { new(WindowStartMs - 1, null, JsonSerializer.Serialize(new { lastUpdateId = id, bids, asks })) };
        for (var n = 0; n < diffs; n++)
        {
            var first = id + 1;
            id += random.Next(1, 6);
            var time = WindowStartMs + n * 100L;
            // Quantities only (never 0): the book keeps its depth, so cycles stay feasible.
            var b = Enumerable.Range(0, 3).Select(_ => new[] { P(mid - random.Next(1, 40) * tick), Q() }).ToArray();
            var a = Enumerable.Range(0, 3).Select(_ => new[] { P(mid + random.Next(0, 40) * tick), Q() }).ToArray();
            var json = JsonSerializer.Serialize(new Dictionary<string, object>
            {
                ["e"] = "depthUpdate", ["E"] = time, ["s"] = "ETHBTC", ["U"] = first, ["u"] = id, ["b"] = b, ["a"] = a,
            });
            frames.Add(new TapeFrame(time, "ethbtc@depth@100ms", json));
        }

        return frames;
    }

    /// <summary>The repository's strategies under <paramref name="work"/>/strategies, without the enabled example live mode refuses.</summary>
    public static void CopyStrategies(string work)
    {
        CopyDirectory(RepoPaths.Strategies, Path.Combine(work, "strategies"));
        File.Delete(Path.Combine(work, "strategies", "example_trades_only.json"));
    }

    private static void CopyDirectory(string from, string to)
    {
        Directory.CreateDirectory(to);
        foreach (var file in Directory.GetFiles(from)) File.Copy(file, Path.Combine(to, Path.GetFileName(file)));
        foreach (var dir in Directory.GetDirectories(from)) CopyDirectory(dir, Path.Combine(to, Path.GetFileName(dir)));
    }
}
