using System.Text;
using Arbitrage.Binance.Protocol;
using Arbitrage.Binance.Tapes;
using Arbitrage.Engine.Funding;
using Arbitrage.Testing;

namespace Arbitrage.Engine.Tests.Funding;

/// <summary>The real recordings: the full files in /work/shared/data when present, else the fixture heads (both hold the 00:00 rollover).</summary>
internal static class FundingTestData
{
    private const string SharedData = "/work/shared/data";

    public static string MarkPriceTape => Pick(
        "binance_usdm_BTCUSDT_ws_depth0ms_bookTicker_trade_markPrice1s_2023-04-05T0000Z_7min.hftbt.gz",
        "binance_usdm_BTCUSDT_ws_depth0ms_bookTicker_trade_markPrice1s_2023-04-05T0000Z_head3000.hftbt.gz");

    public static string EthFundingCsv => Pick(
        "binance_usdm_ETHUSDT_fundingRate_2020-2023.csv",
        "binance_usdm_ETHUSDT_fundingRate_2020-2023.head500.csv");

    /// <summary>Every markPriceUpdate of the tape, parsed with the production parser.</summary>
    public static List<MarkPriceUpdate> ReadMarkPrices(string path)
    {
        var list = new List<MarkPriceUpdate>();
        var symbols = new SymbolTable();
        foreach (var frame in TapeReader.ReadFrames(path))
        {
            if (frame.Stream is null || !frame.Stream.Contains("@markPrice", StringComparison.Ordinal)) continue;
            var bytes = Encoding.UTF8.GetBytes(frame.Json);
            Assert.True(MarkPriceFrame.TryParse(bytes, symbols, out var evt, out var error), $"bad markPrice frame: {error}");
            list.Add(MarkPriceUpdate.From(evt));
        }

        return list;
    }

    private static string Pick(string full, string head)
    {
        var shared = Path.Combine(SharedData, full);
        return File.Exists(shared) ? shared : Path.Combine(RepoPaths.Fixtures, head);
    }
}
