using Akka.Actor;

namespace Arbitrage.Engine.Execution;

/// <summary>
/// A gateway whose connection to the exchange can drop (live: the user-data stream). The risk guard watches it
/// and feeds its exchange-disconnect rule (ARCHITECTURE §5) with what it hears; a gateway without it (paper) is
/// always connected.
/// </summary>
public interface IConnectionReportingGateway
{
    /// <summary>Tells <paramref name="watcher"/> the current state at once, then every change, as <see cref="GatewayConnection"/>.</summary>
    void WatchConnection(IActorRef watcher);
}

/// <summary>The gateway's connection to the exchange is up (<paramref name="Connected"/>) or down, now.</summary>
public sealed record GatewayConnection(bool Connected) : INoSerializationVerificationNeeded;
