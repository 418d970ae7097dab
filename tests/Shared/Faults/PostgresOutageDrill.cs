using System.Diagnostics;
using System.IO.Compression;
using System.Net;
using System.Text.Json;

namespace Arbitrage.Testing.Faults;

/// <summary>What a <see cref="PostgresOutageDrill"/> run saw.</summary>
/// <param name="Signals">Signal ids up to the tape's last trade, sorted.</param>
/// <param name="TradesRecorded">Rows in <c>agg_trades</c> at the end; <paramref name="DistinctTrades"/> distinct agg ids among them.</param>
/// <param name="OutageSeconds">How long the database was away (wall clock); null without an outage.</param>
/// <param name="TimeToRecover">From the database answering again to <c>/api/health</c> saying ok; null without an outage.</param>
/// <param name="HealthDuringOutage">The health answer while the database was away (status code and the parts that were down).</param>
public sealed record PostgresOutageRun(
    IReadOnlyList<string> Signals, long TradesRecorded, long DistinctTrades, double? OutageSeconds, TimeSpan? TimeToRecover, string? HealthDuringOutage);

/// <summary>
/// The offline demo on PostgreSQL reached through a <see cref="TcpFaultProxy"/> (a fresh schema), over the whole
/// 20,000-trade fixture (4.5 h of tape; at 500× ≈ 35 s); with an outage, the proxy is cut once signals flow and restored
/// after <c>outageTapeMinutes</c> of tape. Used by <c>PostgresOutageTests</c> and the fault suite.
/// </summary>
public static class PostgresOutageDrill
{
    public const long TapeTrades = 20_000;
    private const string Invite = "boot-outage";

    public static string Tape => Path.Combine(RepoPaths.Fixtures, "BTCUSD_PERP-aggTrades-2026-05-08.head20000.zip");

    public static async Task<PostgresOutageRun> RunAsync(
        string work, bool outage, IReadOnlyList<string>? expected = null, int speed = 500, int outageTapeMinutes = 40)
    {
        await using var schema = await FreshPostgresSchema.CreateAsync();
        await using var proxyHandle = new ProxyHandle(TcpFaultProxy.ForPostgres(schema.ConnectionString));
        var proxy = proxyHandle.Proxy;
        Directory.CreateDirectory(work);
        var env = NodeProcess.TestEnvironment(work, Invite);
        env["ARB__Storage__Postgres"] = proxyHandle.ConnectionString;
        var tapeEnd = LastTradeTimeMs(Tape);

        await using var node = NodeProcess.Start(work, env, "--exchange", "sim", "--tape", Tape, "--speed", speed.ToString(System.Globalization.CultureInfo.InvariantCulture));
        try
        {
            var url = await node.WaitListeningAsync(TimeSpan.FromSeconds(60));
            using var client = new NodeClient(url);
            await client.RegisterAndLoginAsync(Invite);
            using var anonymous = new NodeClient(url); // health is public: no token to check against the user table

            double? outageSeconds = null;
            TimeSpan? recover = null;
            string? healthDuring = null;
            if (outage)
            {
                // Mid-tape, with signals flowing: the database goes away for a stretch of tape time.
                await client.WaitForAsync("/api/signals?limit=1", (s, b) => s == HttpStatusCode.OK && b.GetProperty("items").GetArrayLength() > 0, TimeSpan.FromSeconds(90));
                var cutAt = LastTick(await anonymous.WaitForAsync("/api/health", (s, _) => s == HttpStatusCode.OK, TimeSpan.FromSeconds(10)));
                var outageClock = Stopwatch.StartNew();
                proxy.Cut();

                var down = await anonymous.WaitForAsync(
                    "/api/health", (s, h) => s == HttpStatusCode.ServiceUnavailable && !Part(h, "journal").Ok, TimeSpan.FromSeconds(30));
                healthDuring = $"503 {down.GetProperty("status").GetString()}: " + string.Join(", ",
                    down.GetProperty("parts").EnumerateArray().Where(p => !p.GetProperty("ok").GetBoolean()).Select(p => p.GetProperty("name").GetString()));
                await anonymous.WaitForAsync("/api/health", (_, h) => h.ValueKind == JsonValueKind.Object && LastTick(h) >= cutAt + (outageTapeMinutes * 60_000L), TimeSpan.FromSeconds(120));

                proxy.Restore();
                outageSeconds = outageClock.Elapsed.TotalSeconds;
                var recoverClock = Stopwatch.StartNew();
                await anonymous.WaitForAsync("/api/health", (s, h) => s == HttpStatusCode.OK && h.GetProperty("status").GetString() == "ok", TimeSpan.FromSeconds(60));
                recover = recoverClock.Elapsed;
            }

            // The whole tape, then every signal up to its last trade (ticks after it depend on how long a run keeps going).
            await anonymous.WaitForAsync("/api/health", (_, h) => h.ValueKind == JsonValueKind.Object && LastTick(h) >= tapeEnd, TimeSpan.FromSeconds(300));

            // The signals projection has caught up with every signal journaled so far (a loaded machine projects late:
            // an empty page read too early must not pass for a settled one).
            await using (var journal = new Npgsql.NpgsqlConnection(schema.ConnectionString))
            {
                await journal.OpenAsync();
                const string Caught = """
                    SELECT COALESCE((SELECT ordering FROM projection_offsets WHERE name = 'tag:signal'), 0)
                         >= COALESCE((SELECT MAX(ordering) FROM journal WHERE manifest = 'signal-emitted.v1'), 0)
                    """;
                await FaultDrills.UntilAsync(async () =>
                {
                    await using var command = new Npgsql.NpgsqlCommand(Caught, journal);
                    return (bool)(await command.ExecuteScalarAsync())!;
                }, "the signals projection to catch up with the journal", TimeSpan.FromSeconds(120), node);
            }
            IReadOnlyList<string> signals = [];
            IReadOnlyList<string> previous = ["-"];
            try
            {
                // Until the projection shows the expected signals, or (without an expectation) has settled.
                await client.WaitForAsync("/api/signals?limit=500", (s, b) =>
                {
                    signals = SignalsUpTo(b, tapeEnd);
                    var done = s == HttpStatusCode.OK && (expected is null ? signals.Count > 0 && signals.SequenceEqual(previous) : signals.SequenceEqual(expected));
                    previous = signals;
                    return done;
                }, TimeSpan.FromSeconds(60));
            }
            catch (TimeoutException) when (expected is not null)
            {
                // The caller compares and reports both lists.
            }

            // The market tape recorded meanwhile was kept and written when the database came back.
            await using var connection = new Npgsql.NpgsqlConnection(schema.ConnectionString);
            await connection.OpenAsync();
            long rows = 0;
            try
            {
                await FaultDrills.UntilAsync(async () => (rows = await CountAsync(connection, "SELECT count(*) FROM agg_trades")) >= TapeTrades,
                    "every trade of the tape in agg_trades", TimeSpan.FromSeconds(30));
            }
            catch (TimeoutException)
            {
                // The caller compares the count with the tape's and reports it.
            }

            return new PostgresOutageRun(signals, rows, await CountAsync(connection, "SELECT count(DISTINCT agg_id) FROM agg_trades"), outageSeconds, recover, healthDuring);
        }
        catch (Exception e) when (e is TimeoutException or HttpRequestException or InvalidOperationException)
        {
            throw new InvalidOperationException($"{e.Message}\nnode output:\n{node.Stdout}\n{node.Stderr}", e);
        }
    }

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
        health.GetProperty("feeds").EnumerateArray().Select(f => f.GetProperty("lastTickMs"))
            .Where(t => t.ValueKind == JsonValueKind.Number).Select(t => t.GetInt64()).DefaultIfEmpty(0).Max();

    /// <summary>Signal ids (strategy, symbol, direction, tick time: deterministic) up to the tape's end, sorted.</summary>
    private static IReadOnlyList<string> SignalsUpTo(JsonElement page, long tapeEnd) =>
        page.ValueKind != JsonValueKind.Object || !page.TryGetProperty("items", out var items)
            ? ["(no answer)"]
            : items.EnumerateArray()
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

    private sealed class ProxyHandle((TcpFaultProxy Proxy, string ConnectionString) p) : IAsyncDisposable
    {
        public TcpFaultProxy Proxy { get; } = p.Proxy;

        public string ConnectionString { get; } = p.ConnectionString;

        public ValueTask DisposeAsync() => Proxy.DisposeAsync();
    }
}
