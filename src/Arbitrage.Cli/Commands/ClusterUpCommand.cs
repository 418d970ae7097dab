using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Text.Json;
using Arbitrage.Cli.Bridge;

namespace Arbitrage.Cli.Commands;

/// <summary>
/// <c>arbctl cluster up --nodes N --tape FILE</c>: a loopback cluster for tests and demos. One standalone simulator over the
/// tape and N PostgreSQL-backed nodes on 127.0.0.1 (the first the seed of all, each in its own folder under
/// <c>--dir</c>, one random JWT key), waits until every node's <c>/api/health</c> shows N members, prints the URLs, and
/// runs until Ctrl+C or SIGTERM, then stops the nodes gracefully (SIGTERM, a grace period, then kill) and the simulator.
/// </summary>
internal static class ClusterUpCommand
{
    private static readonly TimeSpan StopGrace = TimeSpan.FromSeconds(30);

    public static Command Create()
    {
        var nodes = new Option<int>("--nodes", "-n") { Description = "Node processes (1-9).", DefaultValueFactory = _ => 3 };
        var tape = new Option<FileInfo>("--tape") { Description = "The tape the simulator plays (aggTrades CSV, zip or JSONL).", Required = true };
        var dir = new Option<DirectoryInfo?>("--dir") { Description = "Working folders of the nodes (default: a new folder under the temp dir)." };
        var postgres = new Option<string?>("--postgres") { Description = "PostgreSQL connection string shared by the nodes (default: ARB__Storage__Postgres)." };
        var nodeDll = new Option<FileInfo?>("--node-dll") { Description = "The built Arbitrage.Node.dll (default: beside arbctl, or the repository's build output)." };
        var simulatorDll = new Option<FileInfo?>("--simulator-dll") { Description = "The built Arbitrage.Simulator.dll (default: as for --node-dll)." };
        var strategies = new Option<DirectoryInfo?>("--strategies") { Description = "Strategies folder of the nodes (default: the repository's strategies/ when found)." };
        var symbol = new Option<string?>("--symbol") { Description = "Symbol the nodes trade (default: the tape file name's prefix, e.g. BTCUSD_PERP)." };
        var speed = new Option<string>("--speed") { Description = "Simulator playback speed (a factor or 'max').", DefaultValueFactory = _ => "50" };
        var timeout = new Option<int>("--timeout") { Description = "Seconds to wait for every node to see all members.", DefaultValueFactory = _ => 180 };
        var command = new Command(
            "up",
            "Start a loopback cluster: a simulator over --tape and --nodes PostgreSQL-backed nodes on 127.0.0.1; prints each node's URL, " +
            "Akka address and log file and a bootstrap invite; Ctrl+C or SIGTERM stops them all.")
        {
            nodes, tape, dir, postgres, nodeDll, simulatorDll, strategies, symbol, speed, timeout,
        };
        command.SetAction((p, ct) => CommandRunner.RunAsync(() =>
        {
            var options = new ClusterUpOptions(
                p.GetValue(nodes),
                p.GetValue(tape)!.FullName,
                p.GetValue(dir)?.FullName ?? Path.Combine(Path.GetTempPath(), "arbctl-cluster", DateTime.UtcNow.ToString("yyyyMMdd-HHmmss", CultureInfo.InvariantCulture) + "-" + Environment.ProcessId),
                p.GetValue(postgres) ?? Environment.GetEnvironmentVariable("ARB__Storage__Postgres"),
                p.GetValue(nodeDll)?.FullName ?? ClusterUpPaths.Find("Arbitrage.Node", AppContext.BaseDirectory),
                p.GetValue(simulatorDll)?.FullName ?? ClusterUpPaths.Find("Arbitrage.Simulator", AppContext.BaseDirectory),
                p.GetValue(strategies)?.FullName ?? ClusterUpPaths.RepositoryStrategies(AppContext.BaseDirectory),
                p.GetValue(symbol) ?? ClusterUpPaths.SymbolOfTape(p.GetValue(tape)!.Name),
                p.GetValue(speed)!,
                TimeSpan.FromSeconds(p.GetValue(timeout)));
            return RunAsync(options, ct);
        }));
        return command;
    }

    private sealed record ClusterUpOptions(
        int Nodes, string Tape, string Dir, string? Postgres, string NodeDll, string SimulatorDll, string? Strategies, string? Symbol, string Speed, TimeSpan Timeout);

    private sealed record Child(string Name, Process Process, string Log);

    private sealed record NodeChild(Child Child, string Url, string Address);

    private static async Task<int> RunAsync(ClusterUpOptions o, CancellationToken parseToken)
    {
        if (o.Nodes is < 1 or > 9)
        {
            throw new ArbctlException(ExitCodes.Usage, $"--nodes must be 1-9, not {o.Nodes}");
        }

        if (string.IsNullOrWhiteSpace(o.Postgres))
        {
            throw new ArbctlException(ExitCodes.Usage, "a cluster needs PostgreSQL: pass --postgres CONNSTRING or set ARB__Storage__Postgres");
        }

        if (!File.Exists(o.Tape))
        {
            throw new ArbctlException(ExitCodes.Usage, $"--tape: file not found: {o.Tape}");
        }

        foreach (var (flag, path) in new[] { ("--node-dll", o.NodeDll), ("--simulator-dll", o.SimulatorDll) })
        {
            if (!File.Exists(path))
            {
                throw new ArbctlException(ExitCodes.Usage, $"{flag}: not found at {path} (build the solution, or pass {flag} PATH)");
            }
        }

        if (o.Symbol is null)
        {
            throw new ArbctlException(ExitCodes.Usage, $"--symbol: cannot tell the symbol from the tape name {Path.GetFileName(o.Tape)}; pass --symbol");
        }

        using var stop = CancellationTokenSource.CreateLinkedTokenSource(parseToken);
        using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, c => { c.Cancel = true; stop.Cancel(); });
        using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, c => { c.Cancel = true; stop.Cancel(); });

        Directory.CreateDirectory(o.Dir);
        var children = new List<Child>();
        try
        {
            var (simulator, simulatorUrl) = await StartSimulatorAsync(o, stop.Token).ConfigureAwait(false);
            children.Add(simulator);
            Console.WriteLine($"simulator {simulatorUrl} pid {simulator.Process.Id} log {simulator.Log}");

            var jwtKey = Convert.ToBase64String(RandomNumberGenerator.GetBytes(48));
            var invite = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
            var remotingPorts = Enumerable.Range(0, o.Nodes).Select(_ => FreePort()).ToArray();
            var seed = $"akka.tcp://arbitrage@127.0.0.1:{remotingPorts[0]}";
            var nodes = new List<NodeChild>();
            for (var i = 0; i < o.Nodes; i++)
            {
                var name = $"node{i + 1}";
                var work = Path.Combine(o.Dir, name);
                Directory.CreateDirectory(work);
                var url = $"http://127.0.0.1:{FreePort()}";
                var env = new Dictionary<string, string>
                {
                    ["ARB__Http__Urls"] = url,
                    ["ARB__Storage__DataDir"] = Path.Combine(work, "data"),
                    ["ARB__Storage__Postgres"] = o.Postgres,
                    ["ARB__Paths__Logs"] = Path.Combine(work, "logs"),
                    ["ARB__Auth__JwtKey"] = jwtKey,
                    ["ARB__Cluster__Hostname"] = "127.0.0.1",
                    ["ARB__Cluster__Port"] = remotingPorts[i].ToString(CultureInfo.InvariantCulture),
                    ["ARB__Cluster__Seeds__0"] = seed,
                    ["ARB__Cluster__Roles__0"] = "engine",
                };
                if (i == 0)
                {
                    env["ARB__Auth__BootstrapInvite"] = invite;
                }

                if (o.Strategies is not null)
                {
                    env["ARB__Paths__Strategies"] = o.Strategies;
                }

                PointNodeAt(env, simulatorUrl, o.Symbol);
                var child = Start(name, o.NodeDll, work, env, []);
                children.Add(child);
                nodes.Add(new NodeChild(child, url, $"akka.tcp://arbitrage@127.0.0.1:{remotingPorts[i]}"));
            }

            if (!await WaitForMembersAsync(nodes, o.Nodes, o.Timeout, stop.Token).ConfigureAwait(false))
            {
                return ExitCodes.Error;
            }

            foreach (var n in nodes)
            {
                Console.WriteLine($"{n.Child.Name} {n.Url} {n.Address} pid {n.Child.Process.Id} log {n.Child.Log}");
            }

            Console.WriteLine($"bootstrap invite {invite} (once, on node1): arbctl register --url {nodes[0].Url} --invite {invite} --user NAME");
            Console.WriteLine($"cluster up: {o.Nodes} node(s) in {o.Dir}; Ctrl+C or SIGTERM stops them");
            await WaitUntilStoppedAsync(children, stop.Token).ConfigureAwait(false);
            return ExitCodes.Ok;
        }
        finally
        {
            await StopAllAsync(children).ConfigureAwait(false);
        }
    }

    /// <summary>The settings that point a node's exchange at the simulator (as the tests' SimulatorProcess.PointNodeAt).</summary>
    private static void PointNodeAt(Dictionary<string, string> env, string simulatorUrl, string symbol)
    {
        var ws = "ws" + simulatorUrl["http".Length..];
        env["ARB__Exchange__Kind"] = "binance";
        env["ARB__Exchange__RestUrl"] = simulatorUrl;
        env["ARB__Exchange__SpotRestUrl"] = simulatorUrl;
        env["ARB__Exchange__WsUrl"] = ws;
        env["ARB__Exchange__SpotWsUrl"] = ws;
        env["ARB__Exchange__Symbols__0"] = symbol;
    }

    private static async Task<(Child Child, string Url)> StartSimulatorAsync(ClusterUpOptions o, CancellationToken ct)
    {
        var listening = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        var child = Start("simulator", o.SimulatorDll, o.Dir, new Dictionary<string, string>(),
            ["--tape", o.Tape, "--speed", o.Speed, "--host", "127.0.0.1", "--port", "0", "--start", "subscriber"],
            line =>
            {
                if (line.StartsWith("listening http://", StringComparison.Ordinal))
                {
                    listening.TrySetResult(line["listening ".Length..].TrimEnd('/'));
                }
            });
        child.Process.Exited += (_, _) => listening.TrySetException(new ArbctlException(ExitCodes.Error, $"the simulator exited before listening (see {child.Log})"));
        try
        {
            return (child, await listening.Task.WaitAsync(TimeSpan.FromSeconds(60), ct).ConfigureAwait(false));
        }
        catch (TimeoutException)
        {
            await StopAllAsync([child]).ConfigureAwait(false);
            throw new ArbctlException(ExitCodes.Error, $"the simulator did not listen within 60 s (see {child.Log})");
        }
        catch
        {
            await StopAllAsync([child]).ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>Starts <c>dotnet DLL</c> with its output appended to <c>WORK/NAME.log</c>; inherited ARB__ variables are dropped.</summary>
    private static Child Start(string name, string dll, string work, Dictionary<string, string> env, string[] args, Action<string>? onLine = null)
    {
        var psi = new ProcessStartInfo("dotnet") { WorkingDirectory = work, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        psi.ArgumentList.Add(dll);
        foreach (var a in args)
        {
            psi.ArgumentList.Add(a);
        }

        foreach (var key in psi.Environment.Keys.Where(k => k.StartsWith("ARB__", StringComparison.Ordinal)).ToList())
        {
            psi.Environment.Remove(key);
        }

        foreach (var (k, v) in env)
        {
            psi.Environment[k] = v;
        }

        var log = Path.Combine(work, name + ".log");
        var writer = new StreamWriter(log, append: true) { AutoFlush = true };
        var process = new Process { StartInfo = psi, EnableRaisingEvents = true };
        void Write(string? line)
        {
            if (line is null)
            {
                return;
            }

            lock (writer)
            {
                writer.WriteLine(line);
            }

            onLine?.Invoke(line);
        }

        process.OutputDataReceived += (_, e) => Write(e.Data);
        process.ErrorDataReceived += (_, e) => Write(e.Data);
        process.Exited += (_, _) =>
        {
            process.WaitForExit(); // the last lines first
            lock (writer)
            {
                writer.Dispose();
            }
        };
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return new Child(name, process, log);
    }

    private static async Task<bool> WaitForMembersAsync(IReadOnlyList<NodeChild> nodes, int expected, TimeSpan timeout, CancellationToken ct)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        var deadline = Stopwatch.StartNew();
        var lastProgress = string.Empty;
        while (true)
        {
            var states = await Task.WhenAll(nodes.Select(n => MembersAsync(http, n, expected, ct))).ConfigureAwait(false);
            if (states.All(s => s.Members == expected))
            {
                return true;
            }

            var progress = string.Join(", ", nodes.Zip(states, (n, s) => $"{n.Child.Name} {s.Text}"));
            if (progress != lastProgress)
            {
                Console.WriteLine($"waiting ({deadline.Elapsed.TotalSeconds:0} s): {progress}");
                lastProgress = progress;
            }

            var dead = nodes.FirstOrDefault(n => n.Child.Process.HasExited);
            if (dead is not null)
            {
                await Console.Error.WriteLineAsync($"arbctl: {dead.Child.Name} exited with code {dead.Child.Process.ExitCode} before the cluster formed (see {dead.Child.Log})").ConfigureAwait(false);
                return false;
            }

            if (deadline.Elapsed > timeout)
            {
                await Console.Error.WriteLineAsync($"arbctl: the cluster did not form within {timeout.TotalSeconds:0} s ({progress}); logs under the node folders").ConfigureAwait(false);
                return false;
            }

            await Task.Delay(TimeSpan.FromSeconds(1), ct).ConfigureAwait(false);
        }
    }

    private static async Task<(int Members, string Text)> MembersAsync(HttpClient http, NodeChild node, int expected, CancellationToken ct)
    {
        try
        {
            using var response = await http.GetAsync(new Uri(node.Url + "/api/health"), ct).ConfigureAwait(false);
            using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync(ct).ConfigureAwait(false));
            var cluster = body.RootElement.GetProperty("cluster");
            var members = cluster.GetProperty("members").GetInt32();
            return (members, $"{cluster.GetProperty("status").GetString()}, {members}/{expected} member(s)");
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException or JsonException or KeyNotFoundException or InvalidOperationException)
        {
            return (0, "not answering yet");
        }
    }

    private static async Task WaitUntilStoppedAsync(IReadOnlyList<Child> children, CancellationToken stop)
    {
        var exits = children.Select(async c =>
        {
            await c.Process.WaitForExitAsync(stop).ConfigureAwait(false);
            Console.WriteLine($"{c.Name} exited with code {c.Process.ExitCode} (see {c.Log})");
        }).ToArray();
        try
        {
            await Task.WhenAll(exits).WaitAsync(stop).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            Console.WriteLine("stopping the cluster");
        }
    }

    /// <summary>Nodes first (SIGTERM: coordinated shutdown leaves the cluster; killed after the grace period), then the simulator.</summary>
    private static async Task StopAllAsync(IReadOnlyList<Child> children)
    {
        var nodes = children.Where(c => c.Name != "simulator").ToArray();
        foreach (var c in nodes.Where(c => !c.Process.HasExited))
        {
            Terminate(c.Process);
        }

        await Task.WhenAll(nodes.Select(async c =>
        {
            using var grace = new CancellationTokenSource(StopGrace);
            try
            {
                await c.Process.WaitForExitAsync(grace.Token).ConfigureAwait(false);
                Console.WriteLine($"{c.Name} stopped (exit {c.Process.ExitCode})");
            }
            catch (OperationCanceledException)
            {
                Console.WriteLine($"{c.Name} did not stop within {StopGrace.TotalSeconds:0} s: killed");
                c.Process.Kill(entireProcessTree: true);
                await c.Process.WaitForExitAsync(CancellationToken.None).ConfigureAwait(false);
            }
        })).ConfigureAwait(false);

        foreach (var c in children.Where(c => c.Name == "simulator" && !c.Process.HasExited))
        {
            c.Process.Kill(entireProcessTree: true);
            await c.Process.WaitForExitAsync(CancellationToken.None).ConfigureAwait(false);
            Console.WriteLine("simulator stopped");
        }

        foreach (var c in children)
        {
            c.Process.Dispose();
        }
    }

    /// <summary>SIGTERM (the node's graceful path) through kill(1); on Windows, where there is none, a kill.</summary>
    private static void Terminate(Process process)
    {
        if (OperatingSystem.IsWindows())
        {
            process.Kill(entireProcessTree: true);
            return;
        }

        using var kill = Process.Start(new ProcessStartInfo("kill") { ArgumentList = { "-TERM", process.Id.ToString(CultureInfo.InvariantCulture) }, UseShellExecute = false });
        kill?.WaitForExit();
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
