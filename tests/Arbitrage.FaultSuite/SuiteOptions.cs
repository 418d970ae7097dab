using System.Globalization;

namespace Arbitrage.FaultSuite;

/// <summary>The suite's arguments: how many rounds, which scenarios, where PostgreSQL is, where the table goes.</summary>
/// <param name="Reduced">CI's form: one round, and the storms shortened (30 × 429 with Retry-After 1 s instead of 100 × 2 s).</param>
public sealed record SuiteOptions(int Rounds, IReadOnlySet<string> Scenarios, string? Postgres, string? Output, TimeSpan ScenarioTimeout, string? Error, bool Reduced = false)
{
    public const string Usage =
        "usage: dotnet run -c Release --project tests/Arbitrage.FaultSuite -- [--rounds N] [--reduced] [--scenario NAME]... [--postgres CONNECTION] [--out FILE.md]\n" +
        "  --rounds N          rounds of each scenario (default 3)\n" +
        "  --reduced           CI's form: one round, shorter storms (30 × 429 with Retry-After 1 s instead of 100 × 2 s)\n" +
        "  --scenario NAME     only this scenario (repeatable): pg-outage, 429-catch-up, sigkill-recording,\n" +
        "                      hostile-requests, paper-restart, order-429-storm, order-latency\n" +
        "  --postgres CS       an Npgsql connection string (default: $ARB_TEST_POSTGRES); each run gets its own schema\n" +
        "  --out FILE          also write the result table (markdown) to FILE";

    public static SuiteOptions Parse(string[] args)
    {
        var rounds = 3;
        var reduced = false;
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
                case "--reduced":
                    reduced = true;
                    rounds = 1;
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
        return new SuiteOptions(rounds, scenarios, postgres, output, TimeSpan.FromMinutes(8), null, reduced);

        SuiteOptions Fail(string error) => new(rounds, scenarios, postgres, output, TimeSpan.Zero, error);
    }
}
