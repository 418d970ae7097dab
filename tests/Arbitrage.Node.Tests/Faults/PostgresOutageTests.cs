using System.IO.Compression;
using System.Net;
using System.Text.Json;
using Arbitrage.Testing;

namespace Arbitrage.Node.Tests.Faults;

/// <summary>
/// A PostgreSQL outage stops trading only while it lasts and loses no signal. The node trades the offline demo on
/// PostgreSQL reached through a proxy the test cuts mid-tape for a stretch of tape time: health says what is down
/// meanwhile (database, journal), everything comes back on its own when the database does (no restart), and the
/// signals of the whole tape are exactly those of a run without the outage — the strategies' writes that failed are
/// written late, and the snapshots they missed while down are evaluated when they are back.
/// </summary>
public sealed class PostgresOutageTests : IAsyncLifetime
{
    private const string Invite = "boot-outage";
    private readonly string _work = Path.Combine(Path.GetTempPath(), "arb-pg-outage", Guid.NewGuid().ToString("N"));
    private readonly List<IAsyncDisposable> _cleanup = [];

    public Task InitializeAsync()
    {
        Directory.CreateDirectory(_work);
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        foreach (var d in Enumerable.Reverse(_cleanup))
        {
            await d.DisposeAsync();
        }

        TestDatabases.DeleteQuietly(_work);
    }

    [SkippableFact]
    public async Task An_outage_stops_trading_only_while_it_lasts_and_every_signal_of_the_tape_is_emitted_once()
    {
        var tapeEnd = LastTradeTimeMs(Tape);
        var reference = await RunAsync("reference", outage: false, tapeEnd);
        var withOutage = await RunAsync("outage", outage: true, tapeEnd, expected: reference);

        Assert.NotEmpty(reference);
        Assert.Equal(reference, withOutage);
    }

    private static string Tape => Path.Combine(RepoPaths.Fixtures, "BTCUSD_PERP-aggTrades-2026-05-08.head20000.zip");

    /// <summary>Runs the node over the whole tape (speed 500), optionally with an outage; its signals up to the tape's end.</summary>
    private async Task<IReadOnlyList<string>> RunAsync(string name, bool outage, long tapeEnd, IReadOnlyList<string>? expected = null)
    {
        var schema = await FreshPostgresSchema.CreateAsync();
        _cleanup.Add(schema);
        var (proxy, connectionString) = TcpFaultProxy.ForPostgres(schema.ConnectionString);
        _cleanup.Add(proxy);
        var work = Path.Combine(_work, name);
        Directory.CreateDirectory(work);
        var env = NodeProcess.TestEnvironment(work, Invite);
        env["ARB__Storage__Postgres"] = connectionString;

        await using var node = NodeProcess.Start(work, env, "--exchange", "sim", "--tape", Tape, "--speed", "500");
        try
        {
            var signals = await DriveAsync(node, outage, tapeEnd, expected, proxy);

            // The market tape recorded meanwhile was kept and written when the database came back: every trade, once.
            await using var connection = new Npgsql.NpgsqlConnection(schema.ConnectionString);
            await connection.OpenAsync();
            var rows = 0L;
            using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            while (!deadline.IsCancellationRequested && (rows = await CountAsync(connection, "SELECT count(*) FROM agg_trades")) < TapeTrades)
            {
                await Task.Delay(200, CancellationToken.None);
            }

            Assert.Equal(TapeTrades, rows);
            Assert.Equal(TapeTrades, await CountAsync(connection, "SELECT count(DISTINCT agg_id) FROM agg_trades"));
            return signals;
        }
        catch (Exception e) when (e is not Xunit.Sdk.XunitException)
        {
            throw new InvalidOperationException($"{name} run: {e.Message}\nnode output:\n{node.Stdout}\n{node.Stderr}", e);
        }
    }

    private static async Task<IReadOnlyList<string>> DriveAsync(NodeProcess node, bool outage, long tapeEnd, IReadOnlyList<string>? expected, TcpFaultProxy proxy)
    {
        var url = await node.WaitListeningAsync(TimeSpan.FromSeconds(60));
        using var client = new NodeClient(url);
        await client.RegisterAndLoginAsync(Invite);
        using var anonymous = new NodeClient(url); // health is public: no token to check against the user table

        if (outage)
        {
            // Mid-tape, with signals flowing: the database goes away for 40 minutes of tape time.
            await client.WaitForAsync("/api/signals?limit=1", (s, b) => s == HttpStatusCode.OK && b.GetProperty("items").GetArrayLength() > 0, TimeSpan.FromSeconds(90));
            var cutAt = LastTick(await anonymous.WaitForAsync("/api/health", (s, _) => s == HttpStatusCode.OK, TimeSpan.FromSeconds(10)));
            proxy.Cut();

            var down = await anonymous.WaitForAsync("/api/health", (s, h) => s == HttpStatusCode.ServiceUnavailable && !Part(h, "journal").Ok, TimeSpan.FromSeconds(30));
            Assert.False(Part(down, "database").Ok);
            Assert.Equal("degraded", down.GetProperty("status").GetString());
            await anonymous.WaitForAsync("/api/health", (_, h) => h.ValueKind == JsonValueKind.Object && LastTick(h) >= cutAt + (40 * 60_000), TimeSpan.FromSeconds(60));

            proxy.Restore();
            var healthy = await anonymous.WaitForAsync("/api/health", (s, h) => s == HttpStatusCode.OK && h.GetProperty("status").GetString() == "ok", TimeSpan.FromSeconds(60));
            Assert.All(healthy.GetProperty("parts").EnumerateArray(), p => Assert.True(p.GetProperty("ok").GetBoolean(), p.ToString()));
            var risk = await client.GetAsync("/api/risk");
            Assert.Equal(HttpStatusCode.OK, risk.Status);
            var strategies = await client.GetAsync("/api/strategies");
            Assert.All(strategies.Body.EnumerateArray(), s => Assert.True(s.GetProperty("running").GetBoolean(), s.ToString()));
        }

        // The whole tape, then every signal up to its last trade (ticks after it depend on how long a run keeps going).
        await anonymous.WaitForAsync("/api/health", (_, h) => h.ValueKind == JsonValueKind.Object && LastTick(h) >= tapeEnd, TimeSpan.FromSeconds(120));
        IReadOnlyList<string> signals = [];
        if (expected is null)
        {
            // The reference: wait until the projection has settled on the tape's signals.
            IReadOnlyList<string> previous = ["-"];
            await client.WaitForAsync("/api/signals?limit=500", (s, b) =>
            {
                signals = SignalsUpTo(b, tapeEnd);
                var settled = s == HttpStatusCode.OK && signals.SequenceEqual(previous);
                previous = signals;
                return settled;
            }, TimeSpan.FromSeconds(60));
        }
        else
        {
            try
            {
                await client.WaitForAsync("/api/signals?limit=500", (s, b) => s == HttpStatusCode.OK && (signals = SignalsUpTo(b, tapeEnd)).SequenceEqual(expected), TimeSpan.FromSeconds(60));
            }
            catch (TimeoutException)
            {
                // Reported by the caller's equality assertion, with both lists.
            }
        }

        Assert.DoesNotContain("Unhandled", node.Stderr, StringComparison.Ordinal);
        return signals;
    }

    private const long TapeTrades = 20_000;

    private static async Task<long> CountAsync(Npgsql.NpgsqlConnection connection, string sql)
    {
        await using var command = new Npgsql.NpgsqlCommand(sql, connection);
        return Convert.ToInt64(await command.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture);
    }

    private static (bool Ok, string Detail) Part(JsonElement health, string name)
    {
        var part = health.GetProperty("parts").EnumerateArray().Single(p => p.GetProperty("name").GetString() == name);
        return (part.GetProperty("ok").GetBoolean(), part.GetProperty("detail").GetString()!);
    }

    private static long LastTick(JsonElement health) =>
        health.GetProperty("feeds").EnumerateArray().Select(f => f.GetProperty("lastTickMs")).Where(t => t.ValueKind == JsonValueKind.Number).Select(t => t.GetInt64()).DefaultIfEmpty(0).Max();

    /// <summary>Signal ids (strategy, symbol, direction, tick time: deterministic) up to the tape's end, oldest first.</summary>
    private static IReadOnlyList<string> SignalsUpTo(JsonElement page, long tapeEnd) =>
        page.ValueKind != JsonValueKind.Object || !page.TryGetProperty("items", out var items) ? ["(no answer)"] : items.EnumerateArray()
            .Where(i => i.GetProperty("timeMs").GetInt64() <= tapeEnd)
            .Select(i => i.GetProperty("signalId").GetString()!)
            .Order(StringComparer.Ordinal)
            .ToArray();

    private static long LastTradeTimeMs(string zip)
    {
        using var archive = ZipFile.OpenRead(zip);
        using var reader = new StreamReader(archive.Entries[0].Open());
        string? line, last = null;
        while ((line = reader.ReadLine()) is not null)
        {
            if (line.Length > 0 && char.IsAsciiDigit(line[0]))
            {
                last = line;
            }
        }

        // agg_trade_id,price,quantity,first_trade_id,last_trade_id,transact_time,is_buyer_maker
        return long.Parse(last!.Split(',')[5], System.Globalization.CultureInfo.InvariantCulture);
    }
}
