namespace Arbitrage.Core.Strategies;

/// <summary>
/// Stop-loss and take-profit prices. Doubles, like the ATR and last price they come from; sizing converts
/// them to decimal and rounds them to the symbol's tickSize before anything reaches the exchange.
/// </summary>
public sealed record TpSlLevels(double StopLoss, double TakeProfit1, double TakeProfit2);

public static class TpSl
{
    /// <summary>Long: SL = entry − sl·ATR, TPs = entry + tp·ATR. Short: mirrored.</summary>
    public static TpSlLevels Compute(SignalDirection direction, double entry, double atr, TpSlConfig config)
    {
        if (direction == SignalDirection.None)
            throw new ArgumentException("TP/SL needs a direction", nameof(direction));
        if (!double.IsFinite(entry) || entry <= 0)
            throw new ArgumentOutOfRangeException(nameof(entry), entry, "entry must be a positive price");
        if (!double.IsFinite(atr) || atr <= 0)
            throw new ArgumentOutOfRangeException(nameof(atr), atr, "ATR must be positive");

        var s = direction == SignalDirection.Long ? 1.0 : -1.0;
        return new TpSlLevels(
            entry - s * config.SlAtr * atr,
            entry + s * config.Tp1Atr * atr,
            entry + s * config.Tp2Atr * atr);
    }
}
