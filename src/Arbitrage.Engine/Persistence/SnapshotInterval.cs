using Akka.Configuration;

namespace Arbitrage.Engine.Persistence;

/// <summary>
/// When a persistent actor saves a snapshot: once <see cref="Every"/> events were journaled since its latest one
/// (<c>arbitrage.persistence.snapshot-every</c>, default 1000), and after a recovery that replayed as many. Recovery then
/// reads one snapshot and fewer than that many events, however old the journal is. Events are never deleted: the read
/// models are projected from the whole journal (events by tag); older snapshots are (the owner deletes them once a newer
/// one is saved).
/// </summary>
public sealed class SnapshotInterval
{
    public const string ConfigKey = "arbitrage.persistence.snapshot-every";

    public const int DefaultEvery = 1000;

    public SnapshotInterval(int every)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(every, 1);
        Every = every;
    }

    public int Every { get; }

    /// <summary>Sequence number of the latest snapshot saved or recovered (0: none).</summary>
    public long Last { get; private set; }

    /// <summary>The interval configured for the actor system (the default when the key is absent).</summary>
    public static SnapshotInterval From(Config config) => new(Read(config) ?? DefaultEvery);

    /// <summary>
    /// Null when the key is absent; otherwise its value. <see cref="ConfigurationException"/> for anything but a whole number ≥ 1
    /// (checked at node start by <see cref="AkkaConfig.Build"/>, so a bad value never reaches an actor).
    /// </summary>
    public static int? Read(Config config)
    {
        ArgumentNullException.ThrowIfNull(config);
        if (!config.HasPath(ConfigKey)) return null;
        var text = config.GetString(ConfigKey);
        return int.TryParse(text, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var every) && every >= 1
            ? every
            : throw new ConfigurationException($"{ConfigKey} must be a whole number ≥ 1 (got '{text}')");
    }

    /// <summary>The actor recovered from the snapshot at <paramref name="sequenceNr"/>.</summary>
    public void Recovered(long sequenceNr) => Last = sequenceNr;

    /// <summary>
    /// True when the state after event <paramref name="sequenceNr"/> is to be snapshotted now (the caller saves it); counted as
    /// taken from then on.
    /// </summary>
    public bool Due(long sequenceNr)
    {
        if (sequenceNr - Last < Every) return false;
        Last = sequenceNr;
        return true;
    }
}
