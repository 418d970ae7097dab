using System.Diagnostics;
using System.Text;
using Arbitrage.Testing;

namespace Arbitrage.Node.Tests.Cli;

/// <summary>
/// Runs the built arbctl (<c>dotnet arbctl.dll</c>) as a child process with its own <c>ARBCTL_CONFIG</c>.
/// Found under <c>$ARB_ARTIFACTS/bin/Arbitrage.Cli/debug</c> or <c>src/Arbitrage.Cli/bin/**</c> (newest wins);
/// build Arbitrage.Cli before running these tests.
/// </summary>
public sealed class ArbctlProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _stdout = new();
    private readonly StringBuilder _stderr = new();
    private readonly SemaphoreSlim _newOutput = new(0);

    private ArbctlProcess(Process process)
    {
        _process = process;
    }

    public static string Dll { get; } = FindDll();

    public string Stdout
    {
        get { lock (_stdout) { return _stdout.ToString(); } }
    }

    public string Stderr
    {
        get { lock (_stderr) { return _stderr.ToString(); } }
    }

    public static ArbctlProcess Start(string configPath, string? stdin, params string[] args) => Start(null, configPath, stdin, null, args);

    /// <summary>As <see cref="Start(string, string?, string[])"/> with extra environment variables (ARBCTL_PASSWORD).</summary>
    public static ArbctlProcess Start(string configPath, string? stdin, IReadOnlyDictionary<string, string>? environment, params string[] args) =>
        Start(null, configPath, stdin, environment, args);

    /// <summary>As <see cref="Start(string, string?, string[])"/>, in <paramref name="workingDirectory"/> (null: this process's).</summary>
    public static ArbctlProcess StartIn(string? workingDirectory, string configPath, string? stdin, params string[] args) =>
        Start(workingDirectory, configPath, stdin, null, args);

    private static ArbctlProcess Start(string? workingDirectory, string configPath, string? stdin, IReadOnlyDictionary<string, string>? environment, string[] args)
    {
        var psi = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = workingDirectory ?? string.Empty,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        psi.ArgumentList.Add(Dll);
        foreach (var a in args)
        {
            psi.ArgumentList.Add(a);
        }

        psi.Environment["ARBCTL_CONFIG"] = configPath;
        psi.Environment["NO_COLOR"] = "1";
        psi.Environment["COLUMNS"] = "200";
        psi.Environment.Remove("ARBCTL_PASSWORD");
        foreach (var (k, v) in environment ?? new Dictionary<string, string>())
        {
            psi.Environment[k] = v;
        }

        var process = new Process { StartInfo = psi };
        var runner = new ArbctlProcess(process);
        process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is not null)
            {
                lock (runner._stdout)
                {
                    runner._stdout.AppendLine(e.Data);
                }

                runner._newOutput.Release();
            }
        };
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is not null)
            {
                lock (runner._stderr)
                {
                    runner._stderr.AppendLine(e.Data);
                }

                runner._newOutput.Release();
            }
        };
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        if (stdin is not null)
        {
            process.StandardInput.WriteLine(stdin);
        }

        process.StandardInput.Close();
        return runner;
    }

    /// <summary>Runs to completion: exit code, stdout, stderr.</summary>
    public static Task<(int Exit, string Stdout, string Stderr)> RunAsync(string configPath, string? stdin, params string[] args) =>
        RunAsync(configPath, stdin, null, args);

    public static async Task<(int Exit, string Stdout, string Stderr)> RunAsync(string configPath, string? stdin, IReadOnlyDictionary<string, string>? environment, params string[] args)
    {
        await using var p = Start(configPath, stdin, environment, args);
        var exit = await p.WaitAsync(TimeSpan.FromSeconds(180)); // a deadline for a loaded machine, not a speed check
        return (exit, p.Stdout, p.Stderr);
    }

    public async Task<int> WaitAsync(TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        await _process.WaitForExitAsync(cts.Token);
        _process.WaitForExit(); // drains the redirected output
        return _process.ExitCode;
    }

    /// <summary>Waits until <paramref name="condition"/> holds for stdout, checked on every new line; throws with the output on exit or timeout.</summary>
    public Task WaitForStdoutAsync(Func<string, bool> condition, TimeSpan timeout, string what) =>
        WaitForOutputAsync(() => condition(Stdout), timeout, what);

    /// <summary>Waits until <paramref name="condition"/> holds for stderr (progress lines), checked on every new line; throws with the output on exit or timeout.</summary>
    public Task WaitForStderrAsync(Func<string, bool> condition, TimeSpan timeout, string what) =>
        WaitForOutputAsync(() => condition(Stderr), timeout, what);

    private async Task WaitForOutputAsync(Func<bool> holds, TimeSpan timeout, string what)
    {
        using var deadline = new CancellationTokenSource(timeout);
        while (!holds())
        {
            if (_process.HasExited)
            {
                _process.WaitForExit();
                if (holds())
                {
                    return;
                }

                throw new InvalidOperationException($"arbctl exited ({_process.ExitCode}) before {what}:\n{Stdout}\n{Stderr}");
            }

            try
            {
                await _newOutput.WaitAsync(TimeSpan.FromSeconds(1), deadline.Token);
            }
            catch (OperationCanceledException)
            {
                throw new TimeoutException($"{what}: not within {timeout.TotalSeconds} s:\n{Stdout}\n{Stderr}");
            }
        }
    }

    /// <summary>Kills the process by its id (SIGKILL: no handler runs, as a crash or an OOM kill).</summary>
    public async Task KillAsync()
    {
        using var kill = Process.Start(new ProcessStartInfo("kill") { ArgumentList = { "-KILL", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture) }, UseShellExecute = false });
        await kill!.WaitForExitAsync();
        await _process.WaitForExitAsync();
    }

    /// <summary>Sends SIGINT (Ctrl-C).</summary>
    public void Interrupt()
    {
        using var kill = Process.Start(new ProcessStartInfo("kill") { ArgumentList = { "-INT", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture) }, UseShellExecute = false });
        kill!.WaitForExit();
    }

    /// <summary>Sends SIGTERM (what a service manager sends to stop it).</summary>
    public void Terminate()
    {
        using var kill = Process.Start(new ProcessStartInfo("kill") { ArgumentList = { "-TERM", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture) }, UseShellExecute = false });
        kill!.WaitForExit();
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
    }

    private static string FindDll()
    {
        var candidates = new List<string>();
        var artifacts = Environment.GetEnvironmentVariable("ARB_ARTIFACTS");
        if (!string.IsNullOrWhiteSpace(artifacts))
        {
            candidates.Add(Path.Combine(artifacts, "bin", "Arbitrage.Cli", "debug", "arbctl.dll"));
        }

        var bin = Path.Combine(RepoPaths.Root, "src", "Arbitrage.Cli", "bin");
        if (Directory.Exists(bin))
        {
            candidates.AddRange(Directory.EnumerateFiles(bin, "arbctl.dll", SearchOption.AllDirectories));
        }

        // Prefer the build configuration of this test run (Release in CI), then the newest.
        var configuration = AppContext.BaseDirectory.Contains($"{Path.DirectorySeparatorChar}Release{Path.DirectorySeparatorChar}", StringComparison.Ordinal) ? "Release" : "Debug";
        var found = candidates.Where(File.Exists)
            .OrderByDescending(p => p.Contains($"{Path.DirectorySeparatorChar}{configuration}{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
            .ThenByDescending(File.GetLastWriteTimeUtc)
            .FirstOrDefault();
        Assert.True(found is not null, $"arbctl.dll not found (looked in {string.Join(", ", candidates.DefaultIfEmpty(bin))}): build src/Arbitrage.Cli first");
        return found!;
    }
}
