using Arbitrage.Engine.Serialization;

namespace Arbitrage.Engine.Topics;

/// <summary>
/// A connection the engine depends on went down or came back: one symbol's market-data feed (<see cref="Feed"/>, published
/// by the symbol's actor on <see cref="EngineTopics.Connections"/>) or the exchange account's connection
/// (<see cref="Exchange"/>, the gateway's user-data stream, published by the risk guard on its topic). Only transitions are
/// published: an outage once, its recovery once; a feed's first connection at start is not news.
/// </summary>
/// <param name="LastEventMs">Event time of the last trade the symbol had seen (feeds), or the guard's event time (exchange); null before any.</param>
[Manifest("connection-changed.v1")]
public sealed record ConnectionChanged(string Connection, string? Symbol, bool Up, string Detail, long? LastEventMs) : IWireMessage
{
    public const string Feed = "feed";
    public const string Exchange = "exchange";
}
