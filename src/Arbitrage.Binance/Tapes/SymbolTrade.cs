using Arbitrage.Core.MarketData;

namespace Arbitrage.Binance.Tapes;

/// <summary>A trade with the symbol it belongs to, as read from a tape.</summary>
public readonly record struct SymbolTrade(string Symbol, Trade Trade);

/// <summary>Receives trades in batches of one symbol, in file order. The span is only valid during the call.</summary>
public interface ITradeBatchSink
{
    void OnBatch(string symbol, ReadOnlySpan<Trade> trades);
}

/// <summary>
/// Receives trades in batches of one symbol, in file order, in buffers it hands out: the reader parses straight
/// into a buffer from <see cref="Rent"/> and passes it on with <see cref="OnBatch"/> (ownership moves to the sink),
/// so a consumer that keeps batches (e.g. sends them to actors) does not copy them. A rented buffer the reader
/// did not fill goes back through <see cref="Return"/>.
/// </summary>
public interface ITradeBufferSink
{
    /// <summary>A buffer of at least <paramref name="minimumLength"/> trades.</summary>
    Trade[] Rent(int minimumLength);

    void OnBatch(string symbol, Trade[] buffer, int count);

    void Return(Trade[] buffer);
}
