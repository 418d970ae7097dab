using System.Text;
using Arbitrage.Binance.Protocol;
using Arbitrage.Binance.Tapes;

namespace Arbitrage.Benchmarks.Parsing;

/// <summary>Loads real frames from tests/fixtures for the parsing benchmarks.</summary>
internal static class ParsingFixtures
{
    public static string Path(string name)
    {
        string? env = Environment.GetEnvironmentVariable("ARB_FIXTURES");
        if (env is not null && File.Exists(System.IO.Path.Combine(env, name)))
        {
            return System.IO.Path.Combine(env, name);
        }

        foreach (string start in new[] { AppContext.BaseDirectory, Environment.CurrentDirectory })
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                foreach (string candidate in new[] { System.IO.Path.Combine(dir.FullName, "fixtures", name), System.IO.Path.Combine(dir.FullName, "tests", "fixtures", name) })
                {
                    if (File.Exists(candidate))
                    {
                        return candidate;
                    }
                }
            }
        }

        throw new FileNotFoundException($"fixture {name} not found (set ARB_FIXTURES to tests/fixtures)");
    }

    /// <summary>Frames of one kind, re-wrapped as the combined-stream messages they arrived as.</summary>
    public static byte[][] CombinedFrames(string fixture, FrameKind kind) =>
        TapeReader.ReadFrames(Path(fixture))
            .Where(f => f.Stream is not null)
            .Select(f => Encoding.UTF8.GetBytes($"{{\"stream\":\"{f.Stream}\",\"data\":{f.Json}}}"))
            .Where(b => MarketFrame.Classify(b) == kind)
            .ToArray();
}
