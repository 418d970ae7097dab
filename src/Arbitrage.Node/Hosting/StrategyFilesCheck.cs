using Arbitrage.Core.Strategies;

namespace Arbitrage.Node.Hosting;

/// <summary>Startup validation of the strategies directory, with the same loader the engine uses.</summary>
public static class StrategyFilesCheck
{
    /// <summary>Null when every strategy file is valid; otherwise one line naming the file, JSON path and rule.</summary>
    public static string? Validate(string directory)
    {
        if (!Directory.Exists(directory))
        {
            return $"Paths:Strategies (ARB__Paths__Strategies): strategies directory not found: {Path.GetFullPath(directory)}";
        }

        var result = StrategyLoader.LoadDirectory(directory);
        if (result.Errors.Count > 0)
        {
            var first = result.Errors[0];
            var more = result.Errors.Count > 1 ? $" (+{result.Errors.Count - 1} more)" : string.Empty;
            return $"{first} [{first.Rule}]{more}";
        }

        var carry = Path.Combine(directory, "carry", "carry_funding.json");
        if (File.Exists(carry))
        {
            var carryLoad = Engine.Funding.Carry.CarryConfigLoader.Load(carry);
            if (!carryLoad.IsValid)
            {
                var first = carryLoad.Errors[0];
                return $"{first} [{first.Rule}]";
            }
        }

        return result.Strategies.Count == 0
            ? $"Paths:Strategies (ARB__Paths__Strategies): no strategy files (*.json) in {Path.GetFullPath(directory)}"
            : null;
    }
}
