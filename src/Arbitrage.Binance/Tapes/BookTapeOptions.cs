using Arbitrage.Core.Triangles;

namespace Arbitrage.Binance.Tapes;

/// <summary>How a Binance book tape becomes detector books.</summary>
/// <param name="MaxLevels">Levels per side in each emitted book (best first); the default is the detector's own cap on a live book.</param>
/// <param name="Names">How exchange symbols become <c>BASE/QUOTE</c>; the quote-asset rule unless exchangeInfo is at hand.</param>
/// <param name="Approximation">What to do with pairs whose diffs were not recorded (deep_orderbook); ignored by tapes that have none.</param>
public sealed record BookTapeOptions(
    int MaxLevels = TriangleDetectorSettings.DefaultMaxLevels,
    SpotSymbolNames? Names = null,
    BookApproximation Approximation = BookApproximation.None)
{
    public static BookTapeOptions Default { get; } = new();

    internal SpotSymbolNames SymbolNames => Names ?? SpotSymbolNames.Rule;
}
