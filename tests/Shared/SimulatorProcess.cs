using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace Arbitrage.Testing;

/// <summary>
/// The standalone simulator (a built Arbitrage.Simulator.dll beside the test assembly) as a child process on a free
/// loopback port, with its HTTP control (<c>/sim/control/...</c>, <c>/sim/state</c>): fault tests drive a real node
/// against it.
/// </summary>
public sealed class SimulatorProcess : IAsyncDisposable
{
    /// <summary>The API key a manual-start simulator (<see cref="StartManualAsync"/>) accepts; a test value, never a real one.</summary>
    public const string Key = "faultKey0123456789abcdefABCDEF0123456789abcdefABCDEF012345678";

    /// <summary>Its secret.</summary>
    public const string Secret = "faultSecret0123456789abcdefABCDEF0123456789abcdefABCDEF0123456";

    private readonly Process _process;
    private readonly StringBuilder _stderr = new();
    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(30) };

    private SimulatorProcess(Process process, Uri url)
    {
        _process = process;
        Url = url;
    }

    /// <summary><c>http://127.0.0.1:PORT/</c>.</summary>
    public Uri Url { get; }

    /// <summary>The same origin as <c>ws://</c>, for <c>ARB__Exchange__WsUrl</c>.</summary>
    public string WsOrigin => "ws" + Url.ToString().TrimEnd('/')["http".Length..];

    public string Stderr
    {
        get { lock (_stderr) { return _stderr.ToString(); } }
    }

    /// <summary>Starts it with <paramref name="args"/> (besides <c>--port 0</c>) and waits for its <c>listening</c> line.</summary>
    public static async Task<SimulatorProcess> StartAsync(params string[] args)
    {
        var psi = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        psi.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "Arbitrage.Simulator.dll"));
        foreach (var a in args.Concat(["--port", "0"]))
        {
            psi.ArgumentList.Add(a);
        }

        var process = Process.Start(psi)!;
        var stderr = new StringBuilder();
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is not null)
            {
                lock (stderr)
                {
                    stderr.AppendLine(e.Data);
                }
            }
        };
        process.BeginErrorReadLine();
        var line = await process.StandardOutput.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(60));
        if (line is null || !line.StartsWith("listening http://127.0.0.1:", StringComparison.Ordinal))
        {
            process.Kill(entireProcessTree: true);
            throw new InvalidOperationException($"simulator did not start: {line}\n{stderr}");
        }

        var sim = new SimulatorProcess(process, new Uri(line["listening ".Length..]));
        lock (sim._stderr)
        {
            sim._stderr.Append(stderr);
        }

        _ = DrainAsync(process.StandardOutput);
        return sim;
    }

    /// <summary>
    /// Starts it on <paramref name="tape"/> with manual playback (frames move only on <c>/sim/control/step</c>) and the
    /// <see cref="Key"/>/<see cref="Secret"/> account.
    /// </summary>
    public static Task<SimulatorProcess> StartManualAsync(string tape) =>
        StartAsync("--tape", tape, "--speed", "max", "--start", "manual", "--api-key", Key, "--api-secret", Secret);

    /// <summary>The node settings that point its exchange (REST, spot REST, WebSocket) at this simulator, trading <paramref name="symbol"/>.</summary>
    public void PointNodeAt(IDictionary<string, string> env, string symbol)
    {
        var origin = Url.ToString().TrimEnd('/');
        env["ARB__Exchange__Kind"] = "binance";
        env["ARB__Exchange__RestUrl"] = origin;
        env["ARB__Exchange__SpotRestUrl"] = origin;
        env["ARB__Exchange__WsUrl"] = WsOrigin;
        env["ARB__Exchange__SpotWsUrl"] = WsOrigin;
        env["ARB__Exchange__Symbols__0"] = symbol;
    }

    /// <summary>Every order of the <see cref="Key"/> account on <paramref name="symbol"/>, read as a trader's own client would.</summary>
    public async Task<IReadOnlyList<JsonElement>> AllOrdersAsync(string symbol) =>
        (await SignedGetAsync("/fapi/v1/allOrders", $"symbol={symbol}")).EnumerateArray().ToArray();

    /// <summary>The <see cref="Key"/> account's position on <paramref name="symbol"/>.</summary>
    public async Task<decimal> PositionAsync(string symbol)
    {
        var rows = await SignedGetAsync("/fapi/v2/positionRisk", $"symbol={symbol}");
        return decimal.Parse(rows.EnumerateArray().Single().GetProperty("positionAmt").GetString()!, CultureInfo.InvariantCulture);
    }

    /// <summary>POSTs a control path (<c>/sim/control/step?frames=10</c>) and returns its JSON answer.</summary>
    public async Task<JsonElement> PostAsync(string pathAndQuery)
    {
        using var r = await _http.PostAsync(new Uri(Url, pathAndQuery), null);
        var body = await r.Content.ReadAsStringAsync();
        if (!r.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"POST {pathAndQuery}: {(int)r.StatusCode} {body}");
        }

        return JsonDocument.Parse(body).RootElement.Clone();
    }

    /// <summary><c>GET /sim/state</c>.</summary>
    public async Task<JsonElement> StateAsync() =>
        JsonDocument.Parse(await _http.GetStringAsync(new Uri(Url, "/sim/state"))).RootElement.Clone();

    private async Task<JsonElement> SignedGetAsync(string path, string query)
    {
        var q = $"{query}&recvWindow=60000&timestamp={DateTimeOffset.UtcNow.ToUnixTimeMilliseconds()}"; // the drills add latency
        var signature = Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(Secret), Encoding.UTF8.GetBytes(q)));
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(Url, $"{path}?{q}&signature={signature}"));
        request.Headers.Add("X-MBX-APIKEY", Key);
        using var response = await _http.SendAsync(request);
        var body = await response.Content.ReadAsStringAsync();
        if (!response.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"GET {path}: {(int)response.StatusCode} {body}");
        }

        return JsonDocument.Parse(body).RootElement.Clone();
    }

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
        try
        {
            while (await reader.ReadLineAsync() is not null)
            {
            }
        }
        catch (Exception e) when (e is IOException or ObjectDisposedException)
        {
        }
    }
}
