using System.Globalization;
using System.Text;
using Akka.Actor;
using Akka.Hosting;
using Arbitrage.Engine.Hosting;
using Arbitrage.Engine.Risk;
using Arbitrage.Node.Api;
using Arbitrage.Node.Api.Ops;
using Arbitrage.Node.Auth;

namespace Arbitrage.Node.Alerts;

/// <summary>
/// The bot's commands from allow-listed chats (<c>Alerts:Telegram:Commands</c>), each chat acting as a user of the bridge
/// with that user's current role and ban state (<see cref="AuthStore"/>). <c>/status</c>, <c>/positions</c>, <c>/risk</c>
/// need a viewer and read what the HTTP reads return; <c>/kill &lt;reason&gt;</c> and <c>/resume</c> need an operator and
/// go through the ops path of <c>POST /api/ops/kill|resume</c> (<see cref="OpsEndpoints.AuditedAsync"/>), audited with
/// the user and <c>"via": "telegram"</c>. A refusal for the role is answered, not audited (as HTTP's 403).
/// </summary>
public sealed class TelegramCommands(
    IReadOnlyDictionary<long, string> chats, AuthStore users, IAuditLog audit, IRiskOps risk, ActorSystem system, IActorRegistry registry, NodeInfo? node)
{
    public static readonly TimeSpan ReadTimeout = TimeSpan.FromSeconds(5);

    private static readonly Dictionary<string, string> Needs = new(StringComparer.Ordinal)
    {
        ["/status"] = Roles.Viewer,
        ["/positions"] = Roles.Viewer,
        ["/risk"] = Roles.Viewer,
        ["/kill"] = Roles.Operator,
        ["/resume"] = Roles.Operator,
    };

    /// <summary>The chats from configuration (validated: numeric ids).</summary>
    public static IReadOnlyDictionary<long, string> ChatsOf(TelegramAlertOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return options.Commands.ToDictionary(c => long.Parse(c.Key, CultureInfo.InvariantCulture), c => c.Value.Trim());
    }

    public bool Allows(long chatId) => chats.ContainsKey(chatId);

    /// <summary>The reply to <paramref name="text"/> from an allow-listed chat.</summary>
    public async Task<string> HandleAsync(long chatId, string text, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(text);
        var username = chats[chatId];
        var trimmed = text.Trim();
        var space = trimmed.IndexOfAny([' ', '\n']);
        var command = (space < 0 ? trimmed : trimmed[..space]).ToLowerInvariant();
        var at = command.IndexOf('@', StringComparison.Ordinal); // "/kill@MyBot" in a group
        command = at < 0 ? command : command[..at];
        var argument = space < 0 ? string.Empty : trimmed[(space + 1)..].Trim();
        if (!Needs.TryGetValue(command, out var needs))
        {
            return $"unknown command '{command}'; commands: {string.Join(", ", Needs.Keys)}";
        }

        var user = await users.FindByUsernameAsync(username, ct).ConfigureAwait(false);
        if (user is null)
        {
            return $"refused: no bridge user '{username}'";
        }

        if (user.Banned)
        {
            return $"refused: user {user.Username} is banned";
        }

        if (!Roles.AtLeast(needs).Contains(user.Role, StringComparer.Ordinal))
        {
            return $"refused: your role ({user.Role}) cannot {command[1..]}";
        }

        return command switch
        {
            "/kill" => await KillAsync(user.Username, argument).ConfigureAwait(false),
            "/resume" => await RunAsync(user.Username, "resume", new Dictionary<string, string>(), c => risk.ResumeAsync(user.Username, c)).ConfigureAwait(false),
            "/status" => await StatusAsync(ct).ConfigureAwait(false),
            "/positions" => await PositionsAsync(ct).ConfigureAwait(false),
            _ => await RiskAsync(ct).ConfigureAwait(false),
        };
    }

    private Task<string> KillAsync(string user, string reason)
    {
        // The same rule as POST /api/ops/kill's body.
        if (reason.Length is 0 or > 500)
        {
            return Task.FromResult("refused: /kill <reason>: the reason is required, at most 500 characters");
        }

        return RunAsync(user, "kill", new Dictionary<string, string> { ["reason"] = reason }, c => risk.KillAsync(user, reason, c));
    }

    private async Task<string> RunAsync(string user, string command, Dictionary<string, string> arguments, Func<CancellationToken, Task<OpsOutcome>> execute)
    {
        arguments["via"] = "telegram";
        var (auditId, outcome) = await OpsEndpoints.AuditedAsync(user, audit, command, arguments, execute, CancellationToken.None).ConfigureAwait(false);
        var status = outcome.Status.ToString().ToLowerInvariant();
        return auditId is null ? $"{command}: {status}: {outcome.Detail}" : $"{command}: {status}: {outcome.Detail} (audit {auditId})";
    }

    private async Task<RiskStatus?> RiskStatusAsync(CancellationToken ct)
    {
        if (!registry.TryGet<RiskGuard>(out var guard))
        {
            return null;
        }

        try
        {
            return await guard.Ask<RiskStatus>(new GetRiskStatus(), ReadTimeout, ct).ConfigureAwait(false);
        }
        catch (Exception e) when (e is TimeoutException or AskTimeoutException or OperationCanceledException)
        {
            return null;
        }
    }

    private async Task<string> StatusAsync(CancellationToken ct)
    {
        var cluster = Akka.Cluster.Cluster.Get(system);
        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture, $"node {NodeInfo.Version}");
        if (node is not null)
        {
            text.Append(CultureInfo.InvariantCulture, $", up {node.Uptime.Elapsed.TotalSeconds:0} s");
        }

        var unreachable = cluster.State.Unreachable.Count;
        text.Append(CultureInfo.InvariantCulture, $"; cluster {cluster.SelfMember.Status}, {cluster.State.Members.Count} member(s)");
        if (unreachable > 0)
        {
            text.Append(CultureInfo.InvariantCulture, $", {unreachable} unreachable");
        }

        text.Append("; ").Append(await RiskAsync(ct).ConfigureAwait(false));
        return text.ToString();
    }

    private async Task<string> RiskAsync(CancellationToken ct)
    {
        if (await RiskStatusAsync(ct).ConfigureAwait(false) is not { } s)
        {
            return "risk: the risk guard did not answer";
        }

        var text = new StringBuilder("risk: ");
        text.Append(s.State.KillSwitch is { } kill ? $"KILLED by {kill.By}: {kill.Reason}" : "running");
        text.Append(CultureInfo.InvariantCulture, $", trading {(s.TradingEnabled ? "on" : "off")}, executor {(s.ExecutorReady ? "ready" : "not ready")}");
        text.Append(CultureInfo.InvariantCulture, $", {s.Positions.Count} position(s), daily R {s.State.DailyRealisedR}, losses in a row {s.State.ConsecutiveLosses}");
        if (s.State.BalanceUsd is { } balance)
        {
            text.Append(CultureInfo.InvariantCulture, $", balance {balance} USD");
        }

        foreach (var (rule, breaker) in s.State.Breakers.OrderBy(b => b.Key.ToString(), StringComparer.Ordinal))
        {
            text.Append(CultureInfo.InvariantCulture, $"; breaker {rule}: {breaker.Reason}");
        }

        return text.ToString();
    }

    private async Task<string> PositionsAsync(CancellationToken ct)
    {
        if (await RiskStatusAsync(ct).ConfigureAwait(false) is not { } s)
        {
            return "positions: the risk guard did not answer";
        }

        if (s.Positions.Count == 0)
        {
            return "positions: none open";
        }

        return "positions: " + string.Join("; ", s.Positions.Select(p =>
            $"{p.Symbol} since {DateTimeOffset.FromUnixTimeMilliseconds(p.OpenedAtMs).ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture)} UTC"));
    }
}
