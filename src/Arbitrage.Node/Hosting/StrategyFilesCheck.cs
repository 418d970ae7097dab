namespace Arbitrage.Node.Hosting;

/// <summary>Startup validation of the strategies directory.</summary>
public static class StrategyFilesCheck
{
    /// <summary>Null when every strategy file is valid; otherwise one line naming the file, JSON path and rule.</summary>
    public static string? Validate(string directory)
    {
        if (!Directory.Exists(directory))
        {
            return $"Paths:Strategies (ARB__Paths__Strategies): strategies directory not found: {Path.GetFullPath(directory)}";
        }

        var files = Directory.GetFiles(directory, "*.json");
        if (files.Length == 0)
        {
            return $"Paths:Strategies (ARB__Paths__Strategies): no strategy files (*.json) in {Path.GetFullPath(directory)}";
        }

        foreach (var file in files.Order(StringComparer.Ordinal))
        {
            try
            {
                using var doc = System.Text.Json.JsonDocument.Parse(File.ReadAllText(file));
            }
            catch (System.Text.Json.JsonException e)
            {
                return $"{file}: $: invalid JSON: {e.Message}";
            }
        }

        return null;
    }
}
