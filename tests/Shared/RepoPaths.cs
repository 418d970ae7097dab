namespace Arbitrage.Testing;

/// <summary>Finds the repository (the folder with Arbitrage.sln) from the test binaries.</summary>
public static class RepoPaths
{
    public static string Root { get; } = FindRoot();

    public static string Hocon => Path.Combine(Root, "hocon");

    public static string Strategies => Path.Combine(Root, "strategies");

    public static string Fixtures => Path.Combine(Root, "tests", "fixtures");

    public static string TestHocon => Path.Combine(Hocon, "test.conf");

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Arbitrage.sln")))
            {
                return dir.FullName;
            }
        }

        var baked = typeof(RepoPaths).Assembly.GetCustomAttributes(typeof(System.Reflection.AssemblyMetadataAttribute), false)
            .Cast<System.Reflection.AssemblyMetadataAttribute>()
            .FirstOrDefault(a => a.Key == "Arbitrage.RepoRoot")?.Value;
        if (baked is not null && File.Exists(Path.Combine(baked, "Arbitrage.sln")))
        {
            return Path.GetFullPath(baked);
        }

        throw new InvalidOperationException($"Arbitrage.sln not found above {AppContext.BaseDirectory}.");
    }
}
