using System.Diagnostics;
using Arbitrage.FaultSuite;
using Arbitrage.FaultSuite.Scenarios;
using Arbitrage.Testing.Faults;

// The fault suite: each scenario of issue #13 against real node processes, the standalone simulator and PostgreSQL,
// bounded and self-stopping; prints one row per scenario and round, and exits 1 when any broke its promise.
var options = SuiteOptions.Parse(args);
if (options.Error is not null)
{
    Console.Error.WriteLine($"fault-suite: {options.Error}");
    Console.Error.WriteLine(SuiteOptions.Usage);
    return 2;
}

var all = new IFaultScenario[]
{
    new PostgresOutageScenario(),
    options.Reduced ? new RateLimitedCatchUpScenario(storm: 30, retryAfterSeconds: 1) : new RateLimitedCatchUpScenario(),
    new SigkillRecordingScenario(),
    new HostileRequestsScenario(),
    new PaperRestartScenario(),
    new OrderFaultScenario(OrderFault.RateLimitStormOnBreakEven),
    new OrderFaultScenario(OrderFault.LatencyWhenBreakEvenFills),
};
var chosen = options.Scenarios.Count == 0 ? all : all.Where(s => options.Scenarios.Contains(s.Name)).ToArray();
if (chosen.Length == 0)
{
    Console.Error.WriteLine($"fault-suite: no such scenario; known: {string.Join(", ", all.Select(s => s.Name))}");
    return 2;
}

var results = new List<ScenarioResult>();
var clock = Stopwatch.StartNew();
foreach (var scenario in chosen)
{
    for (var round = 1; round <= options.Rounds; round++)
    {
        Console.Error.WriteLine($"[{clock.Elapsed:mm\\:ss}] {scenario.Name} round {round}/{options.Rounds}: {scenario.Description}");
        ScenarioResult result;
        using var timeout = new CancellationTokenSource(options.ScenarioTimeout);
        var work = Path.Combine(Path.GetTempPath(), "arb-faults", $"{scenario.Name}-{round}-{Guid.NewGuid():N}");
        Directory.CreateDirectory(work);
        try
        {
            result = await scenario.RunAsync(new FaultContext(work, round, options), timeout.Token);
        }
        catch (Exception e)
        {
            result = ScenarioResult.Broken(scenario.Name, round, e is OperationCanceledException ? $"did not finish within {options.ScenarioTimeout}" : e.Message);
        }
        finally
        {
            try
            {
                Directory.Delete(work, recursive: true);
            }
            catch (IOException)
            {
                // A temp folder a killed process still held.
            }
        }

        results.Add(result);
        Console.Error.WriteLine($"[{clock.Elapsed:mm\\:ss}] {scenario.Name} round {round}: {(result.Passed ? "ok" : "BROKEN")} {result.Notes}");
    }
}

var table = ResultTable.Markdown(results);
Console.WriteLine(table);
if (options.Output is { } output)
{
    File.WriteAllText(output, table);
}

return results.All(r => r.Passed) ? 0 : 1;
