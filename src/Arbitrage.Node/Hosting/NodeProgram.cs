using System.Diagnostics;
using Akka.Actor;
using Akka.Cluster.Hosting;
using Akka.Hosting;
using Akka.Remote.Hosting;
using Arbitrage.Binance.Streams;
using Arbitrage.Engine.Feeds;
using Arbitrage.Engine.Recording;
using Arbitrage.Node.Alerts;
using Arbitrage.Node.Api;
using Arbitrage.Node.Api.Diagnostics;
using Arbitrage.Node.Api.Errors;
using Arbitrage.Node.Api.Funding;
using Arbitrage.Node.Api.Live;
using Arbitrage.Node.Api.Metrics;
using Arbitrage.Node.Api.Ops;
using Arbitrage.Node.Api.Read;
using Arbitrage.Node.Auth;
using Arbitrage.Node.Dashboard;
using Arbitrage.Node.Triangles;
using Serilog;
using Serilog.Events;
using Serilog.Formatting.Compact;

namespace Arbitrage.Node.Hosting;

/// <summary>Builds and runs the node: validate everything, then start Akka and the HTTP bridge.</summary>
public static class NodeProgram
{
    public static async Task<int> RunAsync(string[] args, CancellationToken ct = default)
    {
        var switches = NodeCommandLine.Parse(args, out var argError);
        if (argError is not null)
        {
            await Console.Error.WriteLineAsync($"arbitrage-node: {argError}").ConfigureAwait(false);
            return StartupError.InvalidConfiguration;
        }

        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = [], ContentRootPath = Directory.GetCurrentDirectory() });
        builder.Configuration.Sources.Clear();
        builder.Configuration.AddNodeSources(switches, Directory.GetCurrentDirectory());

        NodeOptions options;
        try
        {
            options = NodeConfiguration.Bind(builder.Configuration);
        }
        catch (InvalidOperationException e)
        {
            await Console.Error.WriteLineAsync($"arbitrage-node: configuration: {e.Message}").ConfigureAwait(false);
            return StartupError.InvalidConfiguration;
        }

        if (Alerts.AlertsConfiguration.SecretInFile(builder.Configuration) is { } secretError)
        {
            await Console.Error.WriteLineAsync($"arbitrage-node: configuration: {secretError}").ConfigureAwait(false);
            return StartupError.InvalidConfiguration;
        }

        var jwtError = Auth.JwtKeyCheck.Validate(builder.Configuration["Auth:JwtKey"], builder.Environment.IsDevelopment(), clustered: options.Cluster.Seeds.Length > 0);
        if (jwtError is not null)
        {
            await Console.Error.WriteLineAsync($"arbitrage-node: {jwtError}").ConfigureAwait(false);
            return StartupError.InvalidConfiguration;
        }

        var (checkedOk, error) = await StartupCheck.RunAsync(options, ct).ConfigureAwait(false);
        if (error is not null)
        {
            foreach (var line in error.Message.Split('\n'))
            {
                await Console.Error.WriteLineAsync($"arbitrage-node: {line}").ConfigureAwait(false);
            }

            return error.ExitCode;
        }

        using var dataLock = checkedOk!.DataLock;
        Log.Logger = CreateLogger(options.Paths.Logs);
        ExchangeConnection? exchange = null;
        try
        {
            using var logs = new Serilog.Extensions.Logging.SerilogLoggerFactory(Log.Logger);
            exchange = await ExchangeConnection.OpenAsync(options.Exchange, ct, logs).ConfigureAwait(false);
            if (options.Exchange.Mode == "live")
            {
                var refusals = await exchange.StartLiveAsync(options.Exchange, ct, options.Execution).ConfigureAwait(false);
                if (refusals.Count > 0)
                {
                    await Console.Error.WriteLineAsync($"arbitrage-node: live mode refused: {string.Join("; ", refusals)}").ConfigureAwait(false);
                    return StartupError.InvalidConfiguration;
                }

                Log.Information("Live gateway: user-data stream connected; orders go to {Exchange}", exchange.Describe());
            }

            var (triangleFee, feeError) = await TriangleAccountFeeAsync(options, exchange, ct).ConfigureAwait(false);
            if (feeError is not null)
            {
                await Console.Error.WriteLineAsync($"arbitrage-node: live mode refused: {feeError}").ConfigureAwait(false);
                return StartupError.InvalidConfiguration;
            }

            if (options.Exchange.Mode == "live")
            {
                var executing = TriangleWiring.ExecutingConfigs(Path.Combine(options.Paths.Strategies, "triangles"), BinanceSpotVenue.Name);
                if (executing.Count > 0)
                {
                    var spotError = await exchange.StartTriangleAccountAsync(ct, w => Log.Warning("Triangles binance-spot: {Warning}", w)).ConfigureAwait(false);
                    if (spotError is not null)
                    {
                        await Console.Error.WriteLineAsync($"arbitrage-node: live mode refused: triangle config(s) {string.Join(", ", executing)} execute on binance-spot, but the spot account could not be prepared: {spotError}").ConfigureAwait(false);
                        return StartupError.InvalidConfiguration;
                    }

                    Log.Information("Triangles binance-spot: attempts of {Configs} trade LIVE on the spot account ({Exchange})", string.Join(", ", executing), exchange.Rest.SpotRestBaseUrl);
                }
            }

            options = options with { Exchange = options.Exchange with { Symbols = [.. exchange.Symbols] } };
            await NodeSchema.EnsureAsync(checkedOk.Database, ct).ConfigureAwait(false);
            var tape = new AggTradeStore(checkedOk.Database);
            var feed = new BinanceSymbolFeedFactory(
                exchange.Streams,
                new StoredThenRestHistory(tape, new RestAggTradeHistory(exchange.PublicClient)),
                exchange.FrameErrors);
            var filters = await exchange.LoadFiltersAsync(ct).ConfigureAwait(false);
            var spotVenue = new BinanceSpotVenue(exchange.PublicClient);
            var startup = checkedOk with
            {
                Feed = feed,
                Tape = tape,
                Streams = exchange.Streams,
                Filters = filters,
                Sentiment = new Engine.Market.BinanceSentimentSource(exchange.PublicClient),
                InputsBackfill = new Binance.Tapes.FuturesInputBackfill(exchange.PublicClient.ExchangeData),
                LiveGateway = exchange.LiveGateway,
                CarryGateway = exchange.LiveCarryGateway,
                TriangleFeeds = new BinanceSpotTriangleFeeds(spotVenue, exchange.PublicClient, exchange.Streams, logs.CreateLogger("Arbitrage.Node.Triangles"), exchange.FrameErrors),
                TriangleVenues = spotVenue,
                TriangleAccountFee = triangleFee,
                TriangleGateways = exchange.TriangleAccount,
            };
            builder.Services.AddSingleton(exchange);
            var app = Build(builder, options, startup);
            await app.StartAsync(ct).ConfigureAwait(false);
            Log.Information("Arbitrage node {Version} listening on {Urls}; storage {Storage}; exchange {Exchange}",
                NodeInfo.Version, string.Join(", ", app.Urls), startup.Database.Describe(), exchange.Describe());
            await app.WaitForShutdownAsync(ct).ConfigureAwait(false);
            return ExitCodeAfterShutdown(app.Services.GetRequiredService<ActorSystem>());
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            Log.Fatal(e, "Node stopped on an unexpected error");
            return 1;
        }
        finally
        {
            if (exchange is not null)
            {
                await exchange.DisposeAsync().ConfigureAwait(false);
            }

            await Log.CloseAndFlushAsync().ConfigureAwait(false);
        }
    }

    internal static WebApplication Build(WebApplicationBuilder builder, NodeOptions options, StartupCheck.Result startup)
    {
        builder.WebHost.UseUrls(options.Http.Urls);
        builder.WebHost.ConfigureKestrel(k => k.Limits.MaxRequestBodySize = 64 * 1024);
        builder.Services.AddSerilog();
        builder.Services.AddArbitrageProblemDetails();
        builder.Services.AddSingleton(options);
        builder.Services.AddSingleton(new ConfiguredSymbols(options.Exchange.Symbols));
        builder.Services.AddSingleton(startup.Database);
        builder.Services.AddSingleton(new NodeInfo(startup.Database, Stopwatch.StartNew()));
        builder.Services.AddArbitrageAuth(builder.Configuration, startup.Database);
        builder.Services.AddDashboard();
        builder.Services.AddSingleton<IRiskOps>(sp => new ActorRiskOps(sp.GetRequiredService<IRequiredActor<Engine.Hosting.RiskGuard>>(), OpsEndpoints.DefaultAskTimeout));
        builder.Services.AddArbitrageOps();
        builder.Services.AddFundingReadModel(startup.Database);
        builder.Services.AddHostedService<FundingBackfillService>();
        builder.Services.AddCors(cors => cors.AddDefaultPolicy(policy =>
        {
            // Only the configured origins; with none configured no cross-origin request is allowed.
            if (options.Http.CorsOrigins.Length > 0)
            {
                policy.WithOrigins(options.Http.CorsOrigins).AllowAnyHeader().WithMethods("GET", "POST", "PUT", "DELETE");
            }
        }));
        builder.Services.AddArbitrageMetrics();
        builder.Services.AddDiagnostics();
        builder.Services.AddOpenApi();

        builder.Services.AddAkka("arbitrage", (akka, _) =>
        {
            akka.AddHocon(startup.AkkaConfig, HoconAddMode.Append);
            akka.AddSetup(Engine.Persistence.PersistenceSetup.For(startup.Database));
            akka.ConfigureLoggers(l =>
            {
                l.ClearLoggers();
                l.AddLoggerFactory();
            });
            akka.WithRemoting(options.Cluster.Hostname, options.Cluster.Port);
            akka.WithClustering(new ClusterOptions
            {
                Roles = options.Cluster.Roles,
                SeedNodes = options.Cluster.Seeds,
            });
            akka.WithDiagnostics();
            akka.WithSingletonWatch();
            akka.WithArbitrageMetrics();
            akka.WithActors((system, _) =>
            {
                if (options.Cluster.Seeds.Length == 0)
                {
                    // A single node is a one-member cluster of the same code: it joins itself.
                    var cluster = Akka.Cluster.Cluster.Get(system);
                    cluster.Join(cluster.SelfAddress);
                }
            });
            akka.WithEngine(options, startup.Feed, startup.Tape, startup.Filters ?? new Dictionary<string, Core.Sizing.SymbolFilters>(), startup.LiveGateway, startup.Sentiment, startup.TriangleFeeds,
                startup.TriangleGateways);
            akka.WithTrading(options, startup.Database, startup.CarryGateway);
            akka.WithTriangles(options, startup);
            akka.WithAlerts(options.Alerts, startup.Database);
            if (options.Recording.Inputs is { } inputsDirectory)
            {
                akka.WithSingleton<InputRecorderSingleton>(
                    "input-recorder",
                    (system, _, _) => Engine.Recording.MarketInputRecorderActor.Props(
                        Akka.Cluster.Tools.PublishSubscribe.DistributedPubSub.Get(system).Mediator,
                        new Engine.Recording.MarketInputStore(startup.Database),
                        startup.InputsBackfill,
                        new Engine.Recording.InputRecordingSettings(inputsDirectory, options.Exchange.Symbols,
                            TimeSpan.FromSeconds(options.Recording.InputsIntervalSeconds), Engine.Recording.InputRecordingSettings.DefaultLookback)),
                    new Akka.Cluster.Hosting.ClusterSingletonOptions { Role = ClusterNodeOptions.EngineRole },
                    createProxyToo: false);
            }
            if (options.Recording.Tape is { } tapePath && startup.Streams is { } streams)
            {
                akka.WithActors((system, registry) =>
                {
                    // Starts once the symbols' own feeds are connected: against the simulator the first
                    // subscriber starts the playback, and that must be the trading feed, not the recorder.
                    system.ActorOf(
                        Props.Create(() => new TapeRecordingStarter(registry.Get<Engine.Hosting.SymbolRegion>(), options.Exchange.Symbols, tapePath, streams)),
                        "tape-recording");
                });
            }
        });

        var app = builder.Build();
        app.MapArbitrageMetrics();
        app.UseArbitrageProblemDetails();
        app.UseCors();
        app.UseAuthentication();
        app.UseAuthorization();
        app.MapDashboard();
        app.MapHealthEndpoints();
        app.MapLiveEndpoints();
        app.MapDiagnosticsEndpoints();
        app.MapOpenApi();
        app.MapAuthEndpoints();
        app.MapReadEndpoints();
        app.MapEngineStateEndpoints();
        app.MapCandleEndpoints(); // the configured symbols' candles (ConfiguredSymbols, as the state reads)
        app.MapOpsEndpoints();
        app.MapFundingEndpoints();
        app.MapReportEndpoints();
        return app;
    }

    /// <summary>
    /// The fee for <c>"taker_fee": "account"</c>: paper mode's <c>Triangles:PaperTakerFee</c>; live, the spot account's
    /// <c>commissionRates.taker</c> when an enabled binance-spot config asks for it (the problem as one line when it
    /// cannot be read), else none.
    /// </summary>
    private static async Task<(double? Fee, string? Error)> TriangleAccountFeeAsync(NodeOptions options, ExchangeConnection exchange, CancellationToken ct)
    {
        if (options.Exchange.Mode != "live")
        {
            return ((double)options.Triangles.PaperTakerFee, null);
        }

        var directory = Path.Combine(options.Paths.Strategies, "triangles");
        var configs = TriangleWiring.AccountFeeConfigs(directory, BinanceSpotVenue.Name);
        if (configs.Count == 0)
        {
            return (null, null);
        }

        var (fee, error) = await exchange.ReadSpotTakerFeeAsync(ct).ConfigureAwait(false);
        if (error is not null)
        {
            return (null, $"triangle config(s) {string.Join(", ", configs)} in {Path.GetFullPath(directory)} use \"taker_fee\": \"account\", but the spot account's commission rate (GET /api/v3/account) could not be read: {error}");
        }

        Log.Information("Triangles: \"account\" taker fee of {Configs} = {Fee} (binance-spot account commissionRates.taker)", string.Join(", ", configs), fee);
        return ((double)fee!.Value, null);
    }

    /// <summary>
    /// 0 after a stop the operator asked for (SIGTERM, Ctrl+C, <c>arbctl cluster leave</c>: coordinated shutdown leaves the
    /// cluster first, so the shards and singletons move before the process exits; Akka logs "Exiting completed"); <see cref="StartupError.DownedByCluster"/>
    /// when the cluster downed this node: its actor system shut itself down (Akka.Hosting then stops the host), and a
    /// supervisor (systemd, compose <c>restart:</c>) must start it again rather than think it finished.
    /// </summary>
    internal static int ExitCodeAfterShutdown(ActorSystem system)
    {
        var reason = CoordinatedShutdown.Get(system).ShutdownReason;
        if (reason is CoordinatedShutdown.ClusterDowningReason)
        {
            Log.Error("This node was downed by the cluster (unreachable for too long, or on the minority side of a partition) and stopped: exit code {Code}; start it again to rejoin as a new member", StartupError.DownedByCluster);
            return StartupError.DownedByCluster;
        }

        // A leave asked for (SIGTERM, arbctl cluster leave) ran coordinated shutdown's cluster phases: Akka logs
        // "Exiting completed" once the shards and singletons were handed over. (The member status read here, after
        // the cluster stopped, is not reliable: it may still say Leaving.)
        Log.Information("Node stopped ({Reason})", reason.GetType().Name);
        return 0;
    }

    private static Serilog.ILogger CreateLogger(string logDirectory) =>
        new LoggerConfiguration()
            .MinimumLevel.Information()
            .MinimumLevel.Override("Microsoft.AspNetCore", LogEventLevel.Warning)
            .MinimumLevel.Override("Microsoft.Hosting", LogEventLevel.Information)
            .Enrich.FromLogContext()
            .Filter.ByExcluding(AkkaLogFilters.IsReplaced)
            .WriteTo.Sink(RecentLogSink.Shared)
            .WriteTo.Console(outputTemplate: "[{Timestamp:HH:mm:ss} {Level:u3}] {SourceContext}: {Message:lj}{NewLine}{Exception}")
            .WriteTo.File(
                new CompactJsonFormatter(),
                Path.Combine(logDirectory, "arbitrage-.clef"),
                rollingInterval: RollingInterval.Day,
                retainedFileCountLimit: 14,
                fileSizeLimitBytes: 100L * 1024 * 1024,
                rollOnFileSizeLimit: true)
            .CreateLogger();
}

/// <summary>Registry key of the market-input recorder singleton (<c>Recording:Inputs</c>).</summary>
public sealed class InputRecorderSingleton;
