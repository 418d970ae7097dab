namespace Arbitrage.Binance.Tests;

/// <summary>Locates test data: fixtures copied next to the assembly, and the shared recordings beside the repo.</summary>
public static class TestData
{
    /// <summary>A file under tests/fixtures (copied to <c>fixtures/</c> beside the test assembly).</summary>
    public static string Fixture(string name)
    {
        string beside = Path.Combine(AppContext.BaseDirectory, "fixtures", name);
        if (File.Exists(beside))
        {
            return beside;
        }

        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            string candidate = Path.Combine(dir.FullName, "tests", "fixtures", name);
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        throw new FileNotFoundException($"fixture '{name}' not found beside {AppContext.BaseDirectory} or in any tests/fixtures above it");
    }

    /// <summary>
    /// A file of the shared recordings (<c>&lt;repo&gt;/../shared/data/name</c>), or null when the
    /// shared folder is not there (tests then fall back to fixtures).
    /// </summary>
    public static string? Shared(string name)
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            string candidate = Path.Combine(dir.FullName, "shared", "data", name);
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        return null;
    }
}
