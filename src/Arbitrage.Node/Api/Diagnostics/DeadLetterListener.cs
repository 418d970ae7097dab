using Akka.Actor;
using Akka.Event;

namespace Arbitrage.Node.Api.Diagnostics;

public sealed record DeadLetterEntry(DateTimeOffset At, string Kind, string MessageType, string Message, string Sender, string Recipient);

public sealed record GetRecentDeadLetters(int Limit) : INoSerializationVerificationNeeded;

public sealed record RecentDeadLetters(long Total, IReadOnlyList<DeadLetterEntry> Items) : INoSerializationVerificationNeeded;

/// <summary>Keeps the last <c>capacity</c> dead letters (all kinds: dead, suppressed, dropped) from the EventStream.</summary>
public sealed class DeadLetterListener : ReceiveActor
{
    private const int MaxMessageChars = 500;
    private readonly Queue<DeadLetterEntry> _recent = new();
    private readonly int _capacity;
    private long _total;

    public DeadLetterListener(int capacity)
    {
        _capacity = capacity;
        Receive<AllDeadLetters>(d =>
        {
            _total++;
            var text = d.Message?.ToString() ?? "null";
            _recent.Enqueue(new DeadLetterEntry(
                DateTimeOffset.UtcNow,
                d switch { SuppressedDeadLetter => "suppressed", Dropped => "dropped", _ => "dead" },
                d.Message?.GetType().FullName ?? "null",
                text.Length > MaxMessageChars ? text[..MaxMessageChars] + "…" : text,
                d.Sender?.Path.ToString() ?? "none",
                d.Recipient?.Path.ToString() ?? "none"));
            while (_recent.Count > _capacity)
            {
                _recent.Dequeue();
            }
        });
        Receive<GetRecentDeadLetters>(q => Sender.Tell(new RecentDeadLetters(_total, _recent.Reverse().Take(Math.Max(0, q.Limit)).ToArray())));
    }

    public static Props Props(int capacity = 200) => Akka.Actor.Props.Create(() => new DeadLetterListener(capacity));

    protected override void PreStart() => Context.System.EventStream.Subscribe(Self, typeof(AllDeadLetters));

    protected override void PostStop() => Context.System.EventStream.Unsubscribe(Self);
}
