using Arbitrage.Binance.Tapes;

namespace Arbitrage.Simulator;

/// <summary>When the tape starts playing.</summary>
public enum PlaybackStart
{
    /// <summary>As soon as the host is up.</summary>
    Immediately,
    /// <summary>When the first WebSocket client subscribes to a market stream (deterministic tests).</summary>
    OnFirstSubscriber,
    /// <summary>Only through <see cref="Control.SimulatorControl"/> (Step, PlayToEnd, Play).</summary>
    Manual,
}

/// <summary>Trading rules the simulator publishes in exchangeInfo and enforces on orders.</summary>
public sealed record SymbolSpec
{
    public decimal TickSize { get; init; } = 0.1m;
    public decimal MinPrice { get; init; } = 0.1m;
    public decimal MaxPrice { get; init; } = 1_000_000m;
    public decimal StepSize { get; init; } = 0.001m;
    public decimal MinQty { get; init; } = 0.001m;
    public decimal MaxQty { get; init; } = 1_000m;
    public decimal MinNotional { get; init; } = 5m;

    /// <summary>exchangeInfo <c>status</c> (spot: TRADING, BREAK, HALT, ...; a test can list a pair that does not trade).</summary>
    public string Status { get; init; } = "TRADING";

    /// <summary>Base asset; null = split from the symbol by its quote suffix (USDT, USDC, FDUSD, BUSD, BTC, ETH, BNB, USD).</summary>
    public string? BaseAsset { get; init; }

    /// <summary>Quote asset; null = split from the symbol.</summary>
    public string? QuoteAsset { get; init; }
}

/// <summary>Fees in basis points of notional.</summary>
public sealed record FeeSchedule(decimal MakerBps = 2m, decimal TakerBps = 5m)
{
    public decimal MakerRate => MakerBps / 10_000m;
    public decimal TakerRate => TakerBps / 10_000m;
}

/// <summary>What <c>/sapi/v1/account/apiRestrictions</c> reports for the simulator's key.</summary>
public sealed record SimApiRestrictions(bool EnableWithdrawals = false, bool EnableFutures = true, bool EnableReading = true,
    bool IpRestrict = false, bool EnableSpotAndMarginTrading = false);

/// <summary>Configuration of a <see cref="SimulatorHost"/>.</summary>
public sealed record SimulatorOptions
{
    /// <summary>Tape files (any format <see cref="TapeReader"/> reads); played merged by event time.</summary>
    public IReadOnlyList<string> Tapes { get; init; } = [];

    /// <summary>
    /// Recorded <c>/futures/data/*</c> statistics per symbol (e.g. <see cref="FuturesMetricsCsv"/> of the 5-minute metrics
    /// CSV), served by those endpoints instead of placeholders.
    /// </summary>
    public IReadOnlyDictionary<string, IReadOnlyList<FuturesMetricPoint>> Metrics { get; init; } =
        new Dictionary<string, IReadOnlyList<FuturesMetricPoint>>(StringComparer.Ordinal);

    /// <summary>Frames given in memory instead of (or besides) files.</summary>
    public IReadOnlyList<TapeFrame> Frames { get; init; } = [];

    /// <summary>Playback speed: 1 = real time, N = N× faster, <see cref="double.PositiveInfinity"/> = as fast as possible.</summary>
    public double Speed { get; init; } = 1;

    public PlaybackStart Start { get; init; } = PlaybackStart.Immediately;

    /// <summary>TCP port on <see cref="Host"/>; 0 picks a free one.</summary>
    public int Port { get; init; }

    /// <summary>
    /// The address it listens on: loopback by default; <c>0.0.0.0</c> only in a container, where the nodes reach it
    /// by service name (deploy/compose.yaml). <see cref="SimulatorHost.BaseUrl"/> stays <c>http://127.0.0.1:PORT</c>.
    /// </summary>
    public System.Net.IPAddress Host { get; init; } = System.Net.IPAddress.Loopback;

    public string ApiKey { get; init; } = "simkey0000000000000000000000000000000000000000000000000000000001";
    public string ApiSecret { get; init; } = "simsecret000000000000000000000000000000000000000000000000000001";

    public FeeSchedule Fees { get; init; } = new();

    /// <summary>Wallet balances at start, by asset.</summary>
    public IReadOnlyDictionary<string, decimal> InitialBalances { get; init; } = new Dictionary<string, decimal> { ["USDT"] = 10_000m };

    public int DefaultLeverage { get; init; } = 20;

    /// <summary>Rules for symbols not in <see cref="Symbols"/>.</summary>
    public SymbolSpec DefaultSymbol { get; init; } = new();

    /// <summary>Per-symbol rules (upper-case symbol).</summary>
    public IReadOnlyDictionary<string, SymbolSpec> Symbols { get; init; } = new Dictionary<string, SymbolSpec>();

    /// <summary>Funding rate reported by premiumIndex when the tape has no markPrice frames.</summary>
    public decimal DefaultFundingRate { get; init; } = 0.0001m;

    /// <summary>Settled funding history served by <c>/fapi/v1/fundingRate</c> besides what the tape shows.</summary>
    public IReadOnlyList<SimFundingRate> FundingHistory { get; init; } = [];

    public SimApiRestrictions ApiRestrictions { get; init; } = new();

    /// <summary>The spot account served under <c>/api/v3</c> (balances, fees, lot rules, price sources).</summary>
    public Exchange.SpotOptions Spot { get; init; } = new();

    /// <summary>Request weight per minute before the simulator answers 429 (Binance USD-M: 2400).</summary>
    public int WeightLimitPerMinute { get; init; } = 2400;

    /// <summary>Lifetime of a listenKey without keep-alive.</summary>
    public TimeSpan ListenKeyValidity { get; init; } = TimeSpan.FromMinutes(60);

    /// <summary>Wall clock for server time, auth windows, listenKey expiry and ×N pacing.</summary>
    public TimeProvider Time { get; init; } = TimeProvider.System;

    public SymbolSpec SpecFor(string symbol) => Symbols.TryGetValue(symbol, out var s) ? s : DefaultSymbol;
}

public sealed record SimFundingRate(string Symbol, decimal Rate, long FundingTimeMs, decimal MarkPrice);
