namespace Arbitrage.Benchmarks;

/// <summary>
/// End-to-end benches (whole processes, actors, databases) that do not fit BenchmarkDotNet's
/// micro-benchmark model. Each prints its baseline and its result side by side.
/// Usage: dotnet run -c Release --project tests/Arbitrage.Benchmarks -- e2e NAME [args]
/// </summary>
public static class EndToEnd
{
    private static readonly Dictionary<string, Func<string[], Task>> Benches = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Registers a named end-to-end bench; called from a static constructor list below.</summary>
    public static void Register(string name, Func<string[], Task> run) => Benches[name] = run;

    public static bool TryRun(string[] args)
    {
        if (args[0] != "e2e")
        {
            return false;
        }

        EndToEndRegistry.RegisterAll();
        if (args.Length < 2 || !Benches.TryGetValue(args[1], out var run))
        {
            Console.Error.WriteLine($"usage: e2e <{string.Join('|', Benches.Keys.Order())}> [args]");
            Environment.ExitCode = 2;
            return true;
        }

        run(args[2..]).GetAwaiter().GetResult();
        return true;
    }
}
