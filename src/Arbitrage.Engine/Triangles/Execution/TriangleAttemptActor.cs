using Akka.Actor;
using Akka.Persistence;
using Akka.Persistence.Journal;
using Arbitrage.Core.Triangles.Execution;

namespace Arbitrage.Engine.Triangles.Execution;

/// <summary>
/// One cycle attempt (ARCHITECTURE §7), a thin persisted shell over <see cref="TriangleSagaLogic"/>: each decision's
/// events are journaled (all at once, tag <c>triangle-attempt</c>) before its commands go to the venue actor
/// (<see cref="TriangleAttemptStepped"/>), which owns the books and the gateway. After each send or query a timer of
/// <c>leg_timeout_ms</c> makes an unanswered order a <see cref="TriangleSagaInput.LegTimedOut"/> (a query, never a resend).
/// Recovered unfinished, it asks the venue actor for books (<see cref="TriangleAttemptRecovered"/>) and resumes:
/// an order intended without an answer is queried by client id. Ended, it reports its result and stops. Its first step
/// (start and leg 1's intent) usually comes decided and already sent by the venue actor (<see cref="TriangleAttemptAdopt"/>),
/// which journaled it in its own write: the attempt journals it after, off the path to leg 1.
/// </summary>
public sealed class TriangleAttemptActor : ReceivePersistentActor, IWithTimers
{
    public const string Tag = "triangle-attempt";

    private static readonly string[] Tags = [Tag];
    private static readonly ITriangleBooks NoBooks = new TriangleBookSet();

    private readonly string _attemptId;
    private readonly IActorRef _venue;
    private readonly TimeSpan _legTimeout;
    private readonly long _legTimeoutMs;
    private TriangleSagaState _state = TriangleSagaState.Empty;

    public TriangleAttemptActor(string attemptId, IActorRef venue, long legTimeoutMs)
    {
        _attemptId = attemptId;
        _venue = venue;
        _legTimeoutMs = Math.Max(1, legTimeoutMs);
        _legTimeout = TimeSpan.FromMilliseconds(_legTimeoutMs);
        PersistenceId = PersistenceIdOf(attemptId);

        Recover<ITriangleAttemptEvent>(e => _state = _state.Apply(e));
        Recover<Tagged>(t =>
        {
            if (t.Payload is ITriangleAttemptEvent e) _state = _state.Apply(e);
        });
        Recover<RecoveryCompleted>(_ =>
        {
            if (_state.Ended is { } ended)
            {
                _venue.Tell(new TriangleAttemptStepped(_attemptId, [], ended.Result));
                Context.Stop(Self);
            }
            else if (_state.Started is not null)
            {
                _venue.Tell(new TriangleAttemptRecovered(_attemptId, _state.Started.Cycle.Legs.Select(l => l.Symbol).ToArray()));
            }
        });

        Command<TriangleAttemptAdopt>(m =>
        {
            if (_state.Started is not null) return; // its own journal has its start: a recovered attempt resumes through TriangleAttemptRecovered
            var remaining = 2;
            PersistAll(new ITriangleAttemptEvent[] { m.Started, m.FirstLeg }.Select(e => new Tagged(e, Tags)), _ =>
            {
                if (--remaining > 0) return;
                _state = _state.Apply(m.Started).Apply(m.FirstLeg);
                Timers.StartSingleTimer(m.FirstLeg.ClientOrderId, new LegTimer(m.FirstLeg.ClientOrderId), _legTimeout);
                if (m.Resume) _venue.Tell(new TriangleAttemptRecovered(_attemptId, _state.Started!.Cycle.Legs.Select(l => l.Symbol).ToArray()));
            });
        });
        Command<TriangleAttemptInput>(m => Run(m.Input is null
            ? TriangleSagaLogic.Resume(_state, m.Books, m.NowMs)
            : TriangleSagaLogic.Decide(_state, m.Input, m.Books)));
        Command<LegTimer>(t => Run(TriangleSagaLogic.Decide(_state, new TriangleSagaInput.LegTimedOut(t.ClientOrderId, _state.LastEventMs + _legTimeoutMs), NoBooks)));
    }

    public override string PersistenceId { get; }

    public ITimerScheduler Timers { get; set; } = null!;

    public static string PersistenceIdOf(string attemptId) => "triangle-attempt-" + attemptId;

    public static Props Props(string attemptId, IActorRef venue, long legTimeoutMs) =>
        Akka.Actor.Props.Create(() => new TriangleAttemptActor(attemptId, venue, legTimeoutMs));

    /// <summary>Persists the decision's events, then hands its commands to the venue actor.</summary>
    private void Run(TriangleSagaDecision d)
    {
        if (d.Events.Count == 0)
        {
            Done(d);
            return;
        }

        int remaining = d.Events.Count;
        PersistAll(d.Events.Select(e => new Tagged(e, Tags)), _ =>
        {
            if (--remaining == 0) Done(d);
        });
    }

    private void Done(TriangleSagaDecision d)
    {
        _state = d.State;
        foreach (var c in d.Commands)
        {
            var cid = c switch
            {
                TriangleSagaCommand.SendOrder s => s.Request.ClientOrderId,
                TriangleSagaCommand.QueryOrder q => q.ClientOrderId,
                _ => throw new InvalidOperationException($"unknown command {c.GetType().Name}"),
            };
            Timers.StartSingleTimer(cid, new LegTimer(cid), _legTimeout);
        }

        foreach (var o in _state.Orders)
        {
            if (!o.Open) Timers.Cancel(o.Intent.ClientOrderId);
        }

        _venue.Tell(new TriangleAttemptStepped(_attemptId, d.Commands, _state.Ended?.Result, _state.LastEventMs));
        if (_state.IsEnded) Context.Stop(Self);
    }

    private sealed record LegTimer(string ClientOrderId) : INoSerializationVerificationNeeded;
}
