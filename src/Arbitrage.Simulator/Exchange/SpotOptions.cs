namespace Arbitrage.Simulator.Exchange;

/// <summary>
/// The simulated spot account (<c>/api/v3</c> trading). Spot has its own balances, fee schedule and lot
/// rules; prices come from the tape (see <see cref="SpotAccount"/> for which).
/// </summary>
public sealed record SpotOptions
{
    /// <summary>Free balances at start, by asset.</summary>
    public IReadOnlyDictionary<string, decimal> InitialBalances { get; init; } = new Dictionary<string, decimal> { ["USDT"] = 10_000m };

    /// <summary>Binance spot's default: 0.1 % maker and taker.</summary>
    public FeeSchedule Fees { get; init; } = new(MakerBps: 10m, TakerBps: 10m);

    /// <summary>Rules of spot symbols not in <see cref="Symbols"/> (Binance BTCUSDT-like: 0.01 tick, 0.00001 step, 5 USDT notional).</summary>
    public SymbolSpec DefaultSymbol { get; init; } = new()
    {
        TickSize = 0.01m, MinPrice = 0.01m, MaxPrice = 1_000_000m, StepSize = 0.00001m, MinQty = 0.00001m, MaxQty = 9_000m, MinNotional = 5m,
    };

    /// <summary>Per-symbol spot rules (upper-case symbol).</summary>
    public IReadOnlyDictionary<string, SymbolSpec> Symbols { get; init; } = new Dictionary<string, SymbolSpec>();

    /// <summary>
    /// Spot symbol → the tape symbol whose trades and book price it, for tapes that carry a spot market
    /// under its own name. A spot symbol not listed here is priced from the same-named tape symbol.
    /// </summary>
    public IReadOnlyDictionary<string, string> PriceSymbols { get; init; } = new Dictionary<string, string>();

    /// <summary>Accepted placements per 10-second interval before -1015 (Binance spot: 50).</summary>
    public int OrderLimitPer10Seconds { get; init; } = 50;

    /// <summary>Accepted placements per UTC day before -1015 (Binance spot: 160 000).</summary>
    public int OrderLimitPerDay { get; init; } = 160_000;

    public SymbolSpec SpecFor(string symbol) => Symbols.TryGetValue(symbol, out var s) ? s : DefaultSymbol;
}
