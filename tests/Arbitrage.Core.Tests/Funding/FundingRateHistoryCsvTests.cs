using Arbitrage.Core.Funding;
using static Arbitrage.Core.Tests.Funding.FundingFixture;

namespace Arbitrage.Core.Tests.Funding;

public class FundingRateHistoryCsvTests
{
    [Fact]
    public void Reads_the_real_file_and_maps_utc_plus_3_to_the_00_08_16_utc_settlements()
    {
        var rows = FundingRateHistoryCsv.Read(EthCsvPath(), UtcPlus3);
        Assert.Equal(4383, rows.Count);
        Assert.All(rows, r => Assert.Equal("ETH-USDT", r.Symbol));

        // The first four data lines, by hand.
        Assert.Equal(new FundingRateRecord("ETH-USDT", Ms("2020-01-01T00:00:00Z"), 0.00010000m), rows[0]);   // 03:00 local
        Assert.Equal(new FundingRateRecord("ETH-USDT", Ms("2020-01-01T08:00:00Z"), 0.00007354m), rows[1]);   // 11:00 local
        Assert.Equal(new FundingRateRecord("ETH-USDT", Ms("2020-01-01T16:00:00Z"), -0.00016125m), rows[2]);  // 19:00 local
        Assert.Equal(new FundingRateRecord("ETH-USDT", Ms("2020-01-02T00:00:00.002Z"), 0.00005047m), rows[3]);
        Assert.Equal(new FundingRateRecord("ETH-USDT", Ms("2023-12-31T16:00:00Z"), 0.00031621m), rows[^1]);

        // Every row: UTC hour 0, 8 or 16, within a second of the hour (Binance stamps a few ms late).
        var hours = rows.Select(r => DateTimeOffset.FromUnixTimeMilliseconds(r.TimeMs).UtcDateTime)
            .Select(t => (t.Hour, t.Minute, t.Second)).Distinct().OrderBy(h => h).ToArray();
        Assert.Equal([(0, 0, 0), (8, 0, 0), (16, 0, 0)], hours);
    }

    [Fact]
    public void The_offset_is_the_callers_statement_about_the_source()
    {
        const string csv = "Symbol,Date,Funding Rate\nETH-USDT,2020-01-01 03:00:00.000,0.0001\n";
        Assert.Equal(Ms("2020-01-01T03:00:00Z"), FundingRateHistoryCsv.Read(new StringReader(csv), TimeSpan.Zero)[0].TimeMs);
        Assert.Equal(Ms("2020-01-01T00:00:00Z"), FundingRateHistoryCsv.Read(new StringReader(csv), UtcPlus3)[0].TimeMs);
        // Across midnight: 01:00 local on 1 Jan is 22:00 UTC on 31 Dec.
        const string early = "Symbol,Date,Funding Rate\nX,2021-01-01 01:00:00,1e-4\n";
        var r = Assert.Single(FundingRateHistoryCsv.Read(new StringReader(early), UtcPlus3));
        Assert.Equal((Ms("2020-12-31T22:00:00Z"), 0.0001m), (r.TimeMs, r.Rate));
    }

    [Theory]
    [InlineData("Symbol,Date,Funding Rate\nX,2020-01-01 03:00:00,0.1\nX,2020-13-01 03:00:00,0.1\n", 3, "bad Date '2020-13-01 03:00:00'")]
    [InlineData("Symbol,Date,Funding Rate\nX,2020-01-01 03:00:00,abc\n", 2, "bad Funding Rate 'abc'")]
    [InlineData("Symbol,Date,Funding Rate\nX,2020-01-01 03:00:00\n", 2, "expected 3 fields")]
    [InlineData("Symbol,Date,Funding Rate\n,2020-01-01 03:00:00,0.1\n", 2, "empty Symbol")]
    [InlineData("Symbol;Date;Funding Rate\n", 1, "header")]
    [InlineData("", 1, "empty file")]
    [InlineData("Symbol,Date,Funding Rate\nX,2020-01-01 11:00:00,0.1\n\nX,2020-01-01 03:00:00,0.1\n", 4, "not after the previous one")]
    public void A_bad_line_is_reported_as_file_colon_line(string csv, int line, string problem)
    {
        var ex = Assert.Throws<FundingCsvException>(() => FundingRateHistoryCsv.Read(new StringReader(csv), UtcPlus3, "rates.csv"));
        Assert.Equal(line, ex.Line);
        Assert.StartsWith($"rates.csv:{line}: ", ex.Message);
        Assert.Contains(problem, ex.Message);
    }

    [Fact]
    public void The_path_overload_names_the_file_in_errors()
    {
        var path = Path.Combine(Path.GetTempPath(), $"funding-bad-{Guid.NewGuid():N}.csv");
        File.WriteAllText(path, "Symbol,Date,Funding Rate\nX,2020-01-01 03:00:00,0.1\nX,yesterday,0.1\n");
        try
        {
            var ex = Assert.Throws<FundingCsvException>(() => FundingRateHistoryCsv.Read(path, UtcPlus3));
            Assert.StartsWith($"{path}:3: bad Date 'yesterday'", ex.Message);
        }
        finally
        {
            File.Delete(path);
        }
    }
}
