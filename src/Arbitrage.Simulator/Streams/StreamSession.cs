using System.Net.WebSockets;
using System.Threading.Channels;

namespace Arbitrage.Simulator.Streams;

/// <summary>One WebSocket client: its subscriptions and its outgoing queue (written under the simulator lock, drained by one sender).</summary>
public sealed class StreamSession(WebSocket socket, bool combined, string? listenKey)
{
    private readonly Channel<string> _out = Channel.CreateUnbounded<string>(new UnboundedChannelOptions { SingleReader = true });

    /// <summary>Canonical key → the names the client used for it (the label of combined frames).</summary>
    internal Dictionary<string, List<string>> ByKey { get; } = [];

    /// <summary>Subscriptions in the order made (LIST_SUBSCRIPTIONS).</summary>
    internal List<string> Names { get; } = [];

    public WebSocket Socket { get; } = socket;

    /// <summary>Combined endpoint (<c>/stream</c>) or a combined property set: frames are wrapped in <c>{"stream","data"}</c>.</summary>
    public bool Combined { get; set; } = combined;

    /// <summary>The user-data key this connection listens to, if any.</summary>
    public string? ListenKey { get; set; } = listenKey;

    /// <summary>The user-data event types (<c>e</c>) this connection asked for with <c>events=</c>; null = every event.</summary>
    public IReadOnlySet<string>? Events { get; init; }

    internal ChannelReader<string> Outgoing => _out.Reader;

    internal void Enqueue(string text) => _out.Writer.TryWrite(text);

    internal void Complete() => _out.Writer.TryComplete();

    internal void Send(string name, string payload) =>
        Enqueue(Combined ? "{\"stream\":\"" + name + "\",\"data\":" + payload + "}" : payload);

    /// <summary>Cuts the connection without a close handshake, like a network failure.</summary>
    public void Abort()
    {
        Socket.Abort();
        Complete();
    }
}
