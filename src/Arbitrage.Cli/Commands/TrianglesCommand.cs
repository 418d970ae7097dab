using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Arbitrage.Binance.Tapes;
using Arbitrage.Cli.Bridge;
using Arbitrage.Core.Triangles;
using Spectre.Console;

namespace Arbitrage.Cli.Commands;

/// <summary>
/// <c>arbctl triangles cycles</c> (the cycles of each triangle config, offline) and <c>arbctl triangles open</c> (the
/// open episodes of a running node, <c>GET /api/triangles</c>).
/// </summary>
internal static class TrianglesCommand
{
    public static Command Create()
    {
        var strategies = new Option<string>("--strategies") { Description = "Strategies directory (its triangles/ subfolder is read; or a folder of triangle configs itself).", DefaultValueFactory = _ => "strategies" };
        var config = new Option<string?>("--config") { Description = "Only the config with this id." };
        var tapes = new Option<string[]>("--tape") { Description = "Book tape(s) (JSONL, .hftbt.gz, deep_orderbook .zip) whose pairs a \"symbols\": \"*\" config uses.", AllowMultipleArgumentsPerToken = true };
        var cyclesJson = CommandRunner.JsonOption();
        var cycles = new Command("cycles", "List the cycles of each triangle config: id S>X>Y, the three legs (buy/sell pair), start asset, notional.")
        {
            strategies, config, tapes, cyclesJson,
        };
        cycles.SetAction((parse, _) => CommandRunner.RunAsync(() => Task.FromResult(
            Cycles(parse.GetValue(strategies)!, parse.GetValue(config), parse.GetValue(tapes) ?? [], parse.GetValue(cyclesJson)))));

        var url = new Option<string?>("--url") { Description = "The node's bridge URL (default: the stored login's); the stored token is sent only to its own node." };
        var openJson = CommandRunner.JsonOption();
        var open = new Command("open", "Open triangle episodes of a running node (GET /api/triangles).") { url, openJson };
        open.SetAction((parse, ct) => CommandRunner.RunAsync(() => OpenAsync(parse.GetValue(url), parse.GetValue(openJson), ct)));

        return new Command("triangles", "Triangular arbitrage: the cycles of the configs, the open episodes of a node.") { cycles, open };
    }

    /// <summary>One row of <c>triangles cycles</c>.</summary>
    internal sealed record CycleRow(string Config, string Venue, string Cycle, string StartAsset, double Notional, IReadOnlyList<LegRow> Legs);

    internal sealed record LegRow(string Pair, string Side, string From, string To);

    internal static int Cycles(string directory, string? only, string[] tapes, bool json)
    {
        var configs = LoadConfigs(directory);
        if (only is not null)
        {
            configs = configs.Where(c => c.Id == only).ToList();
            if (configs.Count == 0)
            {
                throw new ArbctlException(ExitCodes.Usage, $"--config: no triangle config has id \"{only}\" in {directory}");
            }
        }

        List<TradingPair>? tapePairs = null;
        var rows = new List<CycleRow>();
        foreach (var c in configs)
        {
            if (c.AllSymbols && tapes.Length == 0)
            {
                throw new ArbctlException(ExitCodes.Usage, $"config {c.Id} has \"symbols\": \"*\" (every pair of the venue or tape): give --tape FILE to list its cycles over a tape's pairs");
            }

            var pairs = c.AllSymbols ? tapePairs ??= TapePairs(tapes) : c.PairsOn([]);
            var universe = TriangleUniverse.Create(pairs, c.StartAssets.Select(s => (s.Asset, TriangleDetectorSettings.ToDouble(s.Notional))));
            foreach (var cycle in universe.Cycles)
            {
                rows.Add(new CycleRow(c.Id, c.Venue, cycle.Id, cycle.StartAsset, cycle.Notional,
                    [Leg(universe, cycle.Leg1), Leg(universe, cycle.Leg2), Leg(universe, cycle.Leg3)]));
            }
        }

        if (json)
        {
            System.Console.Out.WriteLine(JsonSerializer.Serialize(rows.Select(r => new
            {
                config = r.Config,
                venue = r.Venue,
                cycle = r.Cycle,
                start_asset = r.StartAsset,
                notional = r.Notional,
                legs = r.Legs.Select(l => new { pair = l.Pair, side = l.Side, from = l.From, to = l.To }),
            }), new JsonSerializerOptions { WriteIndented = true }));
            return ExitCodes.Ok;
        }

        UseColumnsWhenRedirected();
        var table = new Table().Border(TableBorder.Rounded).Title("triangle cycles");
        foreach (var column in new[] { "config", "cycle", "start", "notional", "leg 1", "leg 2", "leg 3" })
        {
            table.AddColumn(column);
        }

        foreach (var r in rows)
        {
            table.AddRow(
                Markup.Escape(r.Config), Markup.Escape(r.Cycle), Markup.Escape(r.StartAsset),
                r.Notional.ToString("R", CultureInfo.InvariantCulture),
                Markup.Escape($"{r.Legs[0].Side} {r.Legs[0].Pair}"), Markup.Escape($"{r.Legs[1].Side} {r.Legs[1].Pair}"), Markup.Escape($"{r.Legs[2].Side} {r.Legs[2].Pair}"));
        }

        AnsiConsole.Write(table);
        AnsiConsole.MarkupLine($"[grey]{rows.Count} cycles in {configs.Count} config(s)[/]");
        return ExitCodes.Ok;
    }

    private static LegRow Leg(TriangleUniverse universe, CycleLeg leg) =>
        new(universe.Pairs[leg.Pair].Symbol, leg.Side == LegSide.BuyBase ? "buy" : "sell", leg.From, leg.To);

    private static List<TriangleConfig> LoadConfigs(string directory)
    {
        var folder = Directory.Exists(Path.Combine(directory, "triangles")) ? Path.Combine(directory, "triangles") : directory;
        if (!Directory.Exists(folder))
        {
            throw new ArbctlException(ExitCodes.Usage, $"--strategies: no folder {directory}");
        }

        var files = Directory.EnumerateFiles(folder, "*.json").Select(f => (File: f, Json: File.ReadAllText(f))).ToList();
        var set = TriangleConfigLoader.LoadSet(files);
        if (!set.IsValid)
        {
            throw new ArbctlException(ExitCodes.Usage, "invalid triangle config:\n  " + string.Join("\n  ", set.Errors));
        }

        if (set.Configs.Count == 0)
        {
            throw new ArbctlException(ExitCodes.Usage, $"--strategies: no triangle configs (*.json) in {folder}");
        }

        return [.. set.Configs];
    }

    /// <summary>The pairs of the tapes, in order of first appearance.</summary>
    private static List<TradingPair> TapePairs(string[] tapes)
    {
        var symbols = new List<string>();
        foreach (var path in tapes)
        {
            if (!File.Exists(path))
            {
                throw new ArbctlException(ExitCodes.Usage, $"--tape: no file {path}");
            }

            try
            {
                IEnumerable<string> found = BinanceBookTapes.TryOpen(path) switch
                {
                    DeepOrderbookTape deep => deep.Pairs,
                    { } source => source.Read().Select(e => e.Symbol).Take(1), // a .hftbt.gz book tape holds one symbol
                    null => BookTape.Parse(path, File.ReadAllText(path)).Select(e => e.Symbol),
                };
                symbols.AddRange(found);
            }
            catch (FormatException e)
            {
                throw new ArbctlException(ExitCodes.Usage, e.Message);
            }
        }

        return symbols.Distinct(StringComparer.Ordinal).Select(s => TradingPair.TryParse(s, out var p) ? p : throw new ArbctlException(ExitCodes.Usage, $"tape symbol {s} is not BASE/QUOTE")).ToList();
    }

    private static async Task<int> OpenAsync(string? url, bool json, CancellationToken ct)
    {
        var store = CredentialStore.Default();
        var stored = store.Load();
        if (url is null && stored is null)
        {
            throw new ArbctlException(ExitCodes.Usage, "--url: give the node's URL (or run arbctl login --url URL --user NAME first)");
        }

        // The stored token goes only to the node it was issued by.
        var credentials = stored is not null && (url is null || SameNode(url, stored.Url)) ? stored : null;
        using var client = new BridgeClient(store, credentials, url ?? stored!.Url);
        var answer = await client.SendAsync(HttpMethod.Get, "/api/triangles", null, ct).ConfigureAwait(false);
        if (json)
        {
            Output.Json(answer);
            return ExitCodes.Ok;
        }

        if (answer is not { ValueKind: JsonValueKind.Object } root || !root.TryGetProperty("open", out var open) || open.ValueKind != JsonValueKind.Array)
        {
            throw new ArbctlException(ExitCodes.Error, $"{client.Url}/api/triangles answered without an \"open\" list");
        }

        UseColumnsWhenRedirected();
        var table = new Table().Border(TableBorder.Rounded).Title("open triangle episodes");
        foreach (var column in new[] { "start", "venue", "cycle", "start asset", "notional", "evaluations", "peak net return", "peak at" })
        {
            table.AddColumn(column);
        }

        foreach (var e in open.EnumerateArray())
        {
            table.AddRow(
                Markup.Escape(Time(e, "start_ms")), Markup.Escape(Text(e, "venue")), Markup.Escape(Text(e, "cycle")), Markup.Escape(Text(e, "start_asset")),
                Markup.Escape(Text(e, "notional")), Markup.Escape(Text(e, "evaluations")), Markup.Escape(Text(e, "peak_net_return")), Markup.Escape(Time(e, "peak_ms")));
        }

        AnsiConsole.Write(table);
        int recent = root.TryGetProperty("recent", out var r) && r.ValueKind == JsonValueKind.Array ? r.GetArrayLength() : 0;
        AnsiConsole.MarkupLine($"[grey]{open.GetArrayLength()} open, {recent} recent episode(s) on {Markup.Escape(client.Url)}[/]");
        return ExitCodes.Ok;
    }

    /// <summary>Spectre assumes 80 columns when stdout is not a terminal; a <c>COLUMNS</c> the caller exported wins (cycle ids and legs must not wrap in a pipe).</summary>
    private static void UseColumnsWhenRedirected()
    {
        if (System.Console.IsOutputRedirected && int.TryParse(Environment.GetEnvironmentVariable("COLUMNS"), NumberStyles.None, CultureInfo.InvariantCulture, out var columns) && columns >= 40)
        {
            AnsiConsole.Profile.Width = columns;
        }
    }

    private static bool SameNode(string a, string b) =>
        string.Equals(a.TrimEnd('/'), b.TrimEnd('/'), StringComparison.OrdinalIgnoreCase);

    private static string Text(JsonElement e, string name) => e.TryGetProperty(name, out var v) ? Output.Cell(v) : string.Empty;

    private static string Time(JsonElement e, string name) =>
        e.TryGetProperty(name, out var v) && v.TryGetInt64(out var ms)
            ? DateTimeOffset.FromUnixTimeMilliseconds(ms).ToString("yyyy-MM-dd HH:mm:ss.fff", CultureInfo.InvariantCulture)
            : string.Empty;
}
