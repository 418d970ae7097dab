using Arbitrage.Core.Strategies;

namespace Arbitrage.Node.Hosting;

/// <summary>Startup validation of the strategies directory, with the same loader the engine uses.</summary>
public static class StrategyFilesCheck
{
    /// <summary>
    /// Null when every strategy file is valid; otherwise every problem, one line each (joined by '\n'),
    /// naming the file, JSON path and rule — as the replay shows them.
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
            errors.AddRange(Engine.Funding.Carry.CarryConfigLoader.Load(carry).Errors);
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
