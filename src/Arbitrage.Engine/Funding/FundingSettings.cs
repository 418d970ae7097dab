namespace Arbitrage.Engine.Funding;

/// <summary>One downsampling tier of <c>funding_snapshots</c>: one row per <paramref name="ResolutionMs"/> bucket, kept for <paramref name="RetentionMs"/> (null = forever).</summary>
public sealed record SnapshotTier(long ResolutionMs, long? RetentionMs);

/// <summary>How a FundingActor stores its snapshots.</summary>
/// <param name="Tiers">Finest first; each resolution a multiple of the previous one.</param>
/// <param name="BatchRows">Write when this many rows are waiting.</param>
/// <param name="FlushInterval">…or when this much wall-clock time passed (live feeds are slow: 1 update/s).</param>
/// <param name="ThinEveryMs">Delete rows past their tier's retention at most this often (event time).</param>
public sealed record FundingSettings(
    IReadOnlyList<SnapshotTier> Tiers,
    int BatchRows = 512,
    TimeSpan? FlushInterval = null,
    long ThinEveryMs = 60_000)
{
    public const long Second = 1000, Minute = 60_000, Hour = 3_600_000, Day = 86_400_000;

    /// <summary>1 s rows for the last hour, 1 min rows for 30 days, 1 h rows forever.</summary>
    public static FundingSettings Default { get; } = new(
    [
        new SnapshotTier(Second, Hour),
        new SnapshotTier(Minute, 30 * Day),
        new SnapshotTier(Hour, null),
    ], FlushInterval: TimeSpan.FromSeconds(5));

    /// <summary>Null when usable, else what is wrong (a message naming the setting).</summary>
    public string? Validate()
    {
        if (Tiers.Count == 0) return "Funding:Tiers must hold at least one tier";
        for (var i = 0; i < Tiers.Count; i++)
        {
            var t = Tiers[i];
            if (t.ResolutionMs <= 0) return $"Funding:Tiers[{i}].ResolutionMs must be > 0 (got {t.ResolutionMs})";
            if (t.RetentionMs is <= 0) return $"Funding:Tiers[{i}].RetentionMs must be > 0 when set (got {t.RetentionMs})";
            if (i > 0 && t.ResolutionMs % Tiers[i - 1].ResolutionMs != 0)
                return $"Funding:Tiers[{i}].ResolutionMs ({t.ResolutionMs}) must be a multiple of the previous tier's ({Tiers[i - 1].ResolutionMs})";
        }

        if (BatchRows < 1) return $"Funding:BatchRows must be ≥ 1 (got {BatchRows})";
        return null;
    }
}
