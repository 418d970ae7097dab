using System.Text.Json;
using System.Text.Json.Serialization;
using System.Threading.Channels;
using Akka.Actor;
using Akka.Cluster.Tools.PublishSubscribe;
using Arbitrage.Engine.Symbols;

namespace Arbitrage.Node.Api.Live;

/// <summary>One Server-Sent Event: its <c>event:</c> name and the JSON <c>data:</c> line.</summary>
public readonly record struct LiveEvent(string Type, string Json);

/// <summary>
/// One SSE connection's subscriber: subscribes the pub-sub topics, filters by stream and symbol, and hands
/// serialised events to the connection's bounded channel (never blocks: the channel drops the oldest).
/// Unsubscribes when stopped (the endpoint stops it when the client disconnects).
/// </summary>
public sealed class LiveStreamActor : ReceiveActor
{
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
        Converters = { new JsonStringEnumConverter() },
    };

    private readonly IActorRef _mediator;
    private readonly IReadOnlyList<string> _topics;
    private readonly HashSet<string> _streams;
    private readonly string? _symbol;
    private readonly ChannelWriter<LiveEvent> _out;
    private readonly TaskCompletionSource _subscribed;
    private readonly HashSet<string> _pendingAcks;

    public LiveStreamActor(IActorRef mediator, IReadOnlyList<string> streams, string? symbol, ChannelWriter<LiveEvent> output, TaskCompletionSource subscribed)
    {
        _mediator = mediator;
        _streams = [.. streams];
        _symbol = symbol;
        _topics = LiveTopics.PubSubTopics(streams, symbol);
        _out = output;
        _subscribed = subscribed;
        _pendingAcks = [.. _topics];

        Receive<SubscribeAck>(ack =>
        {
            _pendingAcks.Remove(ack.Subscribe.Topic);
            if (_pendingAcks.Count == 0)
            {
                _subscribed.TrySetResult();
            }
        });
        Receive<UnsubscribeAck>(_ => { });
        ReceiveAny(Forward);
    }

    public static Props Props(IActorRef mediator, IReadOnlyList<string> streams, string? symbol, ChannelWriter<LiveEvent> output, TaskCompletionSource subscribed) =>
        Akka.Actor.Props.Create(() => new LiveStreamActor(mediator, streams, symbol, output, subscribed));

    protected override void PreStart()
    {
        foreach (var topic in _topics)
        {
            _mediator.Tell(new Subscribe(topic, Self));
        }
    }

    protected override void PostStop()
    {
        foreach (var topic in _topics)
        {
            _mediator.Tell(new Unsubscribe(topic, Self));
        }

        _subscribed.TrySetCanceled();
        _out.TryComplete();
    }

    private void Forward(object message)
    {
        if (message is IndicatorSnapshotBatch batch)
        {
            // A symbol publishes the ticks of one ingest together (a catch-up): clients get one event per tick, as always.
            foreach (var snapshot in batch.Snapshots)
            {
                Forward(snapshot);
            }

            return;
        }

        var stream = LiveTopics.StreamOf(message);
        if (stream is null || !_streams.Contains(stream))
        {
            return;
        }

        if (_symbol is not null && LiveTopics.SymbolOf(message) is { } symbol && !string.Equals(symbol, _symbol, StringComparison.Ordinal))
        {
            return;
        }

        var type = message.GetType();
        _out.TryWrite(new LiveEvent(type.Name, JsonSerializer.Serialize(message, type, Json)));
    }
}
