using System.Globalization;

namespace Arbitrage.Core.Triangles;

/// <summary>
/// The numbers a <see cref="TriangleDetector"/> runs on: the taker fee of every leg, the episode threshold on the net
/// return, how old a book may be before its cycles stop being evaluated, and how many levels per side are copied from
/// a live <see cref="Books.LocalOrderBook"/> (tape books are taken whole).
/// </summary>
public sealed record TriangleDetectorSettings
{
    public TriangleDetectorSettings(double takerFee, double minNetReturn, long stalenessMs = TriangleConfig.DefaultStalenessMs, int maxLevels = DefaultMaxLevels)
    {
        if (!(takerFee >= 0 && takerFee < 1))
        {
            throw new ArgumentOutOfRangeException(nameof(takerFee), takerFee, "a taker fee is a fraction in [0, 1)");
        }

        if (!(minNetReturn > -1) || double.IsInfinity(minNetReturn))
        {
            throw new ArgumentOutOfRangeException(nameof(minNetReturn), minNetReturn, "min_net_return must be a finite number > -1");
        }

        ArgumentOutOfRangeException.ThrowIfLessThan(stalenessMs, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxLevels, 1);
        TakerFee = takerFee;
        MinNetReturn = minNetReturn;
        StalenessMs = stalenessMs;
        MaxLevels = maxLevels;
    }

    /// <summary>Levels per side copied from a live local book by default: far more than a detection notional walks.</summary>
    public const int DefaultMaxLevels = 200;

    public double TakerFee { get; }

    public double MinNetReturn { get; }

    /// <summary>A book last updated more than this many ms before an evaluation is stale.</summary>
    public long StalenessMs { get; }

    public int MaxLevels { get; }

    /// <summary>
    /// The settings of <paramref name="config"/>; <paramref name="accountTakerFee"/> is required when the config says
    /// <c>"taker_fee": "account"</c> (the live account's commission rate) and ignored otherwise.
    /// </summary>
    public static TriangleDetectorSettings For(TriangleConfig config, double? accountTakerFee = null)
    {
        ArgumentNullException.ThrowIfNull(config);
        double fee = config.TakerFee is { } f
            ? ToDouble(f)
            : accountTakerFee ?? throw new ArgumentException($"triangle config {config.Id} takes its taker fee from the account: pass the account's rate", nameof(accountTakerFee));
        return new TriangleDetectorSettings(fee, ToDouble(config.MinNetReturn), config.StalenessMs);
    }

    /// <summary>
    /// The double nearest to a config's decimal, as a JSON reader parsing the file's text would get it (through the
    /// shortest decimal text, not decimal's own conversion), so thresholds compare exactly as an independent checker's.
    /// </summary>
    public static double ToDouble(decimal value) =>
        double.Parse(value.ToString(CultureInfo.InvariantCulture), NumberStyles.Float, CultureInfo.InvariantCulture);
}
