using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Arbitrage.Simulator;
using Arbitrage.Testing;

namespace Arbitrage.Node.Tests.Hosting;

/// <summary>
/// <c>--exchange sim --mode live</c>: the node's carry legs go to the simulator's spot and USD-M order endpoints
/// (paper legs would leave the simulator's accounts untouched).
/// </summary>
public sealed partial class NodeLiveCarryTests : IDisposable
{
    private static readonly SimulatorOptions SimDefaults = new();
    private readonly string _work = Path.Combine(Path.GetTempPath(), "arb-node-live-carry", Guid.NewGuid().ToString("N"));
    private readonly HttpClient _sim = new();

    public NodeLiveCarryTests() => Directory.CreateDirectory(_work);

    public void Dispose()
    {
        _sim.Dispose();
        TestDatabases.DeleteQuietly(_work);
    }

    [GeneratedRegex(@"orders go to simulator (http://127\.0\.0\.1:\d+/?)")]
    private static partial Regex SimulatorUrl();

    [Fact]
    public async Task In_live_mode_an_operator_carry_buys_and_sells_spot_and_shorts_the_perp_at_the_exchange()
    {
        const string invite = "live-carry-invite-0123456789ab";
        const string password = "live carry passphrase 77";
        var tape = Path.Combine(RepoPaths.Fixtures, "binance_usdm_BTCUSDT_ws_depth0ms_bookTicker_trade_markPrice1s_2023-04-05T0000Z_head3000.hftbt.gz");
        await using var node = NodeProcess.Start(_work, NodeProcess.TestEnvironment(_work, invite), "--exchange", "sim", "--tape", tape, "--speed", "5", "--mode", "live");
        using var http = new HttpClient { BaseAddress = await node.WaitListeningAsync(TimeSpan.FromSeconds(60)) };
        var sim = new Uri(SimulatorUrl().Match(node.Stdout + node.Stderr) is { Success: true } m ? m.Groups[1].Value : throw new InvalidOperationException("no simulator URL in the log:\n" + node.Stdout));

        (await http.PostAsJsonAsync("/api/auth/register", new { inviteCode = invite, username = "ops", password })).EnsureSuccessStatusCode();
        var login = await (await http.PostAsJsonAsync("/api/auth/login", new { username = "ops", password })).Content.ReadFromJsonAsync<JsonElement>();
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", login.GetProperty("accessToken").GetString());

        HttpResponseMessage open;
        using (var cts = new CancellationTokenSource(TimeSpan.FromSeconds(60)))
        {
            do
            {
                open = await http.PostAsJsonAsync("/api/ops/carry/BTCUSDT/open", new { notionalUsd = 1000 });
                if (open.StatusCode != HttpStatusCode.Conflict) break;
                await Task.Delay(TimeSpan.FromMilliseconds(250), cts.Token); // no mark/index price yet
            }
            while (true);
        }

        Assert.True(open.StatusCode == HttpStatusCode.OK, await open.Content.ReadAsStringAsync());
        var spotQty = (await http.GetFromJsonAsync<JsonElement>("/api/carry/BTCUSDT")).GetProperty("open").GetProperty("position").GetProperty("spotQuantity").GetDecimal();
        Assert.True(spotQty > 0m);
        Assert.Equal(spotQty, await SpotBtcAsync(sim));
        Assert.True(await PerpAsync(sim) < 0m);

        var close = await http.PostAsJsonAsync("/api/ops/carry/BTCUSDT/close", new { reason = "test over" });
        Assert.True(close.StatusCode == HttpStatusCode.OK, await close.Content.ReadAsStringAsync());
        // The buy's fee was paid in BTC, so the held quantity is sold down to the 0.00001 lot step: only dust stays.
        Assert.InRange(await SpotBtcAsync(sim), 0m, 0.0000099m);
        Assert.Equal(0m, await PerpAsync(sim));
    }

    private async Task<decimal> SpotBtcAsync(Uri sim)
    {
        var account = await SignedGetAsync(sim, "/api/v3/account", "");
        return account.GetProperty("balances").EnumerateArray().Where(b => b.GetProperty("asset").GetString() == "BTC")
            .Select(b => decimal.Parse(b.GetProperty("free").GetString()!, CultureInfo.InvariantCulture)).SingleOrDefault();
    }

    private async Task<decimal> PerpAsync(Uri sim)
    {
        var risk = await SignedGetAsync(sim, "/fapi/v2/positionRisk", "symbol=BTCUSDT&");
        return decimal.Parse(risk[0].GetProperty("positionAmt").GetString()!, CultureInfo.InvariantCulture);
    }

    private async Task<JsonElement> SignedGetAsync(Uri sim, string path, string query)
    {
        var q = $"{query}timestamp={DateTimeOffset.UtcNow.ToUnixTimeMilliseconds()}";
        var signature = Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(SimDefaults.ApiSecret), Encoding.UTF8.GetBytes(q)));
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(sim, $"{path}?{q}&signature={signature}"));
        request.Headers.Add("X-MBX-APIKEY", SimDefaults.ApiKey);
        using var response = await _sim.SendAsync(request);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"{path}: {(int)response.StatusCode} {body}");
        return JsonDocument.Parse(body).RootElement.Clone();
    }
}
