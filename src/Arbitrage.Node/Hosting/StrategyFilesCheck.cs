using Arbitrage.Core.Strategies;
using Arbitrage.Core.Triangles;

namespace Arbitrage.Node.Hosting;

/// <summary>Startup validation of the strategies directory, with the same loader the engine uses.</summary>
public static class StrategyFilesCheck
{
    /// <summary>Strategy ids that start with this are examples (documented as such), never traded with real money.</summary>
    public const string ExamplePrefix = "example_";

    /// <summary>
    /// Live trading on Binance production with an enabled example strategy: the problem as one line, else null. Examples
    /// exist to show the pipeline on trades-only tapes (paper, the simulator), not to risk an account.
    /// </summary>
    public static string? RefuseExamplesLive(string directory, ExchangeOptions exchange)
    {
        if (exchange.Mode != "live" || exchange.Kind != "binance" || !Directory.Exists(directory))
        {
            return null;
        }

        var examples = StrategyLoader.LoadDirectory(directory).Strategies
            .Where(s => s.Enabled && s.Id.StartsWith(ExamplePrefix, StringComparison.Ordinal))
            .Select(s => s.Id)
            .ToArray();
        return examples.Length == 0
            ? null
            : $"Paths:Strategies (ARB__Paths__Strategies): {string.Join(", ", examples)} is an example strategy, not a recommendation: " +
              $"set \"enabled\": false or remove it from {Path.GetFullPath(directory)} before trading live";
    }

    /// <summary>
    /// Null when every strategy file is valid; otherwise every problem, one line each (joined by '\n'),
    /// naming the file, JSON path and rule — as the replay shows them (the strategy files, carry/ and triangles/).
    /// </summary>
    public static string? Validate(string directory)
    {
        if (!Directory.Exists(directory))
        {
            return $"Paths:Strategies (ARB__Paths__Strategies): strategies directory not found: {Path.GetFullPath(directory)}";
        }

        var result = StrategyLoader.LoadDirectory(directory);
        var errors = result.Errors.ToList();
        var carry = Path.Combine(directory, "carry", "carry_funding.json");
        if (File.Exists(carry))
        {
            errors.AddRange(CarryConfigLoader.Load(carry).Errors);
        }

        var triangles = Path.Combine(directory, "triangles");
        if (Directory.Exists(triangles))
        {
            errors.AddRange(TriangleConfigLoader.LoadSet(Directory.GetFiles(triangles, "*.json").Select(f => (f, File.ReadAllText(f)))).Errors);
        }

        if (errors.Count > 0)
        {
            return string.Join('\n', errors.Select(e => $"{e} [{e.Rule}]"));
        }

        return result.Strategies.Count == 0
            ? $"Paths:Strategies (ARB__Paths__Strategies): no strategy files (*.json) in {Path.GetFullPath(directory)}"
            : null;
    }
}
