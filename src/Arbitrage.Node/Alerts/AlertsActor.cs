using System.Data.Common;
using Akka.Actor;
using Akka.Cluster;
using Akka.Cluster.Tools.PublishSubscribe;
using Akka.Event;
using Arbitrage.Engine.Risk;
using Arbitrage.Engine.Topics;
using Arbitrage.Node.Alerts.Channels;

namespace Arbitrage.Node.Alerts;

/// <summary>One configured channel: its routing rule and its way out.</summary>
public sealed record AlertChannel(AlertRoute Route, IAlertSender Sender);

/// <summary>
/// <c>alerts</c>: one per cluster (a singleton on the engine role, so each alert is sent by one node). Subscribed to the
/// risk guard's topic (risk transitions, kill switch, fills and trades, execution alerts, account setup, the exchange
/// connection), signals, triangle attempts, market-data feed outages and cluster membership. Each event becomes an <see cref="Alert"/> (<see cref="AlertTemplates"/>), is routed to the
/// channels whose rules take it, written to the outbox for each of them, and only then handed to the channel's own actor
/// (<see cref="AlertChannelActor"/>). At start the outbox's unsent alerts are handed over first, in their order.
/// </summary>
public sealed class AlertsActor : ReceiveActor, IWithUnboundedStash
{
    public static readonly IReadOnlyList<string> Topics = [RiskTopics.Risk, EngineTopics.Signals, EngineTopics.Triangles, EngineTopics.Connections];

    private readonly IReadOnlyList<AlertChannel> _channels;
    private readonly AlertOutbox _outbox;
    private readonly IActorRef? _mediator;
    private readonly AlertsSettings _settings;
    private readonly TimeProvider _clock;
    private readonly ILoggingAdapter _log = Context.GetLogger();
    private readonly Dictionary<string, IActorRef> _queues = new(StringComparer.Ordinal);
    private readonly Props? _commands;

    /// <param name="commands">The Telegram commands' poller (<see cref="TelegramCommandsActor"/>), run as a child: one per cluster.</param>
    public AlertsActor(IReadOnlyList<AlertChannel> channels, AlertOutbox outbox, IActorRef? mediator, AlertsSettings settings, TimeProvider clock, Props? commands = null)
    {
        _commands = commands;
        _channels = channels;
        _outbox = outbox;
        _mediator = mediator;
        _settings = settings;
        _clock = clock;

        // No ConfigureAwait(false) in these handlers: the continuation must run in the actor's context (Become, Stash).
        // Until the outbox's unsent alerts are handed over, new events wait: each channel keeps its order.
        ReceiveAsync<Start>(async _ =>
        {
            await StartAsync();
            Become(Running);
            Stash.UnstashAll();
        });
        ReceiveAny(_ => Stash.Stash());
    }

    public IStash Stash { get; set; } = null!;

    public static Props Props(
        IReadOnlyList<AlertChannel> channels, AlertOutbox outbox, IActorRef? mediator, AlertsSettings settings, TimeProvider? clock = null, Props? commands = null) =>
        Akka.Actor.Props.Create(() => new AlertsActor(channels, outbox, mediator, settings, clock ?? TimeProvider.System, commands));

    protected override void PreStart()
    {
        foreach (var c in _channels)
        {
            var gate = new FloodGate(_settings.FloodThreshold, _settings.FloodWindow);
            _queues[c.Route.Channel] = Context.ActorOf(AlertChannelActor.Props(c.Sender, _outbox, gate, _settings.Backoff, _clock), c.Route.Channel);
        }

        if (_commands is not null)
        {
            Context.ActorOf(_commands, "telegram-commands");
        }

        Self.Tell(Start.Instance);
        if (_mediator is not null)
        {
            foreach (var topic in Topics)
            {
                _mediator.Tell(new Subscribe(topic, Self));
            }
        }

        if (_settings.ClusterEvents)
        {
            Cluster.Get(Context.System).Subscribe(
                Self, ClusterEvent.SubscriptionInitialStateMode.InitialStateAsSnapshot, typeof(ClusterEvent.IMemberEvent), typeof(ClusterEvent.IReachabilityEvent));
        }

        _log.Info("Alerts: channels {0}", _channels.Count == 0 ? "none" : string.Join(", ", _channels.Select(c => c.Route.Channel)));
    }

    protected override void PostStop()
    {
        if (_settings.ClusterEvents)
        {
            Cluster.Get(Context.System).Unsubscribe(Self);
        }

        if (_mediator is not null)
        {
            foreach (var topic in Topics)
            {
                _mediator.Tell(new Unsubscribe(topic, Self));
            }
        }
    }

    private void Running()
    {
        Receive<SubscribeAck>(_ => { });
        Receive<ClusterEvent.CurrentClusterState>(_ => { });
        ReceiveAsync<object>(OnEventAsync);
    }

    private long Now() => _clock.GetUtcNow().ToUnixTimeMilliseconds();

    private async Task StartAsync()
    {
        try
        {
            var pruned = await _outbox.PruneAsync(Now() - (long)_settings.Retention.TotalMilliseconds);
            var pending = await _outbox.PendingAsync();
            var resent = 0;
            foreach (var entry in pending)
            {
                if (_queues.TryGetValue(entry.Channel, out var queue))
                {
                    queue.Tell(new AlertChannelActor.Enqueue(entry));
                    resent++;
                }
            }

            if (resent > 0 || pruned > 0)
            {
                _log.Info("Alerts: {0} unsent alert(s) from the outbox queued again; {1} old row(s) pruned", resent, pruned);
            }
        }
        catch (DbException e)
        {
            _log.Error("Alerts: the outbox could not be read ({0}); unsent alerts of an earlier run go out at the next start", e.Message);
        }
    }

    private async Task OnEventAsync(object message)
    {
        if (AlertTemplates.From(message, Now()) is not { } alert)
        {
            return;
        }

        var channels = _channels.Where(c => c.Route.Takes(alert)).Select(c => c.Route.Channel).ToArray();
        if (channels.Length == 0)
        {
            return;
        }

        IReadOnlyList<OutboxEntry> entries;
        try
        {
            entries = await _outbox.AddAsync(alert, channels, Now());
        }
        catch (DbException e)
        {
            // Better sent without the crash guarantee than not at all: the outbox is down, the channels are not.
            _log.Error("Alerts: outbox write failed ({0}); {1} sent without it", e.Message, alert.DedupKey);
            entries = channels.Select(c => new OutboxEntry(0, c, alert)).ToArray();
        }

        foreach (var entry in entries)
        {
            _queues[entry.Channel].Tell(new AlertChannelActor.Enqueue(entry));
        }
    }

    private sealed record Start : INoSerializationVerificationNeeded
    {
        public static readonly Start Instance = new();
    }
}

/// <summary>How the alerts actor runs (from <see cref="AlertsOptions"/>; tests shorten the backoff).</summary>
public sealed record AlertsSettings(int FloodThreshold, TimeSpan FloodWindow, TimeSpan Retention, AlertBackoff Backoff, bool ClusterEvents = true)
{
    public static AlertsSettings From(AlertsOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return new(options.FloodThreshold, TimeSpan.FromSeconds(options.FloodWindowSeconds), TimeSpan.FromDays(options.OutboxRetentionDays), AlertBackoff.Default);
    }
}
