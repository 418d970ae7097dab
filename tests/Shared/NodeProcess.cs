using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.RegularExpressions;

namespace Arbitrage.Testing;

/// <summary>
/// Runs the real node executable (a built Arbitrage.Node.dll) as a child process with its own
/// environment, capturing stdout/stderr: the node tests (startup, crash, CLI) and the load benchmark.
/// </summary>
public sealed partial class NodeProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _stdout = new();
    private readonly SemaphoreSlim _newOutput = new(0);
    private readonly StringBuilder _stderr = new();
    private readonly TaskCompletionSource<string> _listening = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private bool _disposed;

    private NodeProcess(Process process)
    {
        _process = process;
    }

    /// <summary>The node built beside a test assembly that references Arbitrage.Node.</summary>
    public static string NodeDll => Path.Combine(AppContext.BaseDirectory, "Arbitrage.Node.dll");

    /// <summary>
    /// The settings every test node gets: a free loopback port, its own data, log and report folders under
    /// <paramref name="work"/>, the repository's HOCON and strategies, a random JWT key, and optionally a
    /// bootstrap invite for the first admin.
    /// </summary>
    public static Dictionary<string, string> TestEnvironment(string work, string? bootstrapInvite = null)
    {
        var env = new Dictionary<string, string>
        {
            ["ARB__Http__Urls"] = "http://127.0.0.1:0",
            ["ARB__Storage__DataDir"] = Path.Combine(work, "data"),
            ["ARB__Paths__Hocon"] = Arbitrage.Testing.RepoPaths.Hocon,
            ["ARB__Paths__Strategies"] = Arbitrage.Testing.RepoPaths.Strategies,
            ["ARB__Paths__Logs"] = Path.Combine(work, "logs"),
            ["ARB__Paths__Reports"] = Path.Combine(work, "reports"),
            ["ARB__Auth__JwtKey"] = Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(48)),
        };
        if (bootstrapInvite is not null)
        {
            env["ARB__Auth__BootstrapInvite"] = bootstrapInvite;
        }

        return env;
    }

    public string Stdout
    {
        get { lock (_stdout) { return _stdout.ToString(); } }
    }

    public string Stderr
    {
        get { lock (_stderr) { return _stderr.ToString(); } }
    }

    public bool HasExited => _process.HasExited;

    /// <summary>The node's process id (the dotnet host runs the node in its own process).</summary>
    public int Id => _process.Id;

    /// <summary>Starts the node beside this assembly (<see cref="NodeDll"/>) in <paramref name="workingDirectory"/> with ARB__* settings and extra args.</summary>
    public static NodeProcess Start(string workingDirectory, IDictionary<string, string> environment, params string[] args) =>
        Start(NodeDll, workingDirectory, environment, args);

    /// <summary>Starts the node <paramref name="dll"/>; inherited ARB__* variables are dropped, <paramref name="environment"/> set.</summary>
    public static NodeProcess Start(string dll, string workingDirectory, IDictionary<string, string> environment, params string[] args)
    {
        var psi = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        psi.ArgumentList.Add(dll);
        foreach (var a in args)
        {
            psi.ArgumentList.Add(a);
        }

        foreach (var key in psi.Environment.Keys.Where(k => k.StartsWith("ARB__", StringComparison.Ordinal)).ToList())
        {
            psi.Environment.Remove(key);
        }

        foreach (var (k, v) in environment)
        {
            psi.Environment[k] = v;
        }

        var node = new NodeProcess(new Process { StartInfo = psi, EnableRaisingEvents = true });
        node._process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is null)
            {
                return;
            }

            lock (node._stdout)
            {
                node._stdout.AppendLine(e.Data);
            }

            node._newOutput.Release();

            var m = ListeningLine().Match(e.Data);
            if (m.Success)
            {
                node._listening.TrySetResult(m.Groups[1].Value);
            }
        };
        node._process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is not null)
            {
                lock (node._stderr)
                {
                    node._stderr.AppendLine(e.Data);
                }
            }
        };
        node._process.Exited += (_, _) => node._listening.TrySetException(new InvalidOperationException("node exited before listening"));
        node._process.Start();
        node._process.BeginOutputReadLine();
        node._process.BeginErrorReadLine();
        return node;
    }

    /// <summary>The HTTP base URL once the node logged that it listens.</summary>
    public async Task<Uri> WaitListeningAsync(TimeSpan timeout)
    {
        try
        {
            return new Uri(await _listening.Task.WaitAsync(timeout));
        }
        catch (Exception e) when (e is TimeoutException or InvalidOperationException)
        {
            throw new InvalidOperationException($"node did not start: {e.Message}\nstdout:\n{Stdout}\nstderr:\n{Stderr}", e);
        }
    }

    /// <summary>
    /// Waits until <paramref name="condition"/> holds for the node's stdout, checked again on every line it writes (no
    /// polling); throws with the output when the node exits first or <paramref name="timeout"/> passes.
    /// </summary>
    public async Task WaitForOutputAsync(Func<string, bool> condition, TimeSpan timeout, string what)
    {
        using var deadline = new CancellationTokenSource(timeout);
        while (!condition(Stdout))
        {
            if (HasExited)
            {
                throw new InvalidOperationException($"node exited before {what}:\nstdout:\n{Stdout}\nstderr:\n{Stderr}");
            }

            try
            {
                // A line arrives, or the process exits (its last lines arrive first), or the deadline passes.
                await _newOutput.WaitAsync(TimeSpan.FromSeconds(1), deadline.Token);
            }
            catch (OperationCanceledException)
            {
                throw new TimeoutException($"{what}: not within {timeout.TotalSeconds} s:\nstdout:\n{Stdout}\nstderr:\n{Stderr}");
            }
        }
    }

    /// <summary>Waits for exit and returns the exit code.</summary>
    public async Task<int> WaitExitAsync(TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        await _process.WaitForExitAsync(cts.Token);
        // The process is gone; this overload also waits until its last output lines reached Stdout/Stderr.
        _process.WaitForExit();
        return _process.ExitCode;
    }

    public void Kill() => _process.Kill(entireProcessTree: true);

    /// <summary>Sends a POSIX signal to the node process (SIGTERM: graceful stop; SIGSTOP/SIGCONT: freeze and thaw).</summary>
    public void Signal(PosixSignalNumber signal)
    {
        if (SysKill(_process.Id, (int)signal) != 0)
        {
            throw new InvalidOperationException($"kill({_process.Id}, {signal}) failed: errno {Marshal.GetLastPInvokeError()}");
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
    }

    [GeneratedRegex(@"listening on (http://[0-9.:]+)")]
    private static partial Regex ListeningLine();

    [DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static extern int SysKill(int pid, int signal);
}

/// <summary>The Linux signal numbers the process tests send.</summary>
public enum PosixSignalNumber
{
    Term = 15,
    Cont = 18,
    Stop = 19,
}
