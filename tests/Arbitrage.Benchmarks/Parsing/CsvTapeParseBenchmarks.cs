using System.Globalization;
using System.IO.Compression;
using Arbitrage.Binance.Tapes;
using Arbitrage.Core.MarketData;
using BenchmarkDotNet.Attributes;

namespace Arbitrage.Benchmarks.Parsing;

/// <summary>
/// The first 20,000 rows of the real BTCUSD_PERP aggTrades dump as a plain CSV file (OS-cached):
/// TapeReader's batch path vs File.ReadLines + string.Split + double.Parse. Per row.
/// </summary>
[MemoryDiagnoser]
public class CsvTapeParseBenchmarks
{
    private const int Rows = 20_000;
    private string _path = "";
    private readonly SumSink _sink = new();

    [GlobalSetup]
    public void Setup()
    {
        string dir = Directory.CreateTempSubdirectory("arb-bench").FullName;
        _path = Path.Combine(dir, "BTCUSD_PERP-aggTrades-2026-05-08.csv");
        using var zip = ZipFile.OpenRead(ParsingFixtures.Path("BTCUSD_PERP-aggTrades-2026-05-08.head20000.zip"));
        zip.Entries[0].ExtractToFile(_path, overwrite: true);
    }

    [GlobalCleanup]
    public void Cleanup() => Directory.Delete(Path.GetDirectoryName(_path)!, recursive: true);

    [Benchmark(Baseline = true, OperationsPerInvoke = Rows)]
    public double NaiveSplit()
    {
        double sum = 0;
        bool header = true;
        foreach (string line in File.ReadLines(_path))
        {
            if (header)
            {
                header = false;
                continue;
            }

            var f = line.Split(',');
            var t = new Trade(long.Parse(f[0], CultureInfo.InvariantCulture), double.Parse(f[1], CultureInfo.InvariantCulture),
                double.Parse(f[2], CultureInfo.InvariantCulture), long.Parse(f[5], CultureInfo.InvariantCulture), bool.Parse(f[6]));
            sum += t.Price * t.Quantity;
        }

        return sum;
    }

    [Benchmark(OperationsPerInvoke = Rows)]
    public double TapeReaderBatches()
    {
        _sink.Sum = 0;
        TapeReader.ReadTrades(_path, _sink);
        return _sink.Sum;
    }

    private sealed class SumSink : ITradeBatchSink
    {
        public double Sum;

        public void OnBatch(string symbol, ReadOnlySpan<Trade> trades)
        {
            foreach (var t in trades)
            {
                Sum += t.Price * t.Quantity;
            }
        }
    }
}
