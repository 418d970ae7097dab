using System.Runtime.CompilerServices;

namespace Arbitrage.Core.Tests.Funding;

internal static class FundingFixture
{
    public static readonly TimeSpan UtcPlus3 = TimeSpan.FromHours(3);

    /// <summary>The real ETHUSDT funding CSV next to this source file (read from the source tree, not copied to bin).</summary>
    public static string EthCsvPath([CallerFilePath] string here = "") =>
        Path.Combine(Path.GetDirectoryName(here)!, "Fixtures", "binance_usdm_ETHUSDT_fundingRate_2020-2023.csv");

    public static long Ms(string isoUtc) =>
        DateTimeOffset.Parse(isoUtc, System.Globalization.CultureInfo.InvariantCulture).ToUnixTimeMilliseconds();
}
