using Arbitrage.Core.MarketData;

namespace Arbitrage.Binance.Tapes;

/// <summary>A trade with the symbol it belongs to, as read from a tape.</summary>
public readonly record struct SymbolTrade(string Symbol, Trade Trade);

/// <summary>Receives trades in batches of one symbol, in file order. The span is only valid during the call.</summary>
public interface ITradeBatchSink
{
    void OnBatch(string symbol, ReadOnlySpan<Trade> trades);
}
