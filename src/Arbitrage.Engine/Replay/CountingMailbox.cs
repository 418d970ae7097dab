using Akka.Actor;
using Akka.Configuration;
using Akka.Dispatch;
using Akka.Dispatch.MessageQueues;

namespace Arbitrage.Engine.Replay;

/// <summary>
/// How many messages this actor system's counted mailboxes have received (<see cref="CountingMailbox"/>): the backtest's
/// barrier compares it before and after a probe round (<see cref="TradingBarrier"/>).
/// </summary>
internal sealed class MessageCount : IExtension
{
    private long _enqueued;

    public long Enqueued => Interlocked.Read(ref _enqueued);

    public static MessageCount Get(ActorSystem system) => system.WithExtension<MessageCount, MessageCountId>();

    internal void Add() => Interlocked.Increment(ref _enqueued);

    private sealed class MessageCountId : ExtensionIdProvider<MessageCount>
    {
        public override MessageCount CreateExtension(ExtendedActorSystem system) => new();
    }
}

/// <summary>
/// A backtest's mailbox for every actor that stashes (the persistent ones: risk guard, executor, paper venue, strategies,
/// symbols): Akka's unbounded deque, counting what it receives in <see cref="MessageCount"/>. Configured only by the
/// replay's HOCON (<see cref="ReplayEngine"/>), so the production actors carry no counter of their own.
/// </summary>
internal sealed class CountingMailbox(Settings settings, Config config) : MailboxType(settings, config), IProducesMessageQueue<CountingDequeMessageQueue>
{
    /// <summary>The HOCON that gives every stashing actor this mailbox.</summary>
    public const string Hocon = """
        arbitrage.replay.counting-mailbox.mailbox-type = "Arbitrage.Engine.Replay.CountingMailbox, Arbitrage.Engine"
        akka.actor.mailbox.requirements {
          "Akka.Dispatch.IDequeBasedMessageQueueSemantics" = arbitrage.replay.counting-mailbox
          "Akka.Dispatch.IUnboundedDequeBasedMessageQueueSemantics" = arbitrage.replay.counting-mailbox
        }
        """;

    public override IMessageQueue Create(IActorRef owner, ActorSystem system) => new CountingDequeMessageQueue(MessageCount.Get(system));
}

/// <summary>Akka's <see cref="UnboundedDequeMessageQueue"/>, counting every message enqueued (not those put back by an unstash).</summary>
internal sealed class CountingDequeMessageQueue(MessageCount count) : IMessageQueue, IUnboundedDequeBasedMessageQueueSemantics
{
    private readonly UnboundedDequeMessageQueue _queue = new();

    public bool HasMessages => _queue.HasMessages;

    public int Count => _queue.Count;

    public void Enqueue(IActorRef receiver, Envelope envelope)
    {
        _queue.Enqueue(receiver, envelope);
        count.Add();
    }

    public void EnqueueFirst(Envelope envelope) => _queue.EnqueueFirst(envelope);

    public bool TryDequeue(out Envelope envelope) => _queue.TryDequeue(out envelope);

    public void CleanUp(IActorRef owner, IMessageQueue deadletters) => _queue.CleanUp(owner, deadletters);
}
