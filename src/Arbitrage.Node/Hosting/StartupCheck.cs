using Akka.Configuration;
using Arbitrage.Engine.Persistence;

namespace Arbitrage.Node.Hosting;

/// <summary>A startup problem: what is wrong (naming the file or key; one problem a line) and the exit code it maps to.</summary>
public sealed record StartupError(string Message, int ExitCode)
{
    /// <summary>Bad configuration: a file or key the operator must fix.</summary>
    public const int InvalidConfiguration = 2;

    /// <summary>A dependency (database) does not answer.</summary>
    public const int DependencyUnavailable = 3;

    /// <summary>
    /// The cluster removed this node (the split-brain resolver downed it: it was unreachable, frozen or on the minority
    /// side of a partition, or an operator downed it). It stopped everything it ran; its supervisor should start it again
    /// and it joins as a new member.
    /// </summary>
    public const int DownedByCluster = 4;
}

/// <summary>
/// Everything that must hold before anything starts: HOCON files parse, strategy files validate,
/// the connection string is well-formed, the fixed ports are free, no other node uses the SQLite data
/// directory and the database answers. Runs before the host is built, so
/// a failure leaves no half-started node.
/// </summary>
public static class StartupCheck
{
    public static readonly TimeSpan DatabaseTimeout = TimeSpan.FromSeconds(8);

    public sealed record Result(Database Database, Config AkkaConfig, string HoconDirectory)
    {
        /// <summary>The symbol actors' market-data streams (null: nothing streams, e.g. tests).</summary>
        public Engine.Symbols.ISymbolFeedFactory? Feed { get; init; }

        /// <summary>The <c>agg_trades</c> tape the live feed records to and warms up from.</summary>
        public Engine.Recording.AggTradeStore? Tape { get; init; }

        /// <summary>WebSocket endpoints of the exchange (for the tape recorder).</summary>
        public Binance.Streams.BinanceStreamOptions? Streams { get; init; }

        /// <summary>Exchange filters of the traded symbols (from exchangeInfo when it answered).</summary>
        public IReadOnlyDictionary<string, Core.Sizing.SymbolFilters>? Filters { get; init; }

        /// <summary>Long/short ratio and open interest for the strategies.</summary>
        public Engine.Market.IMarketSentimentSource? Sentiment { get; init; }

        /// <summary>Binance's 5-minute statistics and settled funding (for <c>Recording:Inputs</c>); null without an exchange.</summary>
        public Binance.Tapes.FuturesInputBackfill? InputsBackfill { get; init; }

        /// <summary>Live mode's order gateway; null = the paper account.</summary>
        public Engine.Execution.IExchangeGateway? LiveGateway { get; init; }

        /// <summary>Live mode's carry legs (spot + perp on the exchange); null = paper legs.</summary>
        public Engine.Funding.Carry.ICarryLegGateway? CarryGateway { get; init; }

        /// <summary>Live books for the triangle detectors (null: nothing streams, e.g. tests).</summary>
        public Engine.Triangles.ITriangleFeedFactory? TriangleFeeds { get; init; }

        /// <summary>Live order gateways of the triangle venues (live mode with executing configs); null = attempts trade on paper.</summary>
        public Engine.Triangles.Execution.ITriangleGatewayFactory? TriangleGateways { get; init; }

        /// <summary>Exchange pairs (<c>BASE/QUOTE</c>, trading) of a venue for the triangle configs; null: none known (tests).</summary>
        public Triangles.ITriangleVenuePairs? TriangleVenues { get; init; }

        /// <summary>The fee that replaces <c>"taker_fee": "account"</c> (the account's in live mode, the paper default otherwise); null = unknown.</summary>
        public double? TriangleAccountFee { get; init; }

        /// <summary>SQLite: the lock on the data directory, held until the node exits (null on PostgreSQL).</summary>
        public DataDirectoryLock? DataLock { get; init; }
    }

    public static async Task<(Result? Ok, StartupError? Error)> RunAsync(NodeOptions options, CancellationToken ct = default)
    {
        var hocon = AkkaConfig.FindHoconDirectory(options.Paths.Hocon);
        if (hocon is null || !Directory.Exists(hocon))
        {
            return (null, new StartupError(
                $"Paths:Hocon (ARB__Paths__Hocon): HOCON directory not found ({options.Paths.Hocon ?? "./hocon"}).",
                StartupError.InvalidConfiguration));
        }

        Database database;
        try
        {
            database = Database.From(options.Storage);
        }
        catch (ArgumentException e)
        {
            return (null, new StartupError(e.Message, StartupError.InvalidConfiguration));
        }

        Config config;
        try
        {
            config = Engine.Persistence.AkkaConfig.Build(hocon, database);
        }
        catch (HoconFileException e)
        {
            return (null, new StartupError($"{e.Message}", StartupError.InvalidConfiguration));
        }

        if (ClusterCheck.Validate(options.Cluster, database) is { } clusterError)
        {
            return (null, new StartupError(clusterError, StartupError.InvalidConfiguration));
        }

        var strategyError = StrategyFilesCheck.Validate(options.Paths.Strategies);
        if (strategyError is not null)
        {
            return (null, new StartupError(strategyError, StartupError.InvalidConfiguration));
        }

        if (StrategyFilesCheck.RefuseExamplesLive(options.Paths.Strategies, options.Exchange) is { } example)
        {
            return (null, new StartupError(example, StartupError.InvalidConfiguration));
        }

        if (!Uri.TryCreate(options.Http.Urls.Split(';')[0], UriKind.Absolute, out _))
        {
            return (null, new StartupError($"Http:Urls (ARB__Http__Urls): not a URL: '{options.Http.Urls}'.", StartupError.InvalidConfiguration));
        }

        if (options.Exchange.Kind is not ("binance" or "sim"))
        {
            return (null, new StartupError($"Exchange:Kind (--exchange): must be 'binance' or 'sim', got '{options.Exchange.Kind}'.", StartupError.InvalidConfiguration));
        }

        foreach (var (key, url) in new[] { ("Exchange:RestUrl", options.Exchange.RestUrl), ("Exchange:WsUrl", options.Exchange.WsUrl), ("Exchange:SpotWsUrl", options.Exchange.SpotWsUrl) })
        {
            if (!string.IsNullOrWhiteSpace(url) && !Uri.TryCreate(url, UriKind.Absolute, out _))
            {
                return (null, new StartupError($"{key} (ARB__{key.Replace(":", "__", StringComparison.Ordinal)}): not an absolute URL: '{url}'.", StartupError.InvalidConfiguration));
            }
        }

        if (options.Triangles.Validate() is { } triangles)
        {
            return (null, new StartupError(triangles, StartupError.InvalidConfiguration));
        }

        if (options.Alerts.Validate() is { } alerts)
        {
            return (null, new StartupError(alerts, StartupError.InvalidConfiguration));
        }

        if (options.Exchange.Mode is not ("paper" or "live"))
        {
            return (null, new StartupError($"Exchange:Mode (--mode): must be 'paper' or 'live', got '{options.Exchange.Mode}'.", StartupError.InvalidConfiguration));
        }

        if (options.Exchange.Kind == "sim" && !IsValidSpeed(options.Exchange.Speed))
        {
            return (null, new StartupError($"Exchange:Speed (--speed): a positive factor or 'max', got '{options.Exchange.Speed}'.", StartupError.InvalidConfiguration));
        }

        if (options.Exchange.Kind == "sim")
        {
            if (options.Exchange.Tapes.Length == 0)
            {
                return (null, new StartupError("Exchange:Tapes (--tape): --exchange sim needs at least one --tape FILE.", StartupError.InvalidConfiguration));
            }

            foreach (var tape in options.Exchange.Tapes)
            {
                if (!File.Exists(tape))
                {
                    return (null, new StartupError($"{tape}: tape file not found (--tape).", StartupError.InvalidConfiguration));
                }
            }
        }

        if (PortCheck.FindPortInUse(options) is { } portInUse)
        {
            return (null, new StartupError(portInUse, StartupError.InvalidConfiguration));
        }

        DataDirectoryLock? dataLock = null;
        if (database.Backend == StorageBackend.Sqlite)
        {
            var sqliteFile = new Microsoft.Data.Sqlite.SqliteConnectionStringBuilder(database.ConnectionString).DataSource;
            (dataLock, var lockError) = DataDirectoryLock.TryAcquire(Path.GetDirectoryName(sqliteFile)!);
            if (lockError is not null)
            {
                return (null, new StartupError(lockError, StartupError.InvalidConfiguration));
            }
        }

        try
        {
            await database.PrepareAsync(DatabaseTimeout, ct).ConfigureAwait(false);
        }
        catch (DatabaseUnavailableException e)
        {
            dataLock?.Dispose();
            return (null, new StartupError(e.Message, StartupError.DependencyUnavailable));
        }

        return (new Result(database, config, hocon) { DataLock = dataLock }, null);
    }

    private static bool IsValidSpeed(string speed) =>
        string.Equals(speed, "max", StringComparison.OrdinalIgnoreCase)
        || (double.TryParse(speed, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var factor) && factor > 0);
}
