using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json;

namespace Arbitrage.Testing;

/// <summary>
/// The standalone simulator (Arbitrage.Simulator.dll beside the test assembly) as a child process on 127.0.0.1: its URL,
/// its control endpoints (<c>/sim/control/*</c>: faults, latency, held orders, stepping) and its state.
/// </summary>
public sealed class SimulatorProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly HttpClient _http;

    private SimulatorProcess(Process process, Uri url)
    {
        _process = process;
        Url = url;
        _http = new HttpClient { BaseAddress = url, Timeout = TimeSpan.FromSeconds(30) };
    }

    public Uri Url { get; }

    /// <summary>The simulator's origin as the node's <c>Exchange:RestUrl</c>/<c>SpotRestUrl</c>.</summary>
    public string RestUrl => Url.ToString().TrimEnd('/');

    /// <summary>The simulator's origin as the node's <c>Exchange:WsUrl</c>.</summary>
    public string WsUrl => "ws" + RestUrl["http".Length..];

    public static async Task<SimulatorProcess> StartAsync(params string[] args)
    {
        var psi = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        psi.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "Arbitrage.Simulator.dll"));
        psi.ArgumentList.Add("--port");
        psi.ArgumentList.Add("0");
        foreach (var a in args)
        {
            psi.ArgumentList.Add(a);
        }

        var process = Process.Start(psi) ?? throw new InvalidOperationException("the simulator did not start");
        process.ErrorDataReceived += (_, _) => { };
        process.BeginErrorReadLine();
        var line = await process.StandardOutput.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(60));
        if (line is null || !line.StartsWith("listening http://127.0.0.1:", StringComparison.Ordinal))
        {
            process.Kill(entireProcessTree: true);
            throw new InvalidOperationException($"the simulator did not start: {line}");
        }

        _ = DrainAsync(process.StandardOutput);
        return new SimulatorProcess(process, new Uri(line["listening ".Length..]));
    }

    /// <summary>POSTs a control endpoint, e.g. <c>fail?kind=429&amp;count=100&amp;retryAfter=2</c>.</summary>
    public async Task ControlAsync(string pathAndQuery)
    {
        using var response = await _http.PostAsync("/sim/control/" + pathAndQuery, null);
        response.EnsureSuccessStatusCode();
    }

    public async Task<JsonElement> StateAsync() => await _http.GetFromJsonAsync<JsonElement>("/sim/state");

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
        _http.Dispose();
    }

    private static async Task DrainAsync(StreamReader reader)
    {
        while (await reader.ReadLineAsync() is not null)
        {
        }
    }
}
