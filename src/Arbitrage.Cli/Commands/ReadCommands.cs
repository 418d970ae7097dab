using System.CommandLine;
using System.Text.Json;
using Arbitrage.Cli.Bridge;
using Spectre.Console;

namespace Arbitrage.Cli.Commands;

/// <summary><c>arbctl signals tail|list</c>, <c>arbctl positions</c>, <c>arbctl trades</c>.</summary>
internal static class ReadCommands
{
    public static Command Signals()
    {
        var symbol = new Option<string?>("--symbol", "-s") { Description = "Only this symbol (e.g. BTCUSDT)." };
        var topics = new Option<string>("--topics") { Description = "Streams: signals, indicators, risk, trades (comma-separated).", DefaultValueFactory = _ => "signals" };
        var count = new Option<int?>("--count", "-n") { Description = "Stop after this many events." };
        var listSymbol = new Option<string?>("--symbol", "-s") { Description = "Only this symbol." };
        var strategy = new Option<string?>("--strategy") { Description = "Only this strategy." };
        var limit = new Option<int?>("--limit") { Description = "Rows (1-500)." };
        return new Command("signals", "Signals: live tail (SSE) or the recent ones.")
        {
            CommandRunner.Leaf("tail", "Follow signals (and other streams) live until Ctrl+C.", (p, c, json, ct) =>
                TailAsync(c, p.GetValue(topics)!, p.GetValue(symbol), p.GetValue(count), json, ct), symbol, topics, count),
            CommandRunner.Leaf("list", "Recent signals, newest first.", async (p, c, json, ct) =>
            {
                var query = CommandRunner.Query(("symbol", p.GetValue(listSymbol)), ("strategy", p.GetValue(strategy)), ("limit", p.GetValue(limit)));
                Output.Render(await c.SendAsync(HttpMethod.Get, "/api/signals" + query, null, ct).ConfigureAwait(false), json, "signals");
                return ExitCodes.Ok;
            }, listSymbol, strategy, limit),
        };
    }

    public static Command Positions() => CommandRunner.Leaf("positions", "Open positions.", async (_, c, json, ct) =>
    {
        Output.Render(await c.SendAsync(HttpMethod.Get, "/api/positions", null, ct).ConfigureAwait(false), json, "positions");
        return ExitCodes.Ok;
    });

    public static Command Trades()
    {
        var symbol = new Option<string?>("--symbol", "-s") { Description = "Only this symbol." };
        var limit = new Option<int?>("--limit") { Description = "Rows (1-500)." };
        return CommandRunner.Leaf("trades", "Closed trades, newest first.", async (p, c, json, ct) =>
        {
            var query = CommandRunner.Query(("symbol", p.GetValue(symbol)), ("limit", p.GetValue(limit)));
            Output.Render(await c.SendAsync(HttpMethod.Get, "/api/trades" + query, null, ct).ConfigureAwait(false), json, "trades");
            return ExitCodes.Ok;
        }, symbol, limit);
    }

    /// <summary>Reads the SSE stream; one line per event (JSON lines with --json).</summary>
    private static async Task<int> TailAsync(BridgeClient client, string topics, string? symbol, int? count, bool json, CancellationToken ct)
    {
        if (count is <= 0)
        {
            throw new ArbctlException(ExitCodes.Usage, "--count: must be positive");
        }

        var path = "/api/stream" + CommandRunner.Query(("topics", topics), ("symbol", symbol?.ToUpperInvariant()));
        using var response = await client.OpenStreamAsync(path, ct).ConfigureAwait(false);
        await using var body = await response.Content.ReadAsStreamAsync(ct).ConfigureAwait(false);
        using var reader = new StreamReader(body);
        string? type = null;
        var data = new List<string>();
        var seen = 0;
        try
        {
            while (await reader.ReadLineAsync(ct).ConfigureAwait(false) is { } line)
            {
                if (line.Length > 0)
                {
                    if (line.StartsWith("event:", StringComparison.Ordinal))
                    {
                        type = line[6..].Trim();
                    }
                    else if (line.StartsWith("data:", StringComparison.Ordinal))
                    {
                        data.Add(line[5..].TrimStart());
                    }

                    continue;
                }

                if (type is null && data.Count == 0)
                {
                    continue;
                }

                var eventType = type ?? "message";
                var payload = string.Join('\n', data);
                type = null;
                data.Clear();
                if (eventType == "ready")
                {
                    await System.Console.Error.WriteLineAsync($"arbctl: streaming {topics}{(symbol is null ? string.Empty : " for " + symbol)} from {client.Url} (Ctrl+C to stop)").ConfigureAwait(false);
                    continue;
                }

                Print(eventType, payload, json);
                if (eventType != "dropped" && count is { } n && ++seen >= n)
                {
                    return ExitCodes.Ok;
                }
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            return ExitCodes.Ok;
        }
        catch (IOException) when (!ct.IsCancellationRequested)
        {
            throw new ArbctlException(ExitCodes.Unreachable, $"the stream from {client.Url} broke off");
        }

        throw new ArbctlException(ExitCodes.Unreachable, $"the node at {client.Url} closed the stream");
    }

    private static void Print(string type, string payload, bool json)
    {
        if (json)
        {
            System.Console.Out.WriteLine($"{{\"event\":{JsonSerializer.Serialize(type)},\"data\":{payload}}}");
            System.Console.Out.Flush();
            return;
        }

        JsonElement e;
        try
        {
            e = JsonDocument.Parse(payload).RootElement;
        }
        catch (JsonException)
        {
            AnsiConsole.MarkupLineInterpolated($"[yellow]{type}[/] {payload}");
            return;
        }

        string Field(string name) => e.ValueKind == JsonValueKind.Object && e.TryGetProperty(name, out var v) ? Output.Cell(v) : string.Empty;
        var time = e.ValueKind == JsonValueKind.Object && e.TryGetProperty("timeMs", out var t) && t.TryGetInt64(out var ms)
            ? DateTimeOffset.FromUnixTimeMilliseconds(ms).ToString("HH:mm:ss", System.Globalization.CultureInfo.InvariantCulture)
            : DateTimeOffset.UtcNow.ToString("HH:mm:ss", System.Globalization.CultureInfo.InvariantCulture);
        if (type == "SignalEmitted")
        {
            var colour = Field("direction") == "Long" ? "green" : "red";
            AnsiConsole.MarkupLineInterpolated(
                $"{time} [bold]{Field("symbol")}[/] [{colour}]{Field("direction")}[/] score {Field("score")}/{Field("threshold")} entry {Field("entry")} SL {Field("stopLoss")} TP {Field("takeProfit1")}/{Field("takeProfit2")} ({Field("strategyId")} v{Field("strategyVersion")})");
        }
        else
        {
            AnsiConsole.MarkupLineInterpolated($"{time} [yellow]{type}[/] {payload}");
        }
    }
}
