using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace Arbitrage.Node.Tests.Hosting;

/// <summary>
/// The standalone simulator (a built Arbitrage.Simulator.dll) on 127.0.0.1:0 with manual playback: its control endpoints,
/// its state, and signed reads of the account it keeps (orders, open orders, position) as a trader's own client would do.
/// </summary>
public sealed class SimulatorProcess : IAsyncDisposable
{
    public const string Key = "faultKey0123456789abcdefABCDEF0123456789abcdefABCDEF012345678";
    public const string Secret = "faultSecret0123456789abcdefABCDEF0123456789abcdefABCDEF0123456";

    private readonly Process _process;
    private readonly HttpClient _http = new();

    private SimulatorProcess(Process process, Uri origin)
    {
        _process = process;
        Origin = origin;
    }

    public Uri Origin { get; }

    /// <summary>Starts it on <paramref name="tape"/>; answers once its first stdout line names the port.</summary>
    public static async Task<SimulatorProcess> StartAsync(string tape)
    {
        var psi = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in new[]
                 {
                     Path.Combine(AppContext.BaseDirectory, "Arbitrage.Simulator.dll"), "--tape", tape, "--port", "0", "--speed", "max",
                     "--start", "manual", "--api-key", Key, "--api-secret", Secret,
                 })
        {
            psi.ArgumentList.Add(a);
        }

        var process = Process.Start(psi)!;
        process.ErrorDataReceived += (_, _) => { };
        process.BeginErrorReadLine();
        var line = await process.StandardOutput.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(60));
        Assert.Matches(@"^listening http://127\.0\.0\.1:\d+$", line);
        _ = DrainAsync(process.StandardOutput);
        return new SimulatorProcess(process, new Uri(line!["listening ".Length..]));
    }

    /// <summary>The node settings that point its exchange (REST, spot REST, WebSocket) at this simulator, trading <paramref name="symbol"/>.</summary>
    public void PointNodeAt(IDictionary<string, string> env, string symbol)
    {
        var origin = Origin.ToString().TrimEnd('/');
        env["ARB__Exchange__Kind"] = "binance";
        env["ARB__Exchange__RestUrl"] = origin;
        env["ARB__Exchange__SpotRestUrl"] = origin;
        env["ARB__Exchange__WsUrl"] = "ws" + origin["http".Length..];
        env["ARB__Exchange__Symbols__0"] = symbol;
    }

    public async Task PostAsync(string path)
    {
        using var r = await _http.PostAsync(new Uri(Origin, path), null);
        r.EnsureSuccessStatusCode();
    }

    public async Task<JsonElement> StateAsync() =>
        JsonDocument.Parse(await _http.GetStringAsync(new Uri(Origin, "/sim/state"))).RootElement.Clone();

    public async Task<IReadOnlyList<JsonElement>> AllOrdersAsync(string symbol) =>
        (await SignedGetAsync("/fapi/v1/allOrders", $"symbol={symbol}")).EnumerateArray().ToArray();

    public async Task<decimal> PositionAsync(string symbol)
    {
        var rows = await SignedGetAsync("/fapi/v2/positionRisk", $"symbol={symbol}");
        return decimal.Parse(rows.EnumerateArray().Single().GetProperty("positionAmt").GetString()!, CultureInfo.InvariantCulture);
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

    private async Task<JsonElement> SignedGetAsync(string path, string query)
    {
        var q = $"{query}&timestamp={DateTimeOffset.UtcNow.ToUnixTimeMilliseconds()}";
        var signature = Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(Secret), Encoding.UTF8.GetBytes(q)));
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(Origin, $"{path}?{q}&signature={signature}"));
        request.Headers.Add("X-MBX-APIKEY", Key);
        using var response = await _http.SendAsync(request);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"{path}: {(int)response.StatusCode} {body}");
        return JsonDocument.Parse(body).RootElement.Clone();
    }

    private static async Task DrainAsync(StreamReader reader)
    {
        while (await reader.ReadLineAsync() is not null)
        {
        }
    }
}
