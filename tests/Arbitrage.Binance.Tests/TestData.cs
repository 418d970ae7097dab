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

    /// <summary>A file of the shared recordings (<c>&lt;repo&gt;/../shared/data/name</c>); throws when absent (see <see cref="HasShared"/>).</summary>
    public static string Shared(string name) =>
        FindShared(name) ?? throw new FileNotFoundException($"shared data '{name}' not found in any shared/data above {AppContext.BaseDirectory}");

    /// <summary>True when the shared recordings are beside the repo (tests then prefer the full files).</summary>
    public static bool HasShared(string name) => FindShared(name) is not null;

    private static string? FindShared(string name)
    {
        // Builds with ARB_ARTIFACTS put the assembly outside the repo: allow an explicit location too.
        string? env = Environment.GetEnvironmentVariable("ARB_SHARED_DATA");
        if (env is not null && File.Exists(Path.Combine(env, name)))
        {
            return Path.Combine(env, name);
        }

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
