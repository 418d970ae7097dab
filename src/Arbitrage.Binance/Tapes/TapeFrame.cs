namespace Arbitrage.Binance.Tapes;

/// <summary>
/// One recorded payload, unwrapped from the combined-stream envelope, for replay.
/// </summary>
/// <param name="ReceiveTimeMs">Local receive time in Unix ms (for CSV tapes: the trade time).</param>
/// <param name="Stream">Combined-stream name ("btcusdt@aggTrade"); null for a REST depth snapshot in a
/// hftbacktest tape; the request URL for REST responses in a cryptofeed http tape.</param>
/// <param name="Json">The raw payload object (the <c>data</c> of the wrapper).</param>
public sealed record TapeFrame(long ReceiveTimeMs, string? Stream, string Json);
