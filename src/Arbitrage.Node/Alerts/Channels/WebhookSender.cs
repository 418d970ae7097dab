using System.Text.Json.Serialization;

namespace Arbitrage.Node.Alerts.Channels;

/// <summary>
/// The generic JSON webhook: POSTs <c>{"kind","severity","time_ms","text","dedup_key","symbol","strategy"}</c>.
/// A receiver dedups on <c>dedup_key</c> (delivery is at least once).
/// </summary>
public sealed class WebhookSender(Uri url, HttpClient http) : IAlertSender
{
    public string Name => "webhook";

    public TimeSpan MinInterval => TimeSpan.Zero;

    public async Task<SendOutcome> SendAsync(OutboxEntry entry, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(entry);
        var a = entry.Alert;
        var body = new WebhookBody(a.Kind, a.Severity.Code(), a.TimeMs, a.Text, a.DedupKey, a.Symbol, a.Strategy);
        using var response = await http.PostAsJsonAsync(url, body, ct).ConfigureAwait(false);
        return await HttpOutcomes.FromAsync(response, ct).ConfigureAwait(false);
    }

    public sealed record WebhookBody(
        [property: JsonPropertyName("kind")] string Kind,
        [property: JsonPropertyName("severity")] string Severity,
        [property: JsonPropertyName("time_ms")] long TimeMs,
        [property: JsonPropertyName("text")] string Text,
        [property: JsonPropertyName("dedup_key")] string DedupKey,
        [property: JsonPropertyName("symbol")] string? Symbol,
        [property: JsonPropertyName("strategy")] string? Strategy);
}
