using System.Diagnostics;
using System.Text.Json;
using Arbitrage.Simulator;

namespace Arbitrage.Binance.Tests.Simulator;

/// <summary>The simulator as its own process, the way other test suites and <c>--exchange sim</c> use it.</summary>
public class StandaloneSimulatorTests
{
    private static string SimulatorDll => Path.Combine(AppContext.BaseDirectory, "Arbitrage.Simulator.dll");

    private static Process Start(params string[] args)
    {
        var psi = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        psi.ArgumentList.Add(SimulatorDll);
        foreach (var a in args) psi.ArgumentList.Add(a);
        return Process.Start(psi)!;
    }

    [Fact]
    public async Task Prints_its_address_first_and_serves_time()
    {
        var tape = Path.Combine(Path.GetTempPath(), $"sim-{Guid.NewGuid():N}.jsonl");
        new SimTape().Trades(100m, 101m).WriteJsonl(tape);
        using var p = Start("--tape", tape, "--port", "0", "--speed", "max");
        try
        {
            var line = await p.StandardOutput.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(60));
            Assert.NotNull(line);
            Assert.Matches(@"^listening http://127\.0\.0\.1:\d+$", line);
            using var http = new HttpClient { BaseAddress = new Uri(line!["listening ".Length..]) };
            using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            var json = await http.GetStringAsync("/fapi/v1/time", cts.Token);
            Assert.True(JsonDocument.Parse(json).RootElement.GetProperty("serverTime").GetInt64() > 0);
        }
        finally
        {
            p.Kill(entireProcessTree: true);
            await p.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(30));
            File.Delete(tape);
        }
    }

    [Fact]
    public async Task Bad_arguments_exit_2_with_one_clear_line()
    {
        using var p = Start("--speed", "fast");
        var err = await p.StandardError.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(60));
        await p.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(60));
        Assert.Equal(2, p.ExitCode);
        Assert.Contains("--speed", err);
    }

    [Theory]
    [InlineData(new string[0], "--tape")]
    [InlineData(new[] { "--tape", "/no/such/file" }, "not found")]
    [InlineData(new[] { "--port", "70000" }, "--port")]
    [InlineData(new[] { "--bogus" }, "unknown argument")]
    [InlineData(new[] { "--host", "simulator" }, "--host must be an IP address")]
    [InlineData(new[] { "--api-key", "k" }, "--api-secret")]
    [InlineData(new[] { "--spot-balance", "BTC" }, "--spot-balance takes ASSET=AMOUNT")]
    [InlineData(new[] { "--spot-balance", "BTC=-1" }, "--spot-balance takes ASSET=AMOUNT")]
    [InlineData(new[] { "--spot-order-limits", "50" }, "--spot-order-limits takes PER_10S,PER_DAY")]
    [InlineData(new[] { "--spot-order-limits", "0,10" }, "--spot-order-limits takes PER_10S,PER_DAY")]
    public void Command_line_errors_name_the_problem(string[] args, string expected)
    {
        var r = SimulatorCommandLine.Parse(args);
        Assert.Null(r.Options);
        Assert.Contains(expected, r.Error);
    }

    [Fact]
    public void Command_line_accepts_several_tapes_and_max_speed()
    {
        var a = Path.GetTempFileName();
        var b = Path.GetTempFileName();
        try
        {
            var r = SimulatorCommandLine.Parse(["--tape", a, b, "--speed", "max", "--port", "0", "--api-key", "k1", "--api-secret", "s1", "--start", "subscriber"]);
            Assert.Null(r.Error);
            Assert.Equal([a, b], r.Options!.Tapes);
            Assert.True(double.IsPositiveInfinity(r.Options.Speed));
            Assert.Equal(("k1", "s1", PlaybackStart.OnFirstSubscriber), (r.Options.ApiKey, r.Options.ApiSecret, r.Options.Start));
            Assert.Equal((50, 160_000), (r.Options.Spot.OrderLimitPer10Seconds, r.Options.Spot.OrderLimitPerDay)); // Binance spot's defaults

            var spot = SimulatorCommandLine.Parse(["--tape", a, "--spot-balance", "btc=1.5, USDT=10000", "--spot-order-limits", "5,100"]);
            Assert.Null(spot.Error);
            Assert.Equal(new Dictionary<string, decimal> { ["BTC"] = 1.5m, ["USDT"] = 10_000m }, spot.Options!.Spot.InitialBalances);
            Assert.Equal((5, 100), (spot.Options.Spot.OrderLimitPer10Seconds, spot.Options.Spot.OrderLimitPerDay));

            // Loopback unless a container asks for every interface (deploy/compose.yaml).
            Assert.Equal(System.Net.IPAddress.Loopback, r.Options.Host);
            Assert.Equal(System.Net.IPAddress.Any, SimulatorCommandLine.Parse(["--tape", a, "--host", "0.0.0.0"]).Options!.Host);
        }
        finally
        {
            File.Delete(a);
            File.Delete(b);
        }
    }
}
