using Telegram.Bot;
using Telegram.Bot.Exceptions;

namespace Arbitrage.Node.Alerts.Channels;

/// <summary>
/// The Telegram Bot API (Telegram.Bot, against <c>Alerts:Telegram:ApiBaseUrl</c>): each alert to every configured chat,
/// at most one message a second (Telegram's per-chat limit). A 429 waits its <c>retry_after</c>; a retry skips the chats
/// that already have the alert. A chat that refuses the bot (400/403) is skipped for that alert.
/// </summary>
public sealed class TelegramSender : IAlertSender
{
    public const int MaxText = 4096;

    private readonly TelegramBotClient _bot;
    private readonly long[] _chats;
    private readonly HashSet<long> _delivered = [];
    private string? _current;

    public TelegramSender(TelegramAlertOptions options, HttpClient http)
    {
        ArgumentNullException.ThrowIfNull(options);
        // Retries are the channel actor's (ordered, with backoff): the client itself does not retry a 429.
        _bot = new TelegramBotClient(new TelegramBotClientOptions(options.BotToken!, options.ApiBaseUrl.TrimEnd('/')) { RetryCount = 0 }, http);
        _chats = [.. options.ChatIds.Select(c => long.Parse(c, System.Globalization.CultureInfo.InvariantCulture))];
    }

    public string Name => "telegram";

    public TimeSpan MinInterval => TimeSpan.FromSeconds(1);

    public async Task<SendOutcome> SendAsync(OutboxEntry entry, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(entry);
        if (!string.Equals(_current, entry.Alert.DedupKey, StringComparison.Ordinal))
        {
            _current = entry.Alert.DedupKey;
            _delivered.Clear();
        }

        var text = entry.Alert.Text.Length <= MaxText ? entry.Alert.Text : entry.Alert.Text[..(MaxText - 1)] + "…";
        var refused = new List<string>();
        foreach (var chat in _chats)
        {
            if (_delivered.Contains(chat))
            {
                continue;
            }

            try
            {
                await _bot.SendMessage(chat, text, cancellationToken: ct).ConfigureAwait(false);
                _delivered.Add(chat);
            }
            catch (ApiRequestException e) when (e.ErrorCode == 429)
            {
                return new SendOutcome.RetryAfter(TimeSpan.FromSeconds(e.Parameters?.RetryAfter ?? 1));
            }
            catch (ApiRequestException e) when (e.ErrorCode >= 500)
            {
                return new SendOutcome.Transient($"HTTP {e.ErrorCode}");
            }
            catch (ApiRequestException e)
            {
                // This chat refuses (bot blocked, chat not found): the others still get the alert.
                _delivered.Add(chat);
                refused.Add($"chat {chat}: HTTP {e.ErrorCode}");
            }
        }

        return refused.Count == _chats.Length
            ? new SendOutcome.Permanent(string.Join("; ", refused))
            : SendOutcome.Ok;
    }
}
