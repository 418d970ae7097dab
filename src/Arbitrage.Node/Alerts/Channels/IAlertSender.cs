namespace Arbitrage.Node.Alerts.Channels;

/// <summary>One channel's way out. Called one alert at a time, in order, by the channel's actor (never concurrently).</summary>
public interface IAlertSender
{
    /// <summary>The channel's name: what logs and metrics show (never its URL or token).</summary>
    string Name { get; }

    /// <summary>Least time between two sends (Telegram: about one message a second per chat).</summary>
    TimeSpan MinInterval { get; }

    Task<SendOutcome> SendAsync(OutboxEntry entry, CancellationToken ct);
}

/// <summary>How a send ended.</summary>
public abstract record SendOutcome
{
    /// <summary>Delivered; the next send not before <paramref name="Pause"/> has passed (a rate-limit bucket that is empty).</summary>
    public sealed record Delivered(TimeSpan Pause) : SendOutcome;

    /// <summary>Rate-limited (HTTP 429): the same alert again, not before <paramref name="After"/>.</summary>
    public sealed record RetryAfter(TimeSpan After) : SendOutcome;

    /// <summary>Failed for now (5xx, timeout, connection refused): retried with backoff.</summary>
    public sealed record Transient(string Error) : SendOutcome;

    /// <summary>Refused for good (a 4xx other than 429): marked failed, the channel goes on with the next alert.</summary>
    public sealed record Permanent(string Error) : SendOutcome;

    public static readonly SendOutcome Ok = new Delivered(TimeSpan.Zero);
}
