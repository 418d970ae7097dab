using Akka.Actor;
using Akka.Event;
using Arbitrage.Node.Alerts.Channels;

namespace Arbitrage.Node.Alerts;

/// <summary>Retry delays after failures: exponential from <paramref name="Min"/> to <paramref name="Max"/>, ±20 % jitter.</summary>
public sealed record AlertBackoff(TimeSpan Min, TimeSpan Max)
{
    public static readonly AlertBackoff Default = new(TimeSpan.FromSeconds(1), TimeSpan.FromMinutes(5));

    public TimeSpan Delay(int attempt, double random01)
    {
        var exponent = Math.Min(Math.Max(attempt - 1, 0), 30);
        var ms = Math.Min(Max.TotalMilliseconds, Min.TotalMilliseconds * Math.Pow(2, exponent));
        return TimeSpan.FromMilliseconds(ms * (0.8 + (0.4 * random01)));
    }
}

/// <summary>
/// One channel's queue: sends its alerts one at a time, in order, each until it is delivered (429 waits its
/// <c>retry_after</c>; failures retry with backoff and jitter; a 4xx refusal is marked failed and skipped), coalesces floods
/// (<see cref="FloodGate"/>) and marks the outbox. Its own actor, so a slow or failing channel delays nothing else.
/// </summary>
public sealed class AlertChannelActor : ReceiveActor, IWithTimers
{
    private readonly IAlertSender _sender;
    private readonly AlertOutbox? _outbox;
    private readonly FloodGate _gate;
    private readonly AlertBackoff _backoff;
    private readonly TimeProvider _clock;
    private readonly ILoggingAdapter _log = Context.GetLogger();
    private readonly Queue<OutboxEntry> _queue = new();
    private readonly CancellationTokenSource _stopping = new();
    private bool _inFlight;
    private int _attempt;
    private long _notBeforeMs;

    public AlertChannelActor(IAlertSender sender, AlertOutbox? outbox, FloodGate gate, AlertBackoff backoff, TimeProvider clock)
    {
        _sender = sender;
        _outbox = outbox;
        _gate = gate;
        _backoff = backoff;
        _clock = clock;

        Receive<Enqueue>(e =>
        {
            if (_gate.Admit(e.Entry, Now(), out var windowEnd))
            {
                _queue.Enqueue(e.Entry);
            }
            else
            {
                AlertMetrics.Coalesced.WithLabels(_sender.Name).Inc();
                Timers.StartSingleTimer("flood:" + e.Entry.Alert.Kind, new CloseWindow(e.Entry.Alert.Kind), TimeSpan.FromMilliseconds(Math.Max(0, windowEnd - Now())));
            }

            Pump();
        });
        Receive<CloseWindow>(c =>
        {
            if (_gate.Close(c.Kind, _sender.Name, Now()) is { } summary)
            {
                _queue.Enqueue(summary);
            }

            Pump();
        });
        Receive<PumpNow>(_ => Pump());
        Receive<Done>(OnDone);
        Receive<Status.Failure>(f => _log.Warning("Alerts {0}: outbox not marked ({1}); the alert may be sent again after a restart", _sender.Name, f.Cause.GetType().Name));
        Receive<Marked>(_ => { });
    }

    public ITimerScheduler Timers { get; set; } = null!;

    public static Props Props(IAlertSender sender, AlertOutbox? outbox, FloodGate gate, AlertBackoff? backoff = null, TimeProvider? clock = null) =>
        Akka.Actor.Props.Create(() => new AlertChannelActor(sender, outbox, gate, backoff ?? AlertBackoff.Default, clock ?? TimeProvider.System));

    protected override void PostStop()
    {
        _stopping.Cancel();
        _stopping.Dispose();
        AlertMetrics.QueueDepth.WithLabels(_sender.Name).Set(0);
    }

    private long Now() => _clock.GetUtcNow().ToUnixTimeMilliseconds();

    private void Pump()
    {
        AlertMetrics.QueueDepth.WithLabels(_sender.Name).Set(_queue.Count);
        if (_inFlight || _queue.Count == 0)
        {
            return;
        }

        var wait = _notBeforeMs - Now();
        if (wait > 0)
        {
            Timers.StartSingleTimer("pump", PumpNow.Instance, TimeSpan.FromMilliseconds(wait));
            return;
        }

        _inFlight = true;
        var entry = _queue.Peek();
        var self = Self;
        var ct = _stopping.Token;
        var sender = _sender;
        Task.Run(async () =>
        {
            SendOutcome outcome;
            try
            {
                outcome = await sender.SendAsync(entry, ct).ConfigureAwait(false);
            }
            catch (Exception e)
            {
                // Whatever went wrong, the alert stays at the head of the queue and is tried again: a channel never stalls.
                // The exception's type, never its message: an HTTP error may carry the URL and with it a token.
                outcome = new SendOutcome.Transient(e is TaskCanceledException ? "timed out" : e.GetType().Name);
            }

            self.Tell(new Done(entry, outcome));
        }, CancellationToken.None);
    }

    private void OnDone(Done d)
    {
        _inFlight = false;
        var now = Now();
        switch (d.Outcome)
        {
            case SendOutcome.Delivered delivered:
                _queue.Dequeue();
                _attempt = 0;
                AlertMetrics.Sent.WithLabels(_sender.Name).Inc();
                Mark(d.Entry, AlertOutbox.Sent, null);
                _notBeforeMs = now + (long)Math.Max(delivered.Pause.TotalMilliseconds, _sender.MinInterval.TotalMilliseconds);
                break;
            case SendOutcome.RetryAfter r:
                AlertMetrics.Failed.WithLabels(_sender.Name).Inc();
                AlertMetrics.Retried.WithLabels(_sender.Name).Inc();
                _log.Warning("Alerts {0}: rate-limited (429); the next send in {1:0.###} s", _sender.Name, r.After.TotalSeconds);
                _notBeforeMs = now + (long)Math.Ceiling(r.After.TotalMilliseconds);
                break;
            case SendOutcome.Transient t:
                _attempt++;
                AlertMetrics.Failed.WithLabels(_sender.Name).Inc();
                AlertMetrics.Retried.WithLabels(_sender.Name).Inc();
                var delay = _backoff.Delay(_attempt, Random.Shared.NextDouble());
                _log.Warning("Alerts {0}: send failed ({1}); retry {2} in {3:0.###} s ({4} waiting)", _sender.Name, t.Error, _attempt, delay.TotalSeconds, _queue.Count);
                _notBeforeMs = now + (long)delay.TotalMilliseconds;
                break;
            case SendOutcome.Permanent p:
                _queue.Dequeue();
                _attempt = 0;
                AlertMetrics.Failed.WithLabels(_sender.Name).Inc();
                AlertMetrics.Dropped.WithLabels(_sender.Name).Inc();
                _log.Error("Alerts {0}: alert {1} refused for good ({2}); going on with the next", _sender.Name, d.Entry.Alert.DedupKey, p.Error);
                Mark(d.Entry, AlertOutbox.Failed, p.Error);
                break;
        }

        Pump();
    }

    private void Mark(OutboxEntry entry, string status, string? error)
    {
        if (_outbox is null)
        {
            return;
        }

        var outbox = _outbox;
        var now = Now();
        var own = entry.Id > 0 ? new[] { entry.Id } : [];
        var covers = entry.Covers ?? [];
        async Task<Marked> Write()
        {
            await outbox.MarkAsync(own, status, now, error).ConfigureAwait(false);
            await outbox.MarkAsync(covers.ToArray(), status == AlertOutbox.Sent ? AlertOutbox.Coalesced : status, now, error).ConfigureAwait(false);
            return Marked.Instance;
        }

        Write().PipeTo(Self);
    }

    /// <summary>An alert for this channel, already in the outbox (or not persistable: <see cref="OutboxEntry.Id"/> 0).</summary>
    public sealed record Enqueue(OutboxEntry Entry) : INoSerializationVerificationNeeded;

    private sealed record CloseWindow(string Kind) : INoSerializationVerificationNeeded;

    private sealed record Done(OutboxEntry Entry, SendOutcome Outcome) : INoSerializationVerificationNeeded;

    private sealed record PumpNow : INoSerializationVerificationNeeded
    {
        public static readonly PumpNow Instance = new();
    }

    private sealed record Marked : INoSerializationVerificationNeeded
    {
        public static readonly Marked Instance = new();
    }
}
