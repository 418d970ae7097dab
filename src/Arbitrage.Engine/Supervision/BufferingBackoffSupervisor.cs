using Akka.Actor;
using Akka.Event;
using Akka.Persistence;

namespace Arbitrage.Engine.Supervision;

/// <summary>
/// Keeps one child alive across journal outages: a persistent actor stops when its journal fails, and this supervisor
/// starts it again after an exponential backoff with jitter, for as long as it takes (Akka's <c>BackoffSupervisor</c>
/// pattern). Unlike Akka's, it loses no message meanwhile: what arrives while the child is down or still recovering is
/// kept (bounded; the oldest is dropped first, and counted in the log) and handed to the child, in order and with its
/// sender, once the child says it is ready (<see cref="ChildReady"/>) — including those that were still in the child's
/// mailbox when it stopped, which Akka turns into dead letters and this supervisor takes back. Messages the child sends
/// its parent are forwarded to this supervisor's parent. For singletons such as the risk guard, whose inputs (signals from every node)
/// must not fall into dead letters while it waits for the database.
/// </summary>
public sealed class BufferingBackoffSupervisor : UntypedActor, IWithTimers
{
    /// <summary>Sent by the child to its parent once it has recovered and can take messages.</summary>
    public sealed class ChildReady : INoSerializationVerificationNeeded
    {
        public static readonly ChildReady Instance = new();

        private ChildReady()
        {
        }
    }

    /// <summary>Answered with <see cref="SupervisorState"/>: whether the child is up and how many times it was restarted.</summary>
    public sealed class GetSupervisorState : INoSerializationVerificationNeeded
    {
        public static readonly GetSupervisorState Instance = new();

        private GetSupervisorState()
        {
        }
    }

    /// <param name="Ready">The child runs and has said <see cref="ChildReady"/>.</param>
    /// <param name="Restarts">Child starts after the first.</param>
    /// <param name="Buffered">Messages waiting for the child.</param>
    /// <param name="LastStopReason">Why the child last stopped (null: it never did).</param>
    public sealed record SupervisorState(bool Ready, int Restarts, int Buffered, string? LastStopReason) : INoSerializationVerificationNeeded;

    private sealed class StartChild : INoSerializationVerificationNeeded
    {
        public static readonly StartChild Instance = new();
    }

    private sealed class ResetBackoff : INoSerializationVerificationNeeded
    {
        public static readonly ResetBackoff Instance = new();
    }

    private readonly Props _childProps;
    private readonly string _childName;
    private readonly TimeSpan _minBackoff;
    private readonly TimeSpan _maxBackoff;
    private readonly double _randomFactor;
    private readonly int _capacity;
    private readonly Func<object, bool>? _finalStop;
    private readonly LinkedList<(object Message, IActorRef Sender)> _buffer = new();
    private readonly ILoggingAdapter _log = Context.GetLogger();
    private IActorRef? _child;
    private ActorPath? _childPath;
    private bool _ready;
    private int _failures;
    private int _restarts;
    private long _dropped;
    private string? _lastStopReason;
    private bool _finalStopReceived;

    /// <param name="finalStop">A message that ends the child for good: forwarded to it, and when the child then stops, so does the supervisor.</param>
    public BufferingBackoffSupervisor(
        Props childProps, string childName, TimeSpan minBackoff, TimeSpan maxBackoff, double randomFactor, int capacity, Func<object, bool>? finalStop = null)
    {
        _childProps = childProps;
        _childName = childName;
        _minBackoff = minBackoff;
        _maxBackoff = maxBackoff;
        _randomFactor = randomFactor;
        _capacity = capacity;
        _finalStop = finalStop;
    }

    public ITimerScheduler Timers { get; set; } = null!;

    public static Props Props(
        Props childProps, string childName, TimeSpan? minBackoff = null, TimeSpan? maxBackoff = null, double randomFactor = 0.2, int capacity = 10_000,
        Func<object, bool>? finalStop = null) =>
        Akka.Actor.Props.Create(() => new BufferingBackoffSupervisor(
            childProps, childName, minBackoff ?? TimeSpan.FromMilliseconds(500), maxBackoff ?? TimeSpan.FromSeconds(10), randomFactor, capacity, finalStop));

    /// <summary>The delay before start number <paramref name="failures"/> + 1: min·2^failures, capped at max, times 1..1+jitter.</summary>
    public static TimeSpan Delay(int failures, TimeSpan min, TimeSpan max, double randomFactor, double random01)
    {
        var exponential = min.TotalMilliseconds * Math.Pow(2, Math.Min(failures, 30));
        var capped = Math.Min(exponential, max.TotalMilliseconds);
        return TimeSpan.FromMilliseconds(capped * (1 + (randomFactor * random01)));
    }

    protected override void PreStart()
    {
        Context.System.EventStream.Subscribe(Self, typeof(DeadLetter));
        Start();
    }

    protected override void PostStop()
    {
        Context.System.EventStream.Unsubscribe(Self);
        base.PostStop();
    }

    // Any failure stops the child: a restart in place would retry at once, in a loop, while the journal is down.
    protected override SupervisorStrategy SupervisorStrategy() => new OneForOneStrategy(e =>
    {
        _lastStopReason = e.Message;
        return Directive.Stop;
    });

    protected override void OnReceive(object message)
    {
        switch (message)
        {
            case StartChild:
                Start();
                break;
            case ChildReady when Sender.Equals(_child):
                OnReady();
                break;
            case Terminated t when t.ActorRef.Equals(_child):
                OnChildStopped();
                break;
            case ResetBackoff:
                _failures = 0;
                break;
            case DeadLetter d when d.Recipient.Path.Equals(_childPath) && !d.Sender.Equals(Self) && d.Message is not (IJournalMessage or ISnapshotMessage):
                // Sent to the child but still in its mailbox when it stopped: the next incarnation gets it. Not the journal's
                // answers to the dead incarnation's writes (one failure per event of a failed batch): they were its, not ours.
                _ready = false;
                Buffer(d.Message, d.Sender);
                break;
            case DeadLetter:
                break;
            case GetSupervisorState:
                Sender.Tell(new SupervisorState(_ready, _restarts, _buffer.Count, _lastStopReason));
                break;
            case var _ when _child is not null && Sender.Equals(_child):
                Context.Parent.Forward(message);
                break;
            case var _ when _finalStop?.Invoke(message) == true:
                _finalStopReceived = true;
                if (_child is null)
                {
                    Context.Stop(Self);
                }
                else
                {
                    _child.Forward(message); // after what it already has; it stops itself, and then so does this supervisor
                }

                break;
            default:
                if (_ready)
                {
                    _child!.Forward(message);
                }
                else
                {
                    Buffer(message, Sender);
                }

                break;
        }
    }

    private void Start()
    {
        _child = Context.ActorOf(_childProps, _childName);
        _childPath = _child.Path;
        Context.Watch(_child);
        _ready = false;
    }

    private void OnReady()
    {
        _ready = true;
        if (_restarts > 0)
        {
            _log.Info("{0} is back after {1} restart(s); delivering {2} message(s) kept meanwhile", _childName, _restarts, _buffer.Count);
        }

        while (_buffer.First is { } first)
        {
            _buffer.RemoveFirst();
            _child!.Tell(first.Value.Message, first.Value.Sender);
        }

        // Up long enough: the next failure starts the backoff from the minimum again.
        Timers.StartSingleTimer(nameof(ResetBackoff), ResetBackoff.Instance, _maxBackoff);
    }

    private void OnChildStopped()
    {
        if (_finalStopReceived)
        {
            Context.Stop(Self);
            return;
        }

        _child = null;
        _ready = false;
        Timers.Cancel(nameof(ResetBackoff));
        var delay = Delay(_failures, _minBackoff, _maxBackoff, _randomFactor, Random.Shared.NextDouble());
        _failures++;
        _restarts++;
        _log.Warning(
            "{0} stopped ({1}); starting it again in {2:0.0} s, keeping the messages meanwhile (the journal or the exchange may be down)",
            _childName, _lastStopReason ?? "it stopped itself, e.g. its journal failed", delay.TotalSeconds);
        _lastStopReason = null;
        Timers.StartSingleTimer(nameof(StartChild), StartChild.Instance, delay);
    }

    private void Buffer(object message, IActorRef sender)
    {
        if (_buffer.Count >= _capacity)
        {
            _buffer.RemoveFirst();
            if (_dropped++ % 1000 == 0)
            {
                _log.Error("{0} is down and its buffer of {1} messages is full: dropping the oldest ({2} dropped so far)", _childName, _capacity, _dropped);
            }
        }

        _buffer.AddLast((message, sender));
    }
}
