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

    /// <summary>WebSocket base URL override; the 2026 split paths /public, /market, /private are appended.</summary>
    public string? WsUrl { get; init; }

    /// <summary><c>paper</c> (default: the paper account) or <c>live</c> (real orders through the Binance API).</summary>
    public string Mode { get; init; } = "paper";

    /// <summary>Live mode only; from the environment or user secrets, never from a file in the repository.</summary>
    public string? ApiKey { get; init; }

    /// <summary>Live mode only; from the environment or user secrets.</summary>
    public string? ApiSecret { get; init; }

    /// <summary>Must be true to trade live against Binance production URLs.</summary>
    public bool ConfirmProduction { get; init; }
}
