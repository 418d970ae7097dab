namespace Arbitrage.Engine.Serialization;

/// <summary>
/// A message that may cross nodes: asks and replies to singletons and shards, pub-sub payloads. Bound in
/// hocon/akka.conf to <see cref="WireMessageSerializer"/>; every implementing type carries a
/// <see cref="ManifestAttribute"/> (<c>risk-status.v1</c>), so nodes of different builds agree on names, never
/// on CLR type names. Messages that never leave their node implement Akka's
/// <c>INoSerializationVerificationNeeded</c> instead; anything of ours with neither is refused on the wire by
/// <see cref="FallbackGuardSerializer"/>.
/// </summary>
public interface IWireMessage;
