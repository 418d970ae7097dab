using Arbitrage.Binance.Rest;
using Arbitrage.Binance.Signing;
using Arbitrage.Simulator;

namespace Arbitrage.Binance.Tests.Simulator;

/// <summary>A simulator on 127.0.0.1:0 in manual playback, and a REST client pointed at it.</summary>
public sealed class SimHarness : IAsyncDisposable
{
    public const string Key = "testKey0123456789abcdefABCDEF0123456789abcdefABCDEF0123456789abcd";
    public const string Secret = "testSecret0123456789abcdefABCDEF0123456789abcdefABCDEF0123456789";

    private SimHarness(SimulatorHost host, BinanceRestClient client)
    {
        Host = host;
        Client = client;
    }

    public SimulatorHost Host { get; }
    public BinanceRestClient Client { get; }

    public static async Task<SimHarness> StartAsync(SimTape? tape = null, Func<SimulatorOptions, SimulatorOptions>? configure = null,
        TimeProvider? clientTime = null, BinanceCredentials? credentials = null, Func<BinanceRestOptions, BinanceRestOptions>? client = null)
    {
        var options = new SimulatorOptions
        {
            Frames = (tape ?? new SimTape().Trades(100m)).Frames,
            Start = PlaybackStart.Manual,
            Speed = double.PositiveInfinity,
            ApiKey = Key,
            ApiSecret = Secret,
            Fees = new FeeSchedule(MakerBps: 2m, TakerBps: 5m),
            Symbols = new Dictionary<string, SymbolSpec>
            {
                ["BTCUSDT"] = new() { TickSize = 0.1m, StepSize = 0.001m, MinQty = 0.001m, MinNotional = 5m, MinPrice = 0.1m },
            },
        };
        if (configure is not null) options = configure(options);
        var host = await SimulatorHost.StartAsync(options);
        var restOptions = BinanceRestOptions.ForSingleOrigin(host.BaseUrl);
        if (client is not null) restOptions = client(restOptions);
        var rest = new BinanceRestClient(restOptions, credentials ?? new BinanceCredentials(Key, Secret), time: clientTime);
        return new SimHarness(host, rest);
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await Host.DisposeAsync();
    }
}
