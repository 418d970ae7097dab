using Arbitrage.Node.Hosting;
using Microsoft.Extensions.Configuration.Json;

namespace Arbitrage.Node.Alerts;

/// <summary>
/// <c>Alerts</c>: where alerts go. A channel is on when its address is set (<c>Discord:WebhookUrl</c>,
/// <c>Telegram:BotToken</c>, <c>Email:Host</c>, <c>Webhook:Url</c>). Secrets (tokens, webhook URLs, the SMTP
/// password) come from the environment (<c>ARB__Alerts__Discord__WebhookUrl</c>...), never from appsettings.json.
/// </summary>
public sealed record AlertsOptions
{
    public DiscordAlertOptions Discord { get; init; } = new();

    public TelegramAlertOptions Telegram { get; init; } = new();

    public EmailAlertOptions Email { get; init; } = new();

    public WebhookAlertOptions Webhook { get; init; } = new();

    /// <summary>More than this many alerts of one kind on a channel within <see cref="FloodWindowSeconds"/> are sent as one summary.</summary>
    public int FloodThreshold { get; init; } = 5;

    public int FloodWindowSeconds { get; init; } = 60;

    /// <summary>Sent rows of the outbox older than this are deleted at start (their dedup keys with them).</summary>
    public int OutboxRetentionDays { get; init; } = 30;

    /// <summary>The configured channels, by name.</summary>
    public IEnumerable<(string Name, AlertChannelOptions Channel)> Channels()
    {
        if (!string.IsNullOrWhiteSpace(Webhook.Url)) yield return ("webhook", Webhook);
        if (!string.IsNullOrWhiteSpace(Discord.WebhookUrl)) yield return ("discord", Discord);
        if (!string.IsNullOrWhiteSpace(Telegram.BotToken)) yield return ("telegram", Telegram);
        if (!string.IsNullOrWhiteSpace(Email.Host)) yield return ("email", Email);
    }

    /// <summary>The first invalid key as one line (naming the key, never a secret's value), else null.</summary>
    public string? Validate()
    {
        if (FloodThreshold < 1) return $"Alerts:FloodThreshold must be ≥ 1, not {FloodThreshold}";
        if (FloodWindowSeconds is < 1 or > 86_400) return $"Alerts:FloodWindowSeconds must be 1..86400, not {FloodWindowSeconds}";
        if (OutboxRetentionDays < 1) return $"Alerts:OutboxRetentionDays must be ≥ 1, not {OutboxRetentionDays}";
        if (!string.IsNullOrWhiteSpace(Webhook.Url) && !IsHttpUrl(Webhook.Url)) return "Alerts:Webhook:Url (ARB__Alerts__Webhook__Url) is not an absolute http(s) URL";
        if (!string.IsNullOrWhiteSpace(Discord.WebhookUrl) && !IsHttpUrl(Discord.WebhookUrl)) return "Alerts:Discord:WebhookUrl (ARB__Alerts__Discord__WebhookUrl) is not an absolute http(s) URL";
        if (!string.IsNullOrWhiteSpace(Telegram.BotToken))
        {
            if (!IsHttpUrl(Telegram.ApiBaseUrl)) return $"Alerts:Telegram:ApiBaseUrl is not an absolute http(s) URL: '{Telegram.ApiBaseUrl}'";
            if (Telegram.ChatIds.Length == 0) return "Alerts:Telegram:ChatIds: the bot token is set but no chat id is (ARB__Alerts__Telegram__ChatIds=12345,-100678)";
            if (Telegram.ChatIds.FirstOrDefault(c => !long.TryParse(c, out _)) is { } bad) return $"Alerts:Telegram:ChatIds: '{bad}' is not a numeric chat id";
            if (Telegram.Commands.Keys.FirstOrDefault(c => !long.TryParse(c, out _)) is { } badChat) return $"Alerts:Telegram:Commands:{badChat}: '{badChat}' is not a numeric chat id";
            if (Telegram.Commands.FirstOrDefault(c => string.IsNullOrWhiteSpace(c.Value)) is { Key: { } noUser }) return $"Alerts:Telegram:Commands:{noUser}: no username (the bridge user this chat acts as)";
        }

        if (!string.IsNullOrWhiteSpace(Email.Host))
        {
            if (Email.Port is < 1 or > 65_535) return $"Alerts:Email:Port must be 1..65535, not {Email.Port}";
            if (!IsAddress(Email.From)) return $"Alerts:Email:From is not an e-mail address: '{Email.From}'";
            if (Email.To.Length == 0) return "Alerts:Email:To: the SMTP host is set but no recipient is";
            if (Email.To.FirstOrDefault(a => !IsAddress(a)) is { } bad) return $"Alerts:Email:To: '{bad}' is not an e-mail address";
            if (EmailAlertOptions.ParseSecurity(Email.Security) is null) return $"Alerts:Email:Security must be Auto, None, StartTls or SslOnConnect, not '{Email.Security}'";
        }

        foreach (var (name, channel) in Channels())
        {
            var prefix = "Alerts:" + char.ToUpperInvariant(name[0]) + name[1..];
            if (AlertSeverities.Parse(channel.MinSeverity) is null) return $"{prefix}:MinSeverity must be info, warning or critical, not '{channel.MinSeverity}'";
            if (channel.Events.Length == 0) return $"{prefix}:Events is empty: name event kinds, or * for all but signal";
            if (channel.Events.FirstOrDefault(e => e != "*" && !AlertKinds.All.Contains(e)) is { } unknown)
            {
                return $"{prefix}:Events: unknown event kind '{unknown}' (kinds: *, {string.Join(", ", AlertKinds.All)})";
            }

            if (channel.TimeoutSeconds is < 1 or > 300) return $"{prefix}:TimeoutSeconds must be 1..300, not {channel.TimeoutSeconds}";
        }

        return null;
    }

    private static bool IsHttpUrl(string? value) =>
        Uri.TryCreate(value, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps);

    private static bool IsAddress(string? value) => MimeKit.MailboxAddress.TryParse(value ?? "", out var a) && a.Address.Contains('@', StringComparison.Ordinal);
}

/// <summary>What every channel shares: which alerts it takes.</summary>
public abstract record AlertChannelOptions
{
    /// <summary>Event kinds (<see cref="AlertKinds"/>); <c>*</c> = every kind except <c>signal</c>, which a channel gets only by naming it.</summary>
    public string[] Events { get; init; } = ["*"];

    /// <summary><c>info</c>, <c>warning</c> or <c>critical</c>.</summary>
    public string MinSeverity { get; init; } = "info";

    /// <summary>When set, only alerts about these symbols (alerts about no symbol, like the kill switch, always pass).</summary>
    public string[] Symbols { get; init; } = [];

    /// <summary>When set, only alerts about these strategies (alerts about no strategy always pass).</summary>
    public string[] Strategies { get; init; } = [];

    /// <summary>One send's deadline: a slow endpoint counts as failed and is retried.</summary>
    public int TimeoutSeconds { get; init; } = 10;
}

/// <summary><c>Alerts:Discord</c>.</summary>
public sealed record DiscordAlertOptions : AlertChannelOptions
{
    /// <summary>A secret: from <c>ARB__Alerts__Discord__WebhookUrl</c>.</summary>
    public string? WebhookUrl { get; init; }
}

/// <summary><c>Alerts:Telegram</c>.</summary>
public sealed record TelegramAlertOptions : AlertChannelOptions
{
    /// <summary>A secret: from <c>ARB__Alerts__Telegram__BotToken</c>.</summary>
    public string? BotToken { get; init; }

    public string ApiBaseUrl { get; init; } = "https://api.telegram.org";

    public string[] ChatIds { get; init; } = [];

    /// <summary>
    /// <c>Alerts:Telegram:Commands:&lt;chatId&gt;=&lt;username&gt;</c>: the chats whose commands (<c>/status</c>, <c>/positions</c>,
    /// <c>/risk</c>, <c>/kill</c>, <c>/resume</c>) are obeyed, each acting as a user of the bridge with that user's role.
    /// Empty: no polling.
    /// </summary>
    public Dictionary<string, string> Commands { get; init; } = new(StringComparer.Ordinal);
}

/// <summary><c>Alerts:Email</c> (SMTP).</summary>
public sealed record EmailAlertOptions : AlertChannelOptions
{
    public string? Host { get; init; }

    public int Port { get; init; } = 587;

    public string? From { get; init; }

    public string[] To { get; init; } = [];

    public string? Username { get; init; }

    /// <summary>A secret: from <c>ARB__Alerts__Email__Password</c>.</summary>
    public string? Password { get; init; }

    /// <summary><c>Auto</c> (TLS on 465, STARTTLS when offered elsewhere), <c>None</c>, <c>StartTls</c> (required) or <c>SslOnConnect</c>.</summary>
    public string Security { get; init; } = "Auto";

    public static MailKit.Security.SecureSocketOptions? ParseSecurity(string? value) => value?.Trim().ToLowerInvariant() switch
    {
        "auto" => MailKit.Security.SecureSocketOptions.Auto,
        "none" => MailKit.Security.SecureSocketOptions.None,
        "starttls" => MailKit.Security.SecureSocketOptions.StartTls,
        "sslonconnect" => MailKit.Security.SecureSocketOptions.SslOnConnect,
        _ => null,
    };
}

/// <summary><c>Alerts:Webhook</c>: a generic JSON POST (<c>kind</c>, <c>severity</c>, <c>time_ms</c>, <c>text</c>, <c>dedup_key</c>, ...).</summary>
public sealed record WebhookAlertOptions : AlertChannelOptions
{
    /// <summary>A secret (it often carries a token): from <c>ARB__Alerts__Webhook__Url</c>.</summary>
    public string? Url { get; init; }
}

/// <summary>Reads the alert lists as wholes (as <see cref="ConfigurationLists"/>) and refuses secrets found in a JSON file.</summary>
public static class AlertsConfiguration
{
    public static readonly IReadOnlyList<string> SecretKeys =
        ["Alerts:Discord:WebhookUrl", "Alerts:Telegram:BotToken", "Alerts:Email:Password", "Alerts:Webhook:Url"];

    /// <summary>
    /// <paramref name="bound"/> with each list (<c>Events</c>, <c>Symbols</c>, <c>Strategies</c>, <c>ChatIds</c>, <c>To</c>)
    /// from the highest-priority source that names it (a JSON array, <c>__0</c>... elements, or one comma-separated value).
    /// </summary>
    public static AlertsOptions Apply(IConfigurationRoot configuration, AlertsOptions bound)
    {
        string[] List(string section, string key, string[] fallback) =>
            ConfigurationLists.Read(configuration, $"Alerts:{section}:{key}") ?? fallback;

        T Lists<T>(string section, T channel)
            where T : AlertChannelOptions => channel with
        {
            Events = [.. List(section, "Events", ["*"]).Select(e => e.ToLowerInvariant())],
            Symbols = ConfigurationLists.DistinctSymbols(List(section, "Symbols", [])),
            Strategies = List(section, "Strategies", []),
        };

        return bound with
        {
            Discord = Lists("Discord", bound.Discord),
            Telegram = Lists("Telegram", bound.Telegram) with { ChatIds = List("Telegram", "ChatIds", []) },
            Email = Lists("Email", bound.Email) with { To = List("Email", "To", []) },
            Webhook = Lists("Webhook", bound.Webhook),
        };
    }

    /// <summary>The first secret set in a JSON file (appsettings.json) as one line naming the key and its variable, else null.</summary>
    public static string? SecretInFile(IConfigurationRoot configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        foreach (var provider in configuration.Providers.OfType<JsonConfigurationProvider>())
        {
            foreach (var key in SecretKeys)
            {
                if (provider.TryGet(key, out var value) && !string.IsNullOrWhiteSpace(value))
                {
                    return $"{key} is a secret and is set in {provider.Source.Path}: set it in the environment instead (ARB__{key.Replace(":", "__", StringComparison.Ordinal)})";
                }
            }
        }

        return null;
    }
}
