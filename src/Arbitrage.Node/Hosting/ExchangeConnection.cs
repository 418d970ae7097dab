using System.Globalization;
using Arbitrage.Binance.Protocol;
using Arbitrage.Binance.Rest;
using Arbitrage.Binance.Streams;
using Arbitrage.Simulator;
using Microsoft.Extensions.Logging.Abstractions;

namespace Arbitrage.Node.Hosting;

/// <summary>
/// Where the node's market data (and later orders) come from: Binance's public USD-M endpoints, or an
/// in-process <see cref="SimulatorHost"/> playing tapes over the very same WebSocket/REST protocol
/// (only the base URLs differ), which is the offline demo.
/// </summary>
public sealed class ExchangeConnection : IAsyncDisposable
{
    private ExchangeConnection(BinanceRestOptions rest, SimulatorHost? simulator, IReadOnlyList<string> symbols, ILoggerFactory? logs)
    {
        Rest = rest;
        Simulator = simulator;
        Symbols = symbols;
        Streams = BinanceStreamOptions.FromRest(rest) with
        {
            Log = (logs ?? NullLoggerFactory.Instance).CreateLogger(typeof(BinanceWebSocketSource).FullName!),
        };
        PublicClient = new BinanceRestClient(rest);
    }

    public BinanceRestOptions Rest { get; }

    public BinanceStreamOptions Streams { get; }

    /// <summary>Unsigned client for market data (no keys needed).</summary>
    public BinanceRestClient PublicClient { get; }

    public SimulatorHost? Simulator { get; }

    /// <summary>The symbols the node trades: from configuration, or the tapes' symbols in sim mode.</summary>
    public IReadOnlyList<string> Symbols { get; }

    public FrameErrorCounter FrameErrors { get; } = new();

    /// <summary>
    /// The exchange's clock, which the event times of its data are compared with (ingest lag): the wall clock for
    /// Binance, the tape's clock for the simulator (at ×50 the wall clock would be months ahead of a recorded tape).
    /// </summary>
    public TimeProvider Clock => Simulator?.Clock ?? TimeProvider.System;

    public string Describe() => Simulator is { } sim ? $"simulator {sim.BaseUrl} ({string.Join(", ", Symbols)})" : $"binance {Rest.UsdmRestBaseUrl}";

    /// <param name="logs">Where the market-data WebSockets log connects, drops and failures (none when null).</param>
    public static async Task<ExchangeConnection> OpenAsync(ExchangeOptions options, CancellationToken ct, ILoggerFactory? logs = null)
    {
        if (options.Kind != "sim")
        {
            var rest = new BinanceRestOptions();
            if (!string.IsNullOrWhiteSpace(options.RestUrl))
            {
                rest = rest with { UsdmRestBaseUrl = new Uri(options.RestUrl) };
            }

            if (!string.IsNullOrWhiteSpace(options.SpotRestUrl))
            {
                rest = rest with { SpotRestBaseUrl = new Uri(options.SpotRestUrl) };
            }

            if (!string.IsNullOrWhiteSpace(options.SpotWsUrl))
            {
                rest = rest with { WsSpotBaseUrl = new Uri(options.SpotWsUrl) };
            }

            if (!string.IsNullOrWhiteSpace(options.WsUrl))
            {
                var ws = options.WsUrl.TrimEnd('/');
                rest = rest with
                {
                    WsPublicBaseUrl = new Uri(ws + "/public"),
                    WsMarketBaseUrl = new Uri(ws + "/market"),
                    WsPrivateBaseUrl = new Uri(ws + "/private"),
                };
            }

            return new ExchangeConnection(rest, null, options.Symbols, logs);
        }

        var speed = string.Equals(options.Speed, "max", StringComparison.OrdinalIgnoreCase)
            ? double.PositiveInfinity
            : double.Parse(options.Speed, CultureInfo.InvariantCulture);
        var simulator = await SimulatorHost.StartAsync(
            new SimulatorOptions
            {
                Tapes = options.Tapes,
                Speed = speed,
                Start = PlaybackStart.OnFirstSubscriber,
                Port = 0,
            },
            ct).ConfigureAwait(false);
        var symbols = simulator.State.Symbols.Order(StringComparer.Ordinal).ToArray();
        return new ExchangeConnection(BinanceRestOptions.ForSingleOrigin(simulator.BaseUrl), simulator, symbols, logs);
    }

    /// <summary>
    /// Filters of the traded symbols from exchangeInfo; empty when the exchange does not answer within a few
    /// seconds (offline): sizing then uses the coarse generic rules and says so.
    /// </summary>
    public async Task<IReadOnlyDictionary<string, Core.Sizing.SymbolFilters>> LoadFiltersAsync(CancellationToken ct)
    {
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(ct);
        cts.CancelAfter(TimeSpan.FromSeconds(5));
        try
        {
            var info = await PublicClient.ExchangeData.GetExchangeInfoAsync(cts.Token).ConfigureAwait(false);
            if (!info.Success)
            {
                return new Dictionary<string, Core.Sizing.SymbolFilters>();
            }

            return info.Data!.Symbols
                .Where(s => Symbols.Contains(s.Symbol))
                .ToDictionary(
                    s => s.Symbol,
                    s => new Core.Sizing.SymbolFilters(s.Symbol, s.TickSize, s.StepSize, s.MinQty, s.MinNotional, s.MarketStepSize, s.MarketMinQty));
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            return new Dictionary<string, Core.Sizing.SymbolFilters>();
        }
    }

    /// <summary>The order gateway in live mode (null in paper mode).</summary>
    public Engine.Execution.Live.LiveGateway? LiveGateway { get; private set; }

    /// <summary>Carry legs in live mode: spot and perp market orders through the same signed client (null in paper mode).</summary>
    public Engine.Funding.Carry.LiveCarryLegGateway? LiveCarryGateway { get; private set; }

    private BinanceRestClient? _signedClient;

    /// <summary>
    /// Live mode: refuses without keys, with a key that can withdraw or cannot trade futures, or against
    /// production URLs without <c>Exchange:ConfirmProduction</c>; then starts the user-data stream.
    /// Returns the refusal reasons (empty when live trading is ready). Against the simulator its own key is used.
    /// </summary>
    /// <param name="account">Leverage and margin type per symbol the executor sets and verifies at start.</param>
    public async Task<IReadOnlyList<string>> StartLiveAsync(ExchangeOptions options, CancellationToken ct, ExecutionOptions? account = null)
    {
        var (accountSettings, accountError) = (account ?? new ExecutionOptions()).ToAccountSettings(Symbols);
        if (accountError is not null)
        {
            return [accountError];
        }

        var key = options.ApiKey;
        var secret = options.ApiSecret;
        if (Simulator is not null && string.IsNullOrWhiteSpace(key))
        {
            (key, secret) = (Simulator.Options.ApiKey, Simulator.Options.ApiSecret);
        }

        Binance.Rest.Models.ApiRestrictions? restrictions = null;
        if (!string.IsNullOrWhiteSpace(key) && !string.IsNullOrWhiteSpace(secret))
        {
            _signedClient = new BinanceRestClient(Rest, new Binance.Signing.BinanceCredentials(key, secret));
            using var cts = CancellationTokenSource.CreateLinkedTokenSource(ct);
            cts.CancelAfter(TimeSpan.FromSeconds(10));
            var r = await _signedClient.Account.GetApiRestrictionsAsync(cts.Token).ConfigureAwait(false);
            restrictions = r.Success ? r.Data : null;
        }

        var errors = Engine.Execution.LiveModeGuard.Check(
            new Engine.Execution.LiveModeOptions(key, secret, Rest.UsdmRestBaseUrl, options.ConfirmProduction), restrictions);
        if (errors is not null)
        {
            return errors;
        }

        var gateway = new Engine.Execution.Live.LiveGateway(_signedClient!, new Engine.Execution.Live.LiveGatewaySettings(Account: accountSettings));
        using (var start = CancellationTokenSource.CreateLinkedTokenSource(ct))
        {
            start.CancelAfter(TimeSpan.FromSeconds(15));
            if (!await gateway.StartAsync(start.Token).ConfigureAwait(false))
            {
                await gateway.DisposeAsync().ConfigureAwait(false);
                return ["the user-data stream did not connect within 15 s"];
            }
        }

        LiveGateway = gateway;
        LiveCarryGateway = new Engine.Funding.Carry.LiveCarryLegGateway(_signedClient!);
        return [];
    }

    /// <summary>Live mode's Binance spot account for triangle attempts (null until <see cref="StartTriangleAccountAsync"/>).</summary>
    public Engine.Triangles.Execution.Live.BinanceSpotTriangleAccount? TriangleAccount { get; private set; }

    /// <summary>
    /// Live mode: the spot account live triangle attempts trade (filters, balances, the spot user-data stream), started;
    /// or why it could not start (one line).
    /// </summary>
    public async Task<string?> StartTriangleAccountAsync(CancellationToken ct, Action<string>? warning = null)
    {
        if (_signedClient is null)
        {
            return "no signed client (live mode has not started)";
        }

        var account = new Engine.Triangles.Execution.Live.BinanceSpotTriangleAccount(_signedClient);
        if (warning is not null)
        {
            account.Warning += warning;
        }

        using var cts = CancellationTokenSource.CreateLinkedTokenSource(ct);
        cts.CancelAfter(TimeSpan.FromSeconds(15));
        var error = await account.StartAsync(cts.Token).ConfigureAwait(false);
        if (error is not null)
        {
            await account.DisposeAsync().ConfigureAwait(false);
            return error;
        }

        TriangleAccount = account;
        return null;
    }

    /// <summary>Live mode: the spot account's taker commission rate (<c>GET /api/v3/account</c>), or why it cannot be read.</summary>
    public async Task<(decimal? Fee, string? Error)> ReadSpotTakerFeeAsync(CancellationToken ct)
    {
        if (_signedClient is null)
        {
            return (null, "no signed client (live mode has not started)");
        }

        using var cts = CancellationTokenSource.CreateLinkedTokenSource(ct);
        cts.CancelAfter(TimeSpan.FromSeconds(10));
        try
        {
            var account = await _signedClient.Spot.GetAccountAsync(cts.Token).ConfigureAwait(false);
            return account.Success ? (account.Data!.CommissionRates.Taker, null) : (null, account.Error!.ToString());
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            return (null, "no answer within 10 s");
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (LiveGateway is not null)
        {
            await LiveGateway.DisposeAsync().ConfigureAwait(false);
        }

        if (TriangleAccount is not null)
        {
            await TriangleAccount.DisposeAsync().ConfigureAwait(false);
        }

        _signedClient?.Dispose();
        PublicClient.Dispose();
        if (Simulator is not null)
        {
            await Simulator.DisposeAsync().ConfigureAwait(false);
        }
    }
}
