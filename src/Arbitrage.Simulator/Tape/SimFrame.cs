namespace Arbitrage.Simulator.Tape;

public enum FrameKind { AggTrade, Trade, DepthUpdate, DepthSnapshot, BookTicker, MarkPrice, Other }

/// <summary>A trade print as the matching engine and <c>/aggTrades</c> need it; the raw strings are echoed back untouched.</summary>
public readonly record struct TradeTick(long Id, decimal Price, decimal Quantity, long FirstId, long LastId, long TimeMs,
    bool IsBuyerMaker, string PriceText, string QuantityText);

/// <summary>
/// One tape frame, classified once at load. <see cref="StreamKey"/> is the canonical stream it feeds
/// (<c>btcusdt@depth</c> for any depth speed, <c>btcusdt@markPrice</c> for any mark-price speed).
/// </summary>
public sealed record SimFrame(FrameKind Kind, string Symbol, string StreamKey, long EventTimeMs, string Json)
{
    public TradeTick Trade { get; init; }
}
