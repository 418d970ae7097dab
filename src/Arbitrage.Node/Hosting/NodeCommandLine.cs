namespace Arbitrage.Node.Hosting;

/// <summary>
/// Maps the node's command-line switches onto configuration keys, so a switch, an environment variable
/// (<c>ARB__Exchange__Kind</c>) and appsettings.json are one setting. Repeated <c>--tape</c> collects.
/// </summary>
public static class NodeCommandLine
{
    private static readonly Dictionary<string, string> Switches = new(StringComparer.Ordinal)
    {
        ["--exchange"] = "Exchange:Kind",
        ["--speed"] = "Exchange:Speed",
        ["--urls"] = "Http:Urls",
        ["--data-dir"] = "Storage:DataDir",
        ["--strategies"] = "Paths:Strategies",
        ["--hocon"] = "Paths:Hocon",
        ["--reports"] = "Paths:Reports",
        ["--port"] = "Cluster:Port",
        ["--record-tape"] = "Recording:Tape",
        ["--record-inputs"] = "Recording:Inputs",
        ["--mode"] = "Exchange:Mode",
    };

    public static IReadOnlyDictionary<string, string?> Parse(string[] args, out string? error)
    {
        error = null;
        var values = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        var tapes = 0;
        var symbols = 0;
        for (var i = 0; i < args.Length; i++)
        {
            var arg = args[i];
            string? value = null;
            var eq = arg.IndexOf('=', StringComparison.Ordinal);
            if (eq > 0)
            {
                value = arg[(eq + 1)..];
                arg = arg[..eq];
            }
            else if (i + 1 < args.Length && !args[i + 1].StartsWith("--", StringComparison.Ordinal))
            {
                value = args[++i];
            }

            if (value is null)
            {
                error = $"{arg}: missing value";
                return values;
            }

            if (arg == "--tape")
            {
                values[$"Exchange:Tapes:{tapes++}"] = value;
            }
            else if (arg == "--symbol")
            {
                values[$"Exchange:Symbols:{symbols++}"] = value.ToUpperInvariant();
            }
            else if (Switches.TryGetValue(arg, out var key))
            {
                values[key] = value;
            }
            else
            {
                error = $"{arg}: unknown option (known: --tape, --symbol, {string.Join(", ", Switches.Keys)})";
                return values;
            }
        }

        return values;
    }
}
