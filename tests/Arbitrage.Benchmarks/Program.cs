using BenchmarkDotNet.Running;

// Every benchmark class compares against a baseline in the same run ([Benchmark(Baseline = true)]).
// Run all:   dotnet run -c Release --project tests/Arbitrage.Benchmarks -- --filter '*'
// Run some:  dotnet run -c Release --project tests/Arbitrage.Benchmarks -- --filter '*Parse*'
// End-to-end benches that are not BenchmarkDotNet classes are registered as named commands in E2E.
if (args.Length > 0 && Arbitrage.Benchmarks.EndToEnd.TryRun(args))
{
    return;
}

BenchmarkSwitcher.FromAssembly(typeof(Arbitrage.Benchmarks.EndToEnd).Assembly).Run(args);
