using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using Arbitrage.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Arbitrage.Node.Tests.Cli;

/// <summary>
/// <c>arbctl triangles</c> as a child process: <c>cycles</c> over the repository's configs and over a tape's pairs,
/// <c>open</c> against a small fake node on 127.0.0.1 serving <c>GET /api/triangles</c> in the endpoint's shape.
/// </summary>
public sealed class ArbctlTrianglesTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("arbctl-triangles-").FullName;

    private string Config => Path.Combine(_directory, "credentials.json");

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public async Task Cycles_lists_every_cycle_of_the_configs_with_its_legs()
    {
        var (exit, stdout, stderr) = await ArbctlProcess.RunAsync(Config, null, "triangles", "cycles", "--strategies", RepoPaths.Strategies, "--json");
        Assert.True(exit == 0, stderr);
        var rows = JsonDocument.Parse(stdout).RootElement.EnumerateArray().ToList();
        Assert.Equal(["USDT>BTC>ETH", "USDT>ETH>BTC", "BTC>ETH>USDT", "BTC>USDT>ETH"], rows.Select(r => r.GetProperty("cycle").GetString()));
        var first = rows[0];
        Assert.Equal("tri_binance", first.GetProperty("config").GetString());
        Assert.Equal("USDT", first.GetProperty("start_asset").GetString());
        Assert.Equal(100, first.GetProperty("notional").GetDouble());
        Assert.Equal(["buy BTC/USDT", "buy ETH/BTC", "sell ETH/USDT"],
            first.GetProperty("legs").EnumerateArray().Select(l => $"{l.GetProperty("side").GetString()} {l.GetProperty("pair").GetString()}"));
        Assert.Equal(0.002, rows[3].GetProperty("notional").GetDouble());

        var table = await ArbctlProcess.RunAsync(Config, null, "triangles", "cycles", "--strategies", RepoPaths.Strategies, "--config", "tri_binance");
        Assert.True(table.Exit == 0, table.Stderr);
        Assert.Contains("USDT>ETH>BTC", table.Stdout);
        Assert.Contains("sell ETH/BTC", table.Stdout);
        Assert.Contains("4 cycles in 1 config(s)", table.Stdout);

        var unknown = await ArbctlProcess.RunAsync(Config, null, "triangles", "cycles", "--strategies", RepoPaths.Strategies, "--config", "nope");
        Assert.Equal(2, unknown.Exit);
        Assert.Contains("no triangle config has id \"nope\"", unknown.Stderr);
    }

    [Fact]
    public async Task A_star_config_lists_the_cycles_over_the_tapes_pairs_and_needs_a_tape()
    {
        var strategies = Directory.CreateDirectory(Path.Combine(_directory, "strategies", "triangles")).Parent!.FullName;
        await File.WriteAllTextAsync(Path.Combine(strategies, "triangles", "all.json"),
            """{ "id": "all", "venue": "binance-spot", "symbols": "*", "start_assets": { "BTC": 0.01 }, "taker_fee": 0.001, "min_net_return": 0 }""");
        var tape = Path.Combine(RepoPaths.Root, "..", "shared", "data", "binance_spot_BTCUSDT_ETHUSDT_ETHBTC_2020-11-01T09Z_2h.deep_orderbook.zip");
        Assert.True(File.Exists(tape), $"shared data missing: {tape}");

        var (exit, stdout, stderr) = await ArbctlProcess.RunAsync(Config, null, "triangles", "cycles", "--strategies", strategies, "--tape", tape, "--json");
        Assert.True(exit == 0, stderr);
        var rows = JsonDocument.Parse(stdout).RootElement.EnumerateArray().ToList();
        Assert.Equal(["BTC>ETH>USDT", "BTC>USDT>ETH"], rows.Select(r => r.GetProperty("cycle").GetString()));
        Assert.Equal(["sell BTC/USDT", "buy ETH/USDT", "sell ETH/BTC"],
            rows[1].GetProperty("legs").EnumerateArray().Select(l => $"{l.GetProperty("side").GetString()} {l.GetProperty("pair").GetString()}"));

        var noTape = await ArbctlProcess.RunAsync(Config, null, "triangles", "cycles", "--strategies", strategies);
        Assert.Equal(2, noTape.Exit);
        Assert.Contains("config all has \"symbols\": \"*\"", noTape.Stderr);
        Assert.Contains("--tape", noTape.Stderr);
    }

    [Fact]
    public async Task Open_shows_the_open_episodes_of_a_node()
    {
        const string body = """
            {"open":[{"start_ms":1604221202123,"end_ms":null,"venue":"binance-spot","cycle":"USDT>BTC>ETH","start_asset":"USDT","notional":100,"evaluations":7,"peak_net_return":0.00123,"peak_ms":1604221203123}],
             "recent":[{"start_ms":1604221100000,"end_ms":1604221101000,"venue":"binance-spot","cycle":"BTC>ETH>USDT","start_asset":"BTC","notional":0.002,"evaluations":2,"peak_net_return":0.0007,"peak_ms":1604221100000}],
             "cycles":[]}
            """;
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        await using var app = builder.Build();
        var authorization = new List<string>();
        app.MapGet("/api/triangles", (HttpContext context) =>
        {
            lock (authorization)
            {
                authorization.Add(context.Request.Headers.Authorization.ToString());
            }

            return Results.Text(body, "application/json");
        });
        await app.StartAsync();
        var url = app.Urls.Single();

        var json = await ArbctlProcess.RunAsync(Config, null, "triangles", "open", "--url", url, "--json");
        Assert.True(json.Exit == 0, json.Stderr);
        var open = JsonDocument.Parse(json.Stdout).RootElement.GetProperty("open");
        Assert.Equal("USDT>BTC>ETH", open[0].GetProperty("cycle").GetString());
        Assert.Equal(0.00123, open[0].GetProperty("peak_net_return").GetDouble());

        var table = await ArbctlProcess.RunAsync(Config, null, "triangles", "open", "--url", url);
        Assert.True(table.Exit == 0, table.Stderr);
        Assert.Contains("USDT>BTC>ETH", table.Stdout);
        Assert.Contains("0.00123", table.Stdout);
        Assert.Contains("2020-11-01 09:00:02.123", table.Stdout); // start_ms as UTC time
        Assert.Contains("1 open, 1 recent episode(s)", table.Stdout);
        Assert.DoesNotContain("BTC>ETH>USDT", table.Stdout); // recent episodes are not open ones
        Assert.All(authorization, a => Assert.Equal(string.Empty, a)); // no stored login: no token sent

        await app.StopAsync();
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var closed = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        var unreachable = await ArbctlProcess.RunAsync(Config, null, "triangles", "open", "--url", $"http://127.0.0.1:{closed}");
        Assert.Equal(3, unreachable.Exit);
    }
}
