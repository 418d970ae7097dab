using System.Globalization;
using System.IO.Compression;
using System.Net;
using System.Text.Json;
using Arbitrage.Testing;
using Npgsql;

namespace Arbitrage.Node.Tests.MultiNode;

/// <summary>
/// The three-node failover tests run alone, one after the other and beside no other test: their timings are the failure
/// detector's and the split-brain resolver's, which a CPU shared with another test's nodes would stretch.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ClusterCollection
{
    public const string Name = "multi-node cluster";
}

/// <summary>One node of a <see cref="ClusterRig"/>: its process (replaced on restart), client and Akka address.</summary>
internal sealed class RigNode(string name, int port, Dictionary<string, string> env, string directory)
{
    public string Name { get; } = name;

    public int Port { get; } = port;

    public string Address => $"akka.tcp://arbitrage@127.0.0.1:{Port}";

    public Dictionary<string, string> Env { get; } = env;

    public string Directory { get; } = directory;

    public NodeProcess? Process { get; set; }

    public NodeClient? Client { get; set; }

    public bool Running => Process is { HasExited: false };

    public NodeClient Http => Client ?? throw new InvalidOperationException($"{Name} is not running");
}

/// <summary>
/// A loopback cluster for the failover tests: one standalone simulator over the given tapes (manual start: the tape plays
/// when the test says), a fresh PostgreSQL schema as the shared journal and database, and N real node processes on
/// 127.0.0.1, every one listing every node as a seed (so any of them, the first included, can restart and rejoin),
/// one JWT key, the admin registered on the first.
/// </summary>
internal sealed class ClusterRig : IAsyncDisposable
{
    public const string Invite = "boot-cluster-rig";
    public static readonly TimeSpan Patience = TimeSpan.FromSeconds(90);

    private readonly string _work;

    private ClusterRig(string work, FreshPostgresSchema schema, SimulatorProcess sim, IReadOnlyList<RigNode> nodes)
    {
        _work = work;
        Schema = schema;
        Sim = sim;
        Nodes = nodes;
    }

    public FreshPostgresSchema Schema { get; }

    public SimulatorProcess Sim { get; }

    public IReadOnlyList<RigNode> Nodes { get; }

    public IEnumerable<RigNode> Running => Nodes.Where(n => n.Running);

    /// <summary>Starts the simulator, then the nodes (the first alone until it listens), and waits until every node sees all as members.</summary>
    public static async Task<ClusterRig> StartAsync(
        string work, int count, IReadOnlyList<string> tapes, IReadOnlyList<string> symbols, string speed,
        IReadOnlyDictionary<string, string>? extraEnv = null, IReadOnlyList<string>? simArgs = null)
    {
        Directory.CreateDirectory(work);
        var schema = await FreshPostgresSchema.CreateAsync();
        var args = new List<string>();
        foreach (var tape in tapes)
        {
            args.AddRange(["--tape", tape]);
        }

        args.AddRange(["--speed", speed, "--start", "manual"]);
        args.AddRange(simArgs ?? []);
        var sim = await SimulatorProcess.StartAsync([.. args]);
        var jwtKey = Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(48));
        var ports = Enumerable.Range(0, count).Select(_ => ClusterTestFiles.FreePort()).ToArray();
        var nodes = new List<RigNode>();
        for (int i = 0; i < count; i++)
        {
            var name = "n" + i.ToString(CultureInfo.InvariantCulture);
            var dir = Path.Combine(work, name);
            Directory.CreateDirectory(dir);
            var env = NodeProcess.TestEnvironment(dir, i == 0 ? Invite : null);
            env["ARB__Storage__Postgres"] = schema.ConnectionString;
            env["ARB__Auth__JwtKey"] = jwtKey;
            env["ARB__Cluster__Port"] = ports[i].ToString(CultureInfo.InvariantCulture);
            for (int s = 0; s < ports.Length; s++)
            {
                env[$"ARB__Cluster__Seeds__{s}"] = $"akka.tcp://arbitrage@127.0.0.1:{ports[s]}";
            }

            var origin = sim.Url.ToString().TrimEnd('/');
            env["ARB__Exchange__Kind"] = "binance";
            env["ARB__Exchange__RestUrl"] = origin;
            env["ARB__Exchange__SpotRestUrl"] = origin;
            env["ARB__Exchange__WsUrl"] = sim.WsOrigin;
            env["ARB__Exchange__SpotWsUrl"] = sim.WsOrigin;
            for (int s = 0; s < symbols.Count; s++)
            {
                env[$"ARB__Exchange__Symbols__{s}"] = symbols[s];
            }

            foreach (var (k, v) in extraEnv ?? new Dictionary<string, string>())
            {
                env[k] = v;
            }

            nodes.Add(new RigNode(name, ports[i], env, dir));
        }

        var rig = new ClusterRig(work, schema, sim, nodes);
        try
        {
            await rig.StartNodeAsync(nodes[0], login: false);
            await nodes[0].Http.RegisterAndLoginAsync(Invite);
            await Task.WhenAll(nodes.Skip(1).Select(rig.StartNodeAsync));
            await rig.WaitMembersAsync(count, Patience);
            return rig;
        }
        catch
        {
            await rig.DisposeAsync();
            throw;
        }
    }

    /// <summary>(Re)starts <paramref name="node"/>'s process with its settings and logs its client in (the admin of the first node).</summary>
    public async Task StartNodeAsync(RigNode node) => await StartNodeAsync(node, login: true);

    private async Task StartNodeAsync(RigNode node, bool login)
    {
        if (node.Process is { } old)
        {
            await old.DisposeAsync();
        }

        node.Client?.Dispose();
        node.Process = NodeProcess.Start(node.Directory, node.Env);
        node.Client = new NodeClient(await node.Process.WaitListeningAsync(Patience));
        if (login)
        {
            await node.Client.LoginAsync(); // one user table, one JWT key: the admin registered on the first node
        }
    }

    /// <summary>Waits until every running node's health counts <paramref name="members"/> members, all Up and reachable.</summary>
    public async Task WaitMembersAsync(int members, TimeSpan timeout)
    {
        foreach (var node in Running.ToArray())
        {
            await node.Http.WaitForAsync(
                "/api/health",
                (s, h) => s is HttpStatusCode.OK or HttpStatusCode.ServiceUnavailable
                    && h.TryGetProperty("cluster", out var c) && c.GetProperty("members").GetInt32() == members && c.GetProperty("status").GetString() == "Up"
                    && h.GetProperty("parts").EnumerateArray().Single(p => p.GetProperty("name").GetString() == "cluster").GetProperty("ok").GetBoolean(),
                timeout);
        }
    }

    /// <summary>The running node whose <c>symbol</c> region holds <paramref name="symbol"/>'s entity (null while none does).</summary>
    public async Task<RigNode?> HostOfAsync(string symbol)
    {
        foreach (var node in Running.ToArray())
        {
            if ((await EntitiesAsync(node)).Contains(symbol))
            {
                return node;
            }
        }

        return null;
    }

    /// <summary>The symbol entities running on <paramref name="node"/> (its local shards of the <c>symbol</c> region).</summary>
    public static async Task<IReadOnlyList<string>> EntitiesAsync(RigNode node)
    {
        var (status, body) = await node.Http.GetAsync("/api/diag/shards");
        if (status != HttpStatusCode.OK)
        {
            return [];
        }

        return body.EnumerateArray()
            .Where(t => t.GetProperty("typeName").GetString() == "symbol")
            .SelectMany(t => t.GetProperty("localShards").EnumerateArray())
            .SelectMany(s => s.GetProperty("entityIds").EnumerateArray().Select(e => e.GetString()!))
            .ToArray();
    }

    /// <summary>Waits until every running node hosts at least one of the symbols (the coordinator spread them).</summary>
    public async Task WaitSpreadAsync(TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            var placement = new List<string>();
            var spread = true;
            foreach (var node in Running.ToArray())
            {
                var entities = await EntitiesAsync(node);
                placement.Add($"{node.Name}: [{string.Join(", ", entities)}]");
                spread &= entities.Count > 0;
            }

            if (spread)
            {
                return;
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"the symbols did not spread over the nodes within {timeout}: {string.Join("; ", placement)}");
            }

            await Task.Delay(TimeSpan.FromMilliseconds(500));
        }
    }

    /// <summary>
    /// The agg ids recorded for <paramref name="symbol"/> in the shared agg_trades table, ascending, once
    /// <paramref name="expected"/> are there (the recorder writes in batches behind the indicators) or 30 s passed.
    /// </summary>
    public async Task<long[]> RecordedIdsAsync(string symbol, int expected)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (true)
        {
            var ids = await RecordedIdsAsync(symbol);
            if (ids.Length >= expected || DateTime.UtcNow > deadline)
            {
                return ids;
            }

            await Task.Delay(TimeSpan.FromMilliseconds(200));
        }
    }

    private async Task<long[]> RecordedIdsAsync(string symbol)
    {
        await using var connection = new NpgsqlConnection(Schema.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT agg_id FROM agg_trades WHERE symbol = @s ORDER BY agg_id", connection);
        command.Parameters.AddWithValue("s", symbol);
        var ids = new List<long>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            ids.Add(reader.GetInt64(0));
        }

        return [.. ids];
    }

    /// <summary>One symbol's feed in a node's health (trades, status, last tick).</summary>
    public static JsonElement Feed(JsonElement health, string symbol) =>
        health.GetProperty("feeds").EnumerateArray().Single(f => f.GetProperty("symbol").GetString() == symbol);

    /// <summary>
    /// The real BTCUSD_PERP fixture (20,000 aggTrades, 5.8 h) and, under two other names, the same rows: three symbols
    /// for the coordinator to spread; the checks are on the real one.
    /// </summary>
    public static IReadOnlyList<string> ThreeSymbolTapes(string work)
    {
        var dir = Path.Combine(work, "tapes");
        Directory.CreateDirectory(dir);
        var real = Path.Combine(RepoPaths.Fixtures, "BTCUSD_PERP-aggTrades-2026-05-08.head20000.zip");
        var tapes = new List<string> { real };
        foreach (var alias in new[] { "ETHUSD_PERP", "BNBUSD_PERP" })
        {
            var path = Path.Combine(dir, $"{alias}-aggTrades-2026-05-08.csv");
            using var zip = ZipFile.OpenRead(real);
            using var source = zip.Entries.Single().Open();
            using var target = File.Create(path);
            source.CopyTo(target);
            tapes.Add(path);
        }

        return tapes;
    }

    public static readonly string[] ThreeSymbols = ["BTCUSD_PERP", "ETHUSD_PERP", "BNBUSD_PERP"];

    public async ValueTask DisposeAsync()
    {
        foreach (var node in Nodes)
        {
            node.Client?.Dispose();
            if (node.Process is { } p)
            {
                if (p.HasExited == false)
                {
                    try
                    {
                        p.Signal(PosixSignalNumber.Cont); // a frozen node cannot even be killed cleanly otherwise
                    }
                    catch (InvalidOperationException)
                    {
                        // Gone between the check and the signal.
                    }
                }

                await p.DisposeAsync();
            }
        }

        await Sim.DisposeAsync();
        await Schema.DisposeAsync();
        TestDatabases.DeleteQuietly(_work);
    }
}
