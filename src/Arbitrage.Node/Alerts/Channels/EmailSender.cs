using MailKit.Net.Smtp;
using MimeKit;

namespace Arbitrage.Node.Alerts.Channels;

/// <summary>
/// E-mail over SMTP (MailKit): one message per alert to every <c>Alerts:Email:To</c>, subject
/// <c>[severity] kind symbol</c>, the dedup key in the <c>X-Arbitrage-Dedup-Key</c> header. 4xx SMTP replies are retried,
/// 5xx refusals are not.
/// </summary>
public sealed class EmailSender(EmailAlertOptions options) : IAlertSender
{
    public const string DedupHeader = "X-Arbitrage-Dedup-Key";

    public string Name => "email";

    public TimeSpan MinInterval => TimeSpan.Zero;

    public async Task<SendOutcome> SendAsync(OutboxEntry entry, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(entry);
        var a = entry.Alert;
        using var message = new MimeMessage();
        message.From.Add(MailboxAddress.Parse(options.From!));
        foreach (var to in options.To)
        {
            message.To.Add(MailboxAddress.Parse(to));
        }

        message.Subject = $"[{a.Severity.Code()}] {a.Kind.Replace('_', ' ')}{(a.Symbol is null ? "" : " " + a.Symbol)}";
        message.Headers.Add(DedupHeader, a.DedupKey);
        message.Date = DateTimeOffset.FromUnixTimeMilliseconds(a.TimeMs);
        message.Body = new TextPart("plain") { Text = a.Text };

        using var client = new SmtpClient { Timeout = options.TimeoutSeconds * 1000 };
        try
        {
            await client.ConnectAsync(options.Host!, options.Port, EmailAlertOptions.ParseSecurity(options.Security) ?? MailKit.Security.SecureSocketOptions.Auto, ct).ConfigureAwait(false);
            if (!string.IsNullOrEmpty(options.Username))
            {
                await client.AuthenticateAsync(options.Username, options.Password ?? "", ct).ConfigureAwait(false);
            }

            await client.SendAsync(message, ct).ConfigureAwait(false);
            await client.DisconnectAsync(true, ct).ConfigureAwait(false);
            return SendOutcome.Ok;
        }
        catch (SmtpCommandException e) when ((int)e.StatusCode >= 500)
        {
            return new SendOutcome.Permanent($"SMTP {(int)e.StatusCode}");
        }
        catch (SmtpCommandException e)
        {
            return new SendOutcome.Transient($"SMTP {(int)e.StatusCode}");
        }
        catch (MailKit.Security.AuthenticationException)
        {
            return new SendOutcome.Transient("SMTP authentication failed");
        }
    }
}
