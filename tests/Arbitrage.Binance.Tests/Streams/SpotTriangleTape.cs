using System.Globalization;
using System.IO.Compression;
using System.Text.Json;
using System.Text.Json.Nodes;
using Arbitrage.Binance.Tapes;

namespace Arbitrage.Binance.Tests.Streams;

/// <summary>
/// The three legs of the BTC/ETH/USDT triangle for the simulator: BTCUSDT and ETHUSDT are the real spot captures of
/// 2024-08-08 (fixtures, snapshot + depth@100ms + bookTicker); ETHBTC is the real ETHBTC snapshot + 1-second diffs of
/// 2020-11-01 09:00 from shared/data's deep_orderbook recording, read at test time and never committed (that source has
/// no licence: shared/data/README allows using it from there for checks), its event times moved onto the 2024 window
/// (update ids and levels untouched) so the three books interleave on one connection. Without shared/data the ETHBTC
/// book is SYNTHETIC (see <see cref="SyntheticEthBtc"/>): a seeded random book around 0.0434 with a valid id chain.
/// </summary>
public static class SpotTriangleTape
{
    public const string BtcUsdt = "binance_spot_BTCUSDT_ws_depth100ms_bookTicker_trade_2024-08-08T2354Z_head3000.hftbt.gz";
    public const string EthUsdt = "binance_spot_ETHUSDT_ws_depth100ms_bookTicker_trade_2024-08-08T2354Z_head3000.hftbt.gz";
    public const string DeepOrderbookZip = "binance_spot_BTCUSDT_ETHUSDT_ETHBTC_2020-11-01T09Z_2h.deep_orderbook.zip";

    /// <summary>Event time of the first depth diff of the BTCUSDT fixture: where the ETHBTC frames start.</summary>
    public const long WindowStartMs = 1_723_161_255_208;

    public static readonly string[] Symbols = ["BTCUSDT", "ETHUSDT", "ETHBTC"];

    public static IReadOnlyList<string> Tapes => [TestData.Fixture(BtcUsdt), TestData.Fixture(EthUsdt)];

    /// <summary>ETHBTC's snapshot then <paramref name="diffs"/> diffs, and whether they are the real recording.</summary>
    public static (IReadOnlyList<TapeFrame> Frames, bool Real) EthBtc(int diffs = 40) =>
        TestData.HasShared(DeepOrderbookZip) ? (RealEthBtc(TestData.Shared(DeepOrderbookZip), diffs), true) : (SyntheticEthBtc(diffs), false);

    private static List<TapeFrame> RealEthBtc(string zipPath, int diffs)
    {
        using var zip = ZipFile.OpenRead(zipPath);
        string Read(string name)
        {
            using var reader = new StreamReader(zip.GetEntry(name)?.Open() ?? throw new FileNotFoundException($"{name} not in {zipPath}"));
            return reader.ReadToEnd();
        }

        var snapshot = JsonNode.Parse(Read("ETHBTC/2020-11-01T09-00-00_snapshot.json"))!;
        var updates = JsonNode.Parse(Read("ETHBTC/2020-11-01T09-00-00_update.json"))!.AsArray();
        var shift = WindowStartMs - updates[0]!["E"]!.GetValue<long>();
        var frames = new List<TapeFrame> { new(WindowStartMs - 1, null, snapshot.ToJsonString()) };
        foreach (var u in updates.Take(diffs))
        {
            var e = u!["E"]!.GetValue<long>() + shift;
            u["E"] = e;
            frames.Add(new TapeFrame(e, "ethbtc@depth", u.ToJsonString()));
        }

        return frames;
    }

    /// <summary>
    /// SYNTHETIC ETHBTC (used only when shared/data is absent): 200 levels a side around 0.0434 BTC at a 0.00001 tick,
    /// seeded random quantities, one diff every 100 ms changing a few levels, update ids chained by the spot rule.
    /// </summary>
    public static List<TapeFrame> SyntheticEthBtc(int diffs)
    {
        var random = new Random(20240808);
        const decimal mid = 0.04340m, tick = 0.00001m;
        string Q() => (random.Next(1, 50_000) / 1000m).ToString("0.00000000", CultureInfo.InvariantCulture);
        string P(decimal p) => p.ToString("0.00000000", CultureInfo.InvariantCulture);
        long id = 9_000_000;
        var bids = Enumerable.Range(1, 200).Select(i => new[] { P(mid - i * tick), Q() }).ToArray();
        var asks = Enumerable.Range(0, 200).Select(i => new[] { P(mid + i * tick), Q() }).ToArray();
        var frames = new List<TapeFrame>
        {
            new(WindowStartMs - 1, null, JsonSerializer.Serialize(new { lastUpdateId = id, bids, asks })),
        };
        for (var n = 0; n < diffs; n++)
        {
            var first = id + 1;
            id += random.Next(1, 6);
            var time = WindowStartMs + n * 100L;
            var b = Enumerable.Range(0, 3).Select(_ => new[] { P(mid - random.Next(1, 40) * tick), random.Next(4) == 0 ? "0.00000000" : Q() }).ToArray();
            var a = Enumerable.Range(0, 3).Select(_ => new[] { P(mid + random.Next(0, 40) * tick), random.Next(4) == 0 ? "0.00000000" : Q() }).ToArray();
            var json = JsonSerializer.Serialize(new Dictionary<string, object>
            {
                ["e"] = "depthUpdate", ["E"] = time, ["s"] = "ETHBTC", ["U"] = first, ["u"] = id, ["b"] = b, ["a"] = a,
            });
            frames.Add(new TapeFrame(time, "ethbtc@depth@100ms", json));
        }

        return frames;
    }
}
