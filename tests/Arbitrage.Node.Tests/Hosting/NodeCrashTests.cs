using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Arbitrage.Testing;
using Arbitrage.Testing.Faults;
using Microsoft.Data.Sqlite;

namespace Arbitrage.Node.Tests.Hosting;

/// <summary>
/// Crash safety with real processes (issue 5): the standalone simulator and the node in live mode, the node
/// SIGKILLed after the entry's intent is journaled and while the exchange holds the placement unanswered.
/// After a restart on the same data the exchange has exactly one entry order, the restarted node arms the
/// protective orders through reconciliation, and the position is driven to its exit: flat, nothing left open.
/// </summary>
public sealed class NodeCrashTests : IAsyncLifetime
{
    private const string Key = "crashKey0123456789abcdefABCDEF0123456789abcdefABCDEF0123456789";
    private const string Secret = "crashSecret0123456789abcdefABCDEF0123456789abcdefABCDEF01234567";
    private const string Symbol = "BTCUSDT";
    private const long T0 = 1_715_126_400_000; // a multiple of 5 minutes: candles align with the tape
    private const string Invite = "crash-invite-0123456789";
    private const int Phase1Frames = 841; // one trade every 5 s from T0 to T0 + 70 min inclusive
    private const int Phase2Frames = 3;
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(120);

    private readonly string _work = Path.Combine(Path.GetTempPath(), "arb-crash-" + Guid.NewGuid().ToString("N"));
    private readonly HttpClient _http = new();
    private Process? _simulator;
    private Uri _sim = null!;

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(_work);
        var tape = Path.Combine(_work, "tape.jsonl");
        WriteTape(tape);
        var psi = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in new[]
                 {
                     Path.Combine(AppContext.BaseDirectory, "Arbitrage.Simulator.dll"), "--tape", tape, "--port", "0", "--speed", "max",
                     "--start", "manual", "--api-key", Key, "--api-secret", Secret,
                 })
        {
            psi.ArgumentList.Add(a);
        }

        _simulator = Process.Start(psi)!;
        _simulator.ErrorDataReceived += (_, _) => { };
        _simulator.BeginErrorReadLine();
        var line = await _simulator.StandardOutput.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(60));
        Assert.Matches(@"^listening http://127\.0\.0\.1:\d+$", line);
        _sim = new Uri(line!["listening ".Length..]);
        _ = DrainAsync(_simulator.StandardOutput);
    }

    public async Task DisposeAsync()
    {
        if (_simulator is { HasExited: false })
        {
            _simulator.Kill(entireProcessTree: true);
            await _simulator.WaitForExitAsync();
        }

        _simulator?.Dispose();
        _http.Dispose();
        try
        {
            Directory.Delete(_work, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    [Fact]
    public async Task Node_killed_between_intent_and_acknowledgement_restarts_without_a_second_entry_and_exits_the_position()
    {
        var env = NodeEnvironment();

        // 1. The node trades live against the simulator; the exchange holds every placement unanswered.
        var first = NodeProcess.Start(_work, env);
        await using (first)
        {
            using var client = new NodeClient(await first.WaitListeningAsync(Deadline));
            await client.RegisterAndLoginAsync(Invite);
            await UntilAsync(async () => (await SimStateAsync()).GetProperty("sessions").GetInt32() >= 2, "market and user-data streams connected", first);
            await PostAsync("/sim/control/hold-orders");

            // 70 minutes of buying: the first tick with an ATR (14 closed 5-minute candles) signals Long.
            await FaultDrills.StepBurstAsync(frames => PostAsync($"/sim/control/step?frames={frames}"), Phase1Frames, T0, client, first);
            await UntilAsync(async () => (await SimStateAsync()).GetProperty("heldPlacements").GetInt32() == 1, "the entry placement held at the exchange", first);

            // 2. SIGKILL (Process.Kill on Linux) of the node process itself: `dotnet Arbitrage.Node.dll`, no wrapper.
            first.Kill();
            await first.WaitExitAsync(TimeSpan.FromSeconds(30));
        }

        // The intent was journaled before the request left (the executor persists first, then sends).
        Assert.Equal(1L, await JournalCountAsync("execution-order-intent.v1"));
        Assert.Equal(0L, await JournalCountAsync("execution-order-accepted.v1"));
        Assert.Equal(0, (await SimStateAsync()).GetProperty("orders").GetInt32());

        // 3. The exchange processes the request whose caller is gone: the entry exists, nobody heard of it.
        await PostAsync("/sim/control/release-orders");
        await UntilAsync(async () =>
        {
            var s = await SimStateAsync();
            return s.GetProperty("heldPlacements").GetInt32() == 0 && s.GetProperty("orders").GetInt32() == 1;
        }, "the held entry executed", null);
        var entry = Assert.Single(await AllOrdersAsync());
        var entryId = entry.GetProperty("clientOrderId").GetString()!;
        Assert.EndsWith("-E", entryId);
        Assert.Equal(("FILLED", "BUY", "MARKET"), (entry.GetProperty("status").GetString(), entry.GetProperty("side").GetString(), entry.GetProperty("type").GetString()));
        var quantity = decimal.Parse(entry.GetProperty("executedQty").GetString()!, CultureInfo.InvariantCulture);
        Assert.Equal(quantity, await PositionAsync());
        var signal = entryId[..^2];

        // 4. Restart on the same data: reconciliation finds the entry by client id (no second one) and arms the bracket.
        var second = NodeProcess.Start(_work, env);
        await using (second)
        {
            await second.WaitListeningAsync(Deadline);
            await UntilAsync(async () =>
            {
                var open = (await OpenOrdersAsync()).Select(o => o.GetProperty("clientOrderId").GetString()).ToHashSet();
                return open.Contains(signal + "-S") && open.Contains(signal + "-1") && open.Contains(signal + "-2");
            }, "stop loss and take profits at the exchange after reconciliation", second);
            var all = await AllOrdersAsync();
            Assert.Single(all, o => o.GetProperty("clientOrderId").GetString() == entryId);
            Assert.Single(all, o => o.GetProperty("side").GetString() == "BUY"); // one entry, no re-sent copy
            var stop = Assert.Single(await OpenOrdersAsync(), o => o.GetProperty("clientOrderId").GetString() == signal + "-S");
            Assert.Equal(("STOP_MARKET", "SELL", true), (stop.GetProperty("type").GetString(), stop.GetProperty("side").GetString(), stop.GetProperty("reduceOnly").GetBoolean()));
            Assert.Equal(quantity, decimal.Parse(stop.GetProperty("origQty").GetString()!, CultureInfo.InvariantCulture));

            // 5. The tape goes on through the stop: the exchange closes the position, the node cancels the targets.
            await PostAsync($"/sim/control/step?frames={Phase2Frames}");
            await UntilAsync(async () => await PositionAsync() == 0m && (await OpenOrdersAsync()).Count == 0,
                "position flat and no order left open at the exchange", second);
            var final = await AllOrdersAsync();
            Assert.Single(final, o => o.GetProperty("clientOrderId").GetString() == entryId);
            Assert.Equal("FILLED", Assert.Single(final, o => o.GetProperty("clientOrderId").GetString() == signal + "-S").GetProperty("status").GetString());
            Assert.All(final.Where(o => o.GetProperty("clientOrderId").GetString() is var id && (id == signal + "-1" || id == signal + "-2")),
                o => Assert.Equal("CANCELED", o.GetProperty("status").GetString()));
            Assert.False(second.HasExited, second.Stdout);
        }
    }

    // ---- set-up ----

    private Dictionary<string, string> NodeEnvironment()
    {
        var strategies = Path.Combine(_work, "strategies");
        Directory.CreateDirectory(strategies);
        // Any CVD direction scores 100 over a threshold of 50: the first tick with an ATR signals; a day of cooldown
        // (recovered from the journaled signals) keeps later ticks from signalling again.
        File.WriteAllText(Path.Combine(strategies, "crash.json"), """
            { "id": "crash", "tag": "cr", "version": "1", "symbols": ["*"], "threshold": 50, "cooldown_minutes": 1440,
              "signals": { "cvd": { "weight": 100, "params": { "base_share": 1 } } },
              "tp_sl": { "sl_atr": 1.4, "tp1_atr": 1.05, "tp2_atr": 2.1 }, "enabled": true }
            """);
        var env = NodeProcess.TestEnvironment(_work, Invite);
        var origin = _sim.ToString().TrimEnd('/');
        env["ARB__Paths__Strategies"] = strategies;
        env["ARB__Exchange__Kind"] = "binance";
        env["ARB__Exchange__Mode"] = "live";
        env["ARB__Exchange__RestUrl"] = origin;
        env["ARB__Exchange__SpotRestUrl"] = origin;
        env["ARB__Exchange__WsUrl"] = "ws" + origin["http".Length..];
        env["ARB__Exchange__Symbols__0"] = Symbol;
        env["ARB__Exchange__ApiKey"] = Key;
        env["ARB__Exchange__ApiSecret"] = Secret;
        return env;
    }

    /// <summary>Phase 1: buys alternating 100 / 101 every 5 s (ATR 1, CVD up); phase 2: trades at 99 through the 99.6 stop.</summary>
    private static void WriteTape(string path)
    {
        var lines = new List<string>();
        void Trade(int i, long time, decimal price)
        {
            var p = price.ToString(CultureInfo.InvariantCulture);
            var id = 100_000 + i;
            var frame = $$"""{"e":"aggTrade","E":{{time}},"a":{{id}},"s":"{{Symbol}}","p":"{{p}}","q":"0.2","f":{{id}},"l":{{id}},"T":{{time}},"m":false}""";
            lines.Add($$"""{"recv_ms":{{time}},"stream":"btcusdt@aggTrade","frame":{{frame}}}""");
        }

        for (var i = 0; i < Phase1Frames; i++) Trade(i, T0 + i * 5_000L, i % 2 == 0 ? 100m : 101m);
        for (var j = 0; j < Phase2Frames; j++) Trade(Phase1Frames + j, T0 + (Phase1Frames - 1) * 5_000L + (j + 1) * 1_000L, 99m);
        File.WriteAllText(path, string.Join("\n", lines) + "\n");
    }

    // ---- the simulator, over HTTP ----

    private async Task PostAsync(string path)
    {
        using var r = await _http.PostAsync(new Uri(_sim, path), null);
        r.EnsureSuccessStatusCode();
    }

    private async Task<JsonElement> SimStateAsync() =>
        JsonDocument.Parse(await _http.GetStringAsync(new Uri(_sim, "/sim/state"))).RootElement.Clone();

    private async Task<JsonElement> SignedGetAsync(string path, string query)
    {
        var q = $"{query}&timestamp={DateTimeOffset.UtcNow.ToUnixTimeMilliseconds()}";
        var signature = Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(Secret), Encoding.UTF8.GetBytes(q)));
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(_sim, $"{path}?{q}&signature={signature}"));
        request.Headers.Add("X-MBX-APIKEY", Key);
        using var response = await _http.SendAsync(request);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"{path}: {(int)response.StatusCode} {body}");
        return JsonDocument.Parse(body).RootElement.Clone();
    }

    private async Task<IReadOnlyList<JsonElement>> AllOrdersAsync() =>
        (await SignedGetAsync("/fapi/v1/allOrders", $"symbol={Symbol}")).EnumerateArray().ToArray();

    private async Task<IReadOnlyList<JsonElement>> OpenOrdersAsync() =>
        (await SignedGetAsync("/fapi/v1/openOrders", $"symbol={Symbol}")).EnumerateArray().ToArray();

    private async Task<decimal> PositionAsync()
    {
        var rows = await SignedGetAsync("/fapi/v2/positionRisk", $"symbol={Symbol}");
        return decimal.Parse(rows.EnumerateArray().Single().GetProperty("positionAmt").GetString()!, CultureInfo.InvariantCulture);
    }

    // ---- the node's journal (read after the process is dead) ----

    private async Task<long> JournalCountAsync(string manifest)
    {
        var builder = new SqliteConnectionStringBuilder { DataSource = Path.Combine(_work, "data", "arbitrage.db"), Mode = SqliteOpenMode.ReadOnly, Pooling = false };
        await using var db = new SqliteConnection(builder.ConnectionString);
        await db.OpenAsync();
        await using var cmd = db.CreateCommand();
        cmd.CommandText = "SELECT COUNT(*) FROM journal WHERE persistence_id = 'executor' AND manifest = $m";
        cmd.Parameters.AddWithValue("$m", manifest);
        return (long)(await cmd.ExecuteScalarAsync())!;
    }

    /// <summary>Polls <paramref name="condition"/> until true or <see cref="Deadline"/> (no sleeps: a periodic timer).</summary>
    private static async Task UntilAsync(Func<Task<bool>> condition, string what, NodeProcess? node)
    {
        var deadline = DateTime.UtcNow + Deadline;
        using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(50));
        while (!await condition())
        {
            if (node is { HasExited: true } || DateTime.UtcNow > deadline)
                throw new TimeoutException($"timed out waiting for: {what}\nnode stdout:\n{node?.Stdout}\nstderr:\n{node?.Stderr}");
            await timer.WaitForNextTickAsync();
        }
    }

    private static async Task DrainAsync(StreamReader reader)
    {
        while (await reader.ReadLineAsync() is not null)
        {
        }
    }
}
