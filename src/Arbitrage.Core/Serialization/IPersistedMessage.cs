namespace Arbitrage.Core.Serialization;

/// <summary>
/// Marker for everything that reaches the journal or the snapshot store. Bound in hocon/akka.conf to the engine's
/// <c>PersistedMessageSerializer</c>; every implementing type carries a <see cref="ManifestAttribute"/>. Here, beside the
/// domain's events, so Core can declare what it persists without knowing how (no Akka in Core).
/// </summary>
public interface IPersistedMessage;

/// <summary>A journaled event.</summary>
public interface IPersistedEvent : IPersistedMessage;

/// <summary>An actor state stored in the snapshot store.</summary>
public interface IPersistedSnapshot : IPersistedMessage;

/// <summary>
/// An old event version that converts itself to its successor on read. Keep the old type with its old
/// manifest forever; new code only ever sees the upcast value.
/// </summary>
public interface IUpcast
{
    IPersistedMessage Upcast();
}
