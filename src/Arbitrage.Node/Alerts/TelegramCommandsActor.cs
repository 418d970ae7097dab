using Akka.Actor;
using Akka.Event;
using Telegram.Bot;
using Telegram.Bot.Types;
using Telegram.Bot.Types.Enums;

namespace Arbitrage.Node.Alerts;

/// <summary>
/// The long-poll of the Bot API's <c>getUpdates</c> (Telegram.Bot, <c>Alerts:Telegram:ApiBaseUrl</c>), a child of the
/// alerts singleton so a cluster polls once. The offset moves past each update before it is handled, and is written to the
/// database first (<c>alert_state</c>, when there is one): an update is handled at most once, also across a crash or a
/// failover (a command lost in between is not answered, and the operator sends it again; a /resume never runs twice). A message from a chat that is not allow-listed is logged (chat id only, never its text) and ignored; the others
/// are answered in their chat (<see cref="TelegramCommands"/>). A failed poll is retried after <see cref="RetryDelay"/>.
/// </summary>
public sealed class TelegramCommandsActor : ReceiveActor, IWithTimers
{
    public static readonly TimeSpan RetryDelay = TimeSpan.FromSeconds(5);

    private readonly ITelegramBotClient _bot;
    private readonly TelegramCommands _commands;
    private readonly int _pollSeconds;
    private readonly ILoggingAdapter _log = Context.GetLogger();
    private readonly CancellationTokenSource _stopping = new();
    private int? _offset;

    public const string OffsetState = "telegram_offset";

    private readonly AlertOutbox? _state;

    public TelegramCommandsActor(ITelegramBotClient bot, TelegramCommands commands, int pollSeconds, AlertOutbox? state = null)
    {
        _bot = bot;
        _commands = commands;
        _pollSeconds = pollSeconds;
        _state = state;
        ReceiveAsync<LoadOffset>(async _ =>
        {
            try
            {
                _offset = (int?)await _state!.ReadStateAsync(OffsetState);
            }
            catch (System.Data.Common.DbException e)
            {
                _log.Warning("Telegram commands: the stored update offset could not be read ({0}); starting from Telegram's", e.Message);
            }

            Self.Tell(Poll.Instance);
        });
        Receive<Poll>(_ => _bot.GetUpdates(_offset, 100, _pollSeconds, [UpdateType.Message], _stopping.Token)
            .PipeTo(Self, success: u => new Got(u), failure: e => new Failed(e)));
        ReceiveAsync<Got>(async got =>
        {
            foreach (var update in got.Updates)
            {
                _offset = Math.Max(_offset ?? 0, update.Id + 1);
                if (_state is not null)
                {
                    try
                    {
                        await _state.WriteStateAsync(OffsetState, _offset.Value);
                    }
                    catch (System.Data.Common.DbException e)
                    {
                        _log.Warning("Telegram commands: the update offset was not stored ({0}); a restart may see this update again", e.Message);
                    }
                }

                await HandleAsync(update);
            }

            Self.Tell(Poll.Instance);
        });
        Receive<Failed>(f =>
        {
            if (_stopping.IsCancellationRequested)
            {
                return;
            }

            _log.Warning("Telegram commands: getUpdates failed ({0}: {1}); polling again in {2} s", f.Error.GetType().Name, f.Error.Message, RetryDelay.TotalSeconds);
            Timers.StartSingleTimer("poll", Poll.Instance, RetryDelay);
        });
    }

    public ITimerScheduler Timers { get; set; } = null!;

    public static Props Props(ITelegramBotClient bot, TelegramCommands commands, int pollSeconds = 25, AlertOutbox? state = null) =>
        Akka.Actor.Props.Create(() => new TelegramCommandsActor(bot, commands, pollSeconds, state));

    protected override void PreStart() => Self.Tell(_state is null ? Poll.Instance : LoadOffset.Instance);

    protected override void PostStop()
    {
        _stopping.Cancel();
        _stopping.Dispose();
    }

    private async Task HandleAsync(Update update)
    {
        if (update.Message is not { Text: { } text } message)
        {
            return;
        }

        var chat = message.Chat.Id;
        if (!_commands.Allows(chat))
        {
            _log.Info("Telegram commands: a message from chat {0}, which is not allow-listed, ignored", chat);
            return;
        }

        string reply;
        try
        {
            reply = await _commands.HandleAsync(chat, text, _stopping.Token);
        }
        catch (Exception e) when (e is System.Data.Common.DbException or TimeoutException or OperationCanceledException)
        {
            reply = $"failed: {e.Message}";
        }

        _log.Info("Telegram commands: chat {0}: {1}", chat, reply);
        try
        {
            await _bot.SendMessage(chat, reply.Length <= Channels.TelegramSender.MaxText ? reply : reply[..(Channels.TelegramSender.MaxText - 1)] + "…",
                cancellationToken: _stopping.Token);
        }
        catch (Exception e) when (e is Telegram.Bot.Exceptions.RequestException or HttpRequestException or OperationCanceledException)
        {
            _log.Warning("Telegram commands: the reply to chat {0} was not sent ({1})", chat, e.Message);
        }
    }

    private sealed record Poll : INoSerializationVerificationNeeded
    {
        public static readonly Poll Instance = new();
    }

    private sealed record LoadOffset : INoSerializationVerificationNeeded
    {
        public static readonly LoadOffset Instance = new();
    }

    private sealed record Got(Update[] Updates) : INoSerializationVerificationNeeded;

    private sealed record Failed(Exception Error) : INoSerializationVerificationNeeded;
}
