using Arbitrage.Simulator.Control;
using Arbitrage.Simulator.Exchange;
using Arbitrage.Simulator.Http;
using Arbitrage.Simulator.Streams;
using Arbitrage.Simulator.Tape;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;

namespace Arbitrage.Simulator;

/// <summary>
/// A Binance-protocol exchange on 127.0.0.1: REST (<c>/fapi</c>, <c>/futures/data</c>, <c>/api/v3</c>,
/// <c>/sapi/v1</c>) and WebSockets on one port, playing tapes and filling orders against them.
/// Clients work against it by changing only their base URLs.
/// </summary>
public sealed class SimulatorHost : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly TapePlayer _player;

    private SimulatorHost(WebApplication app, SimulatorState state, SimulatorControl control, TapePlayer player, Uri baseUrl)
    {
        _app = app;
        State = state;
        Control = control;
        _player = player;
        BaseUrl = baseUrl;
    }

    /// <summary><c>http://127.0.0.1:PORT</c> — REST and WS (with ws://) base.</summary>
    public Uri BaseUrl { get; }

    public Uri WebSocketUrl => new($"ws://{BaseUrl.Authority}");

    public SimulatorControl Control { get; }

    /// <summary>The simulated account (orders, fills, positions, wallet) for assertions.</summary>
    public SimExchange Exchange => State.Exchange;

    /// <summary>The simulated spot account for assertions.</summary>
    public SpotAccount Spot => State.Spot;

    public SimulatorState State { get; }

    public SimulatorOptions Options => State.Options;

    /// <summary>The exchange's own clock: the tape's event time (see <see cref="TapeClock"/>).</summary>
    public TimeProvider Clock => field ??= new TapeClock(State);

    public static async Task<SimulatorHost> StartAsync(SimulatorOptions options, CancellationToken ct = default)
    {
        var frames = TapeLoader.Load(options.Tapes, options.Frames);
        var state = new SimulatorState(options, frames);
        var player = new TapePlayer(state, options.Speed);
        var control = new SimulatorControl(state, player);

        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { ContentRootPath = AppContext.BaseDirectory });
        builder.Logging.ClearProviders();
        // Started and stopped by its owner only (StartAsync, DisposeAsync): inside the node, the console lifetime
        // would stop the exchange on Ctrl+C before the node's feeds have closed, and every close would read as a failure.
        builder.Services.AddSingleton<IHostLifetime, OwnerLifetime>();
        builder.WebHost.ConfigureKestrel(k => k.Listen(options.Host, options.Port));
        var app = builder.Build();
        app.UseWebSockets();

        var sockets = new WebSocketEndpoint(state);
        app.Use(async (ctx, next) =>
        {
            if (!await sockets.TryHandleAsync(ctx).ConfigureAwait(false)) await next(ctx).ConfigureAwait(false);
        });

        var pipeline = new RestPipeline(state, control, new RequestAuth(options), new WeightMeter(options.Time));
        new MarketEndpoints(state, pipeline).Map(app);
        new TradingEndpoints(state, pipeline).Map(app);
        new AccountEndpoints(state, pipeline).Map(app);
        new SpotTradingEndpoints(state, pipeline).Map(app);
        ControlEndpoints.Map(app, state, control);

        await app.StartAsync(ct).ConfigureAwait(false);
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        var port = new Uri(address).Port;

        switch (options.Start)
        {
            case PlaybackStart.Immediately:
                player.Play();
                break;
            case PlaybackStart.OnFirstSubscriber:
                // Raised under the state lock: start the loop outside it.
                state.Hub.FirstSubscriber += () => ThreadPool.QueueUserWorkItem(_ => player.Play());
                break;
        }
        return new SimulatorHost(app, state, control, player, new Uri($"http://127.0.0.1:{port}"));
    }

    public async ValueTask DisposeAsync()
    {
        await _player.DisposeAsync().ConfigureAwait(false);
        State.Hub.DropAll();
        await _app.StopAsync().ConfigureAwait(false);
        await _app.DisposeAsync().ConfigureAwait(false);
    }

    private sealed class OwnerLifetime : IHostLifetime
    {
        public Task WaitForStartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
