using System.Text.Json.Serialization;

namespace Arbitrage.Node.Alerts.Channels;

/// <summary>
/// A Discord webhook: POSTs <c>{"content": text}</c> (cut to Discord's 2000 characters). A 429 waits its <c>retry_after</c>;
/// an emptied bucket (<c>X-RateLimit-Remaining: 0</c>) pauses the next send for <c>X-RateLimit-Reset-After</c>.
/// </summary>
public sealed class DiscordSender(Uri webhookUrl, HttpClient http) : IAlertSender
{
    public const int MaxContent = 2000;

    public string Name => "discord";

    public TimeSpan MinInterval => TimeSpan.Zero;

    public async Task<SendOutcome> SendAsync(OutboxEntry entry, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(entry);
        var text = entry.Alert.Text.Length <= MaxContent ? entry.Alert.Text : entry.Alert.Text[..(MaxContent - 1)] + "…";
        using var response = await http.PostAsJsonAsync(webhookUrl, new DiscordBody(text), ct).ConfigureAwait(false);
        var outcome = await HttpOutcomes.FromAsync(response, ct).ConfigureAwait(false);
        return outcome is SendOutcome.Delivered ? new SendOutcome.Delivered(HttpOutcomes.BucketPause(response)) : outcome;
    }

    private sealed record DiscordBody([property: JsonPropertyName("content")] string Content);
}
