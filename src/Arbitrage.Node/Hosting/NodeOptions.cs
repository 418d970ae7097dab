using Arbitrage.Engine.Persistence;

namespace Arbitrage.Node.Hosting;

/// <summary>
/// The node's configuration, bound from appsettings.json, <c>ARB__Section__Key</c> environment variables
/// and command-line switches (highest priority last).
/// </summary>
public sealed record NodeOptions
{
    public HttpOptions Http { get; init; } = new();

    public StorageOptions Storage { get; init; } = new();

    public ClusterNodeOptions Cluster { get; init; } = new();

    public PathsOptions Paths { get; init; } = new();

    public ExchangeOptions Exchange { get; init; } = new();

    public RecordingOptions Recording { get; init; } = new();

    public PaperOptions Paper { get; init; } = new();

    public ExecutionOptions Execution { get; init; } = new();

    public TrianglesOptions Triangles { get; init; } = new();

    public Alerts.AlertsOptions Alerts { get; init; } = new();
}

/// <summary><c>Triangles</c>: the live triangle detectors (configs in <c>strategies/triangles/</c>).</summary>
public sealed record TrianglesOptions
{
    /// <summary>
    /// The taker fee (fraction per leg) that replaces <c>"taker_fee": "account"</c> in paper mode and against the
    /// simulator's paper account; live mode reads the spot account's <c>commissionRates.taker</c> instead. Default 0.001
    /// (Binance spot's base rate, 0.1 %, without BNB discount).
    /// </summary>
    public decimal PaperTakerFee { get; init; } = 0.001m;

    /// <summary>How often the node re-sends each venue's configs to its detector (a moved or restarted entity gets them back).</summary>
    public int ResendSeconds { get; init; } = 5;

    /// <summary>New cycle attempts stop once the UTC day's realised triangle PnL of a venue is ≤ −this many USD; 0 = no limit.</summary>
    public decimal DailyLossUsd { get; init; } = 50m;

    /// <summary>The most USD notional of attempts in flight on one venue, the new one included; 0 = no cap.</summary>
    public decimal MaxVenueNotionalUsd { get; init; } = 1000m;

    /// <summary>The most attempts in flight at once on one venue (a cycle's legs run in sequence; 1 = one cycle at a time).</summary>
    public int MaxCyclesInFlight { get; init; } = 1;

    /// <summary>The limits every venue's attempts run under.</summary>
    public Core.Triangles.Execution.TriangleRiskLimits Limits => new(DailyLossUsd, MaxVenueNotionalUsd, MaxCyclesInFlight, 0);

    /// <summary>The first invalid key as one line, else null.</summary>
    public string? Validate() =>
        PaperTakerFee is < 0m or >= 0.1m ? $"Triangles:PaperTakerFee must be in [0, 0.1), not {PaperTakerFee.ToString(System.Globalization.CultureInfo.InvariantCulture)}"
        : ResendSeconds is < 1 or > 3600 ? $"Triangles:ResendSeconds must be 1..3600, not {ResendSeconds}"
        : DailyLossUsd < 0m ? $"Triangles:DailyLossUsd must be ≥ 0 (0 = no limit), not {DailyLossUsd.ToString(System.Globalization.CultureInfo.InvariantCulture)}"
        : MaxVenueNotionalUsd < 0m ? $"Triangles:MaxVenueNotionalUsd must be ≥ 0 (0 = no cap), not {MaxVenueNotionalUsd.ToString(System.Globalization.CultureInfo.InvariantCulture)}"
        : MaxCyclesInFlight is < 1 or > 100 ? $"Triangles:MaxCyclesInFlight must be 1..100, not {MaxCyclesInFlight}"
        : null;
}

/// <summary>
/// <c>Execution</c>: the account settings live mode sets on every traded symbol at start and verifies
/// (positionRisk) before any signal is accepted: leverage and margin type, with per-symbol overrides
/// (<c>Execution:Symbols:BTCUSDT:Leverage</c>). The position mode is always one-way.
/// </summary>
public sealed record ExecutionOptions
{
    public int Leverage { get; init; } = Engine.Execution.Live.AccountSettings.DefaultLeverage;

    /// <summary><c>ISOLATED</c> (default) or <c>CROSSED</c>.</summary>
    public string MarginType { get; init; } = "ISOLATED";

    public Dictionary<string, SymbolExecutionOptions> Symbols { get; init; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>The account settings for <paramref name="symbols"/>, or the first invalid key.</summary>
    public (Engine.Execution.Live.AccountSettings? Settings, string? Error) ToAccountSettings(IReadOnlyList<string> symbols)
    {
        static Binance.Rest.Models.MarginType? Parse(string? v) => v?.ToUpperInvariant() switch
        {
            "ISOLATED" => Binance.Rest.Models.MarginType.Isolated,
            "CROSSED" or "CROSS" => Binance.Rest.Models.MarginType.Crossed,
            _ => null,
        };

        if (Leverage is < 1 or > 125)
        {
            return (null, $"Execution:Leverage must be 1..125, not {Leverage}");
        }

        if (Parse(MarginType) is not { } type)
        {
            return (null, $"Execution:MarginType must be ISOLATED or CROSSED, not '{MarginType}'");
        }

        var leverage = new Dictionary<string, int>(StringComparer.Ordinal);
        var types = new Dictionary<string, Binance.Rest.Models.MarginType>(StringComparer.Ordinal);
        foreach (var (symbol, o) in Symbols)
        {
            var key = symbol.ToUpperInvariant();
            if (o.Leverage is { } l)
            {
                if (l is < 1 or > 125)
                {
                    return (null, $"Execution:Symbols:{symbol}:Leverage must be 1..125, not {l}");
                }

                leverage[key] = l;
            }

            if (o.MarginType is { } m)
            {
                if (Parse(m) is not { } t)
                {
                    return (null, $"Execution:Symbols:{symbol}:MarginType must be ISOLATED or CROSSED, not '{m}'");
                }

                types[key] = t;
            }
        }

        return (new Engine.Execution.Live.AccountSettings(symbols, Leverage, type, leverage, types), null);
    }
}

/// <summary>Per-symbol overrides of <see cref="ExecutionOptions"/>.</summary>
public sealed record SymbolExecutionOptions
{
    public int? Leverage { get; init; }

    public string? MarginType { get; init; }
}

/// <summary><c>Paper</c>: the simulated account signals trade against (default mode).</summary>
public sealed record PaperOptions
{
    public decimal StartingBalanceUsd { get; init; } = 1_000m;

    /// <summary>Taker fee as a fraction (0.0004 = 4 bps, Binance USD-M VIP 0 with BNB off).</summary>
    public decimal TakerFeeRate { get; init; } = 0.0004m;

    /// <summary>Fills move this many basis points against the taker.</summary>
    public decimal SlippageBps { get; init; } = 1m;
}

/// <summary><c>Recording</c>: what the node writes of the live market.</summary>
public sealed record RecordingOptions
{
    /// <summary>Append the raw market frames of the traded symbols to this JSONL tape; null = off.</summary>
    public string? Tape { get; init; }

    /// <summary>
    /// Record the strategies' market inputs: every mark price, liquidation, 5-minute statistic and settled funding in the
    /// <c>market_inputs</c> table, and Binance's statistics + funding fetched every <see cref="InputsIntervalSeconds"/>
    /// into input tapes in this directory (what <c>arbctl backfill</c> writes); null = off.
    /// </summary>
    public string? Inputs { get; init; }

    /// <summary>Seconds between two fetches of the statistics (they are 5-minute series).</summary>
    public int InputsIntervalSeconds { get; init; } = 300;
}

/// <summary><c>Http</c>: where the bridge listens. Loopback unless deliberately changed.</summary>
public sealed record HttpOptions
{
    public string Urls { get; init; } = "http://127.0.0.1:5080";

    /// <summary>Origins allowed by CORS (a browser dashboard elsewhere); none by default.</summary>
    public string[] CorsOrigins { get; init; } = [];
}

/// <summary><c>Cluster</c>: Akka.Remote endpoint and seeds; no seeds = a one-member cluster that joins itself.</summary>
public sealed record ClusterNodeOptions
{
    /// <summary>
    /// The role of nodes that run the engine: the symbol shards and the singletons (risk guard, strategies, funding,
    /// audit, projections). A node without it serves the HTTP bridge only, reaching the engine through proxies.
    /// </summary>
    public const string EngineRole = "engine";

    public string Hostname { get; init; } = "127.0.0.1";

    /// <summary>0 = any free port (fine for a single node; a multi-node deployment fixes it).</summary>
    public int Port { get; init; }

    public string[] Seeds { get; init; } = [];

    public string[] Roles { get; init; } = ["engine"];
}

/// <summary><c>Paths</c>: files the node reads or writes.</summary>
public sealed record PathsOptions
{
    /// <summary>The hocon/ directory; default ./hocon, else the copy beside the binaries.</summary>
    public string? Hocon { get; init; }

    public string Strategies { get; init; } = "strategies";

    public string Logs { get; init; } = "logs";

    /// <summary>
    /// Backtest reports the dashboard lists (<c>GET /api/reports</c>): one folder per report, as <c>arbctl backtest --out</c>
    /// writes it. Relative to the working directory, like the other paths; read on every request, never written by the node.
    /// </summary>
    public string Reports { get; init; } = "reports";
}

/// <summary><c>Exchange</c>: where market data and orders go.</summary>
public sealed record ExchangeOptions
{
    /// <summary><c>binance</c> (public USD-M streams, paper trading) or <c>sim</c> (in-process simulator over tapes).</summary>
    public string Kind { get; init; } = "binance";

    public string[] Tapes { get; init; } = [];

    /// <summary>Replay speed for <c>sim</c>: a factor (1, 10, ...) or <c>max</c>.</summary>
    public string Speed { get; init; } = "1";

    public string[] Symbols { get; init; } = ["BTCUSDT", "ETHUSDT"];

    /// <summary>USD-M REST base URL override (testnet, a proxy); default Binance production.</summary>
    public string? RestUrl { get; init; }

    /// <summary>Spot REST base URL override (the API-key restrictions are read there); default Binance production.</summary>
    public string? SpotRestUrl { get; init; }

    /// <summary>WebSocket base URL override; the 2026 split paths /public, /market, /private are appended.</summary>
    public string? WsUrl { get; init; }

    /// <summary>
    /// Spot market-data WebSocket base override (the triangle detectors' books: <c>{base}/stream?streams=</c>); default
    /// Binance production <c>wss://stream.binance.com:9443</c>. In sim mode it is the simulator's origin.
    /// </summary>
    public string? SpotWsUrl { get; init; }

    /// <summary><c>paper</c> (default: the paper account) or <c>live</c> (real orders through the Binance API).</summary>
    public string Mode { get; init; } = "paper";

    /// <summary>Live mode only; from the environment or user secrets, never from a file in the repository.</summary>
    public string? ApiKey { get; init; }

    /// <summary>Live mode only; from the environment or user secrets.</summary>
    public string? ApiSecret { get; init; }

    /// <summary>Must be true to trade live against Binance production URLs.</summary>
    public bool ConfirmProduction { get; init; }
}
