using System.Globalization;
using Arbitrage.Binance.Rest;
using Arbitrage.Binance.Signing;
using Arbitrage.Binance.Tapes;
using Arbitrage.Engine.Execution.Live;
using Arbitrage.Simulator;

namespace Arbitrage.Engine.Tests.Execution.Live;

/// <summary>BTCUSDT aggTrades at chosen prices, one second apart, for the in-process simulator.</summary>
internal sealed class LiveTape
{
    public const string Symbol = "BTCUSDT";
    private readonly List<TapeFrame> _frames = [];
    private long _time = ExecutionTestData.T0;
    private long _id = 7_000;

    public LiveTape Trades(params decimal[] prices)
    {
        foreach (var price in prices)
        {
            _time += 1000;
            _id++;
            var p = price.ToString(CultureInfo.InvariantCulture);
            var json = $$"""{"e":"aggTrade","E":{{_time}},"a":{{_id}},"s":"{{Symbol}}","p":"{{p}}","q":"0.5","f":{{_id * 10}},"l":{{_id * 10 + 1}},"T":{{_time}},"m":false}""";
            _frames.Add(new TapeFrame(_time, Symbol.ToLowerInvariant() + "@aggTrade", json));
        }

        return this;
    }

    public IReadOnlyList<TapeFrame> Frames => _frames;
}

/// <summary>A simulator on 127.0.0.1:0 (manual playback), a REST client on it and a started <see cref="LiveGateway"/>.</summary>
internal sealed class LiveSim : IAsyncDisposable
{
    public const string Key = "liveKey0123456789abcdefABCDEF0123456789abcdefABCDEF0123456789abc";
    public const string Secret = "liveSecret0123456789abcdefABCDEF0123456789abcdefABCDEF012345678";
    public const decimal TakerRate = 0.0005m;

    private LiveSim(SimulatorHost host, BinanceRestClient rest, LiveGateway gateway)
    {
        Host = host;
        Rest = rest;
        Gateway = gateway;
    }

    public SimulatorHost Host { get; }
    public BinanceRestClient Rest { get; }
    public LiveGateway Gateway { get; }

    public static async Task<LiveSim> StartAsync(LiveTape tape, Func<BinanceRestOptions, BinanceRestOptions>? client = null)
    {
        var host = await SimulatorHost.StartAsync(new SimulatorOptions
        {
            Frames = tape.Frames,
            Start = PlaybackStart.Manual,
            Speed = double.PositiveInfinity,
            ApiKey = Key,
            ApiSecret = Secret,
            Fees = new FeeSchedule(MakerBps: 2m, TakerBps: 5m),
            Symbols = new Dictionary<string, SymbolSpec>
            {
                [LiveTape.Symbol] = new() { TickSize = 0.1m, StepSize = 0.001m, MinQty = 0.001m, MinNotional = 5m, MinPrice = 0.1m },
            },
        });
        var options = BinanceRestOptions.ForSingleOrigin(host.BaseUrl);
        if (client is not null) options = client(options);
        var rest = new BinanceRestClient(options, new BinanceCredentials(Key, Secret));
        var gateway = new LiveGateway(rest);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        if (!await gateway.StartAsync(timeout.Token)) throw new TimeoutException("user-data stream did not connect");
        var sim = new LiveSim(host, rest, gateway);
        // The client sees the upgrade a moment before the simulator registers the session: wait for it,
        // or a fill could be pushed to nobody.
        await sim.UntilAsync(() => host.State.Hub.SessionCount == 1, "user-data session registered");
        return sim;
    }

    /// <summary>Polls <paramref name="condition"/> until true or 10 s (then fails naming <paramref name="what"/>).</summary>
    public async Task UntilAsync(Func<bool> condition, string what)
    {
        var deadline = DateTime.UtcNow.AddSeconds(10);
        using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(10));
        while (!condition())
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"timed out waiting for: {what}");
            await timer.WaitForNextTickAsync();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await Gateway.DisposeAsync();
        Rest.Dispose();
        await Host.DisposeAsync();
    }
}
