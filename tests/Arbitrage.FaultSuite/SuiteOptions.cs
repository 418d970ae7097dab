using System.Globalization;

namespace Arbitrage.FaultSuite;

/// <summary>The suite's arguments: how many rounds, which scenarios, where PostgreSQL is, where the table goes.</summary>
public sealed record SuiteOptions(int Rounds, IReadOnlySet<string> Scenarios, string? Postgres, string? Output, TimeSpan ScenarioTimeout, string? Error)
{
    public const string Usage =
        "usage: dotnet run -c Release --project tests/Arbitrage.FaultSuite -- [--rounds N] [--scenario NAME]... [--postgres CONNECTION] [--out FILE.md]\n" +
        "  --rounds N          rounds of each scenario (default 3; CI runs 1)\n" +
        "  --scenario NAME     only this scenario (repeatable): pg-outage, 429-catch-up, sigkill-recording, viewer-probe, malformed\n" +
        "  --postgres CS       an Npgsql connection string (default: $ARB_TEST_POSTGRES); each run gets its own schema\n" +
        "  --out FILE          also write the result table (markdown) to FILE";

    public static SuiteOptions Parse(string[] args)
    {
        var rounds = 3;
        var scenarios = new HashSet<string>(StringComparer.Ordinal);
        string? postgres = Environment.GetEnvironmentVariable("ARB_TEST_POSTGRES");
        string? output = null;
        for (var i = 0; i < args.Length; i++)
        {
            string? Next() => i + 1 < args.Length ? args[++i] : null;
            switch (args[i])
            {
                case "--rounds":
                    if (!int.TryParse(Next(), NumberStyles.Integer, CultureInfo.InvariantCulture, out rounds) || rounds is < 1 or > 100)
                    {
                        return Fail("--rounds: a number 1..100");
                    }

                    break;
                case "--scenario":
                    if (Next() is not { } name)
                    {
                        return Fail("--scenario: a name");
                    }

                    scenarios.Add(name);
                    break;
                case "--postgres":
                    postgres = Next() ?? string.Empty;
                    break;
                case "--out":
                    output = Next();
                    break;
                default:
                    return Fail($"{args[i]}: unknown option");
            }
        }

        if (string.IsNullOrWhiteSpace(postgres))
        {
            return Fail("PostgreSQL is needed: --postgres CONNECTION or ARB_TEST_POSTGRES (.ci/run exports one)");
        }

        Environment.SetEnvironmentVariable("ARB_TEST_POSTGRES", postgres); // the shared test helpers read it
        return new SuiteOptions(rounds, scenarios, postgres, output, TimeSpan.FromMinutes(5), null);

        SuiteOptions Fail(string error) => new(rounds, scenarios, postgres, output, TimeSpan.Zero, error);
    }
}
