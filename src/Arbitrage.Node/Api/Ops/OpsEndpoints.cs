using System.Globalization;
using System.Security.Claims;
using System.Text.Json;
using System.Text.RegularExpressions;
using Akka.Hosting;
using Arbitrage.Core.Risk;
using Arbitrage.Engine.Audit;
using Arbitrage.Engine.Risk;
using Arbitrage.Engine.Strategies;
using Arbitrage.Node.Api.Errors;
using Arbitrage.Node.Api.Read;
using Arbitrage.Node.Auth;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Arbitrage.Node.Api.Ops;

/// <summary>
/// <c>/api/ops/*</c> (operator): kill, resume, enable/disable strategy, risk parameters, close a position, paper on/off. Each command is audited: the intent
/// is persisted BEFORE the command runs (no audit → no command, 503), the result after.
/// </summary>
public static partial class OpsEndpoints
{
    public const long BodyLimitBytes = 4 * 1024;
    public const int RetryAfterSeconds = ProblemResponses.RetryAfterSeconds;
    public static readonly TimeSpan DefaultAskTimeout = TimeSpan.FromSeconds(5);

    public sealed record KillRequest(string? Reason);

    public sealed record OpsResponse(string AuditId, string Command, string Status, string Detail);

    /// <summary>
    /// Registers <see cref="IAuditLog"/> over the <see cref="AuditActor"/> and <see cref="IStrategyOps"/> over the
    /// <see cref="StrategiesActor"/> (both resolved from the ActorRegistry when first used), and a 503
    /// <see cref="IRiskOps"/> unless one is registered already.
    /// </summary>
    public static IServiceCollection AddArbitrageOps(this IServiceCollection services, TimeSpan? askTimeout = null)
    {
        var timeout = askTimeout ?? DefaultAskTimeout;
        services.TryAddSingleton<IAuditLog>(sp => new ActorAuditLog(sp.GetRequiredService<IRequiredActor<AuditActor>>(), timeout, sp.GetRequiredService<ILogger<ActorAuditLog>>()));
        services.TryAddSingleton<IStrategyOps>(sp => new ActorStrategyOps(sp.GetRequiredService<IRequiredActor<StrategiesActor>>(), timeout));
        services.TryAddSingleton<ITriangleOps>(sp => new ActorTriangleOps(sp.GetRequiredService<IRequiredActor<Triangles.TriangleKeeper>>(), timeout));
        services.TryAddSingleton<ICarryOps>(sp => new ActorCarryOps(sp.GetRequiredService<IRequiredActor<Hosting.CarryParent>>(), timeout));
        services.TryAddSingleton<IRiskOps, UnwiredRiskOps>();
        return services;
    }

    public static IEndpointRouteBuilder MapOpsEndpoints(this IEndpointRouteBuilder app)
    {
        var ops = app.MapGroup("/api/ops").RequireAuthorization(AuthPolicies.Operator).WithMetadata(new RequestSizeLimitAttribute(BodyLimitBytes));

        ops.MapPost("/kill", (KillRequest? body, HttpContext http, ClaimsPrincipal me, IAuditLog audit, IRiskOps risk) =>
        {
            var reason = body?.Reason?.Trim() ?? string.Empty;
            if (reason.Length is 0 or > 500)
            {
                return Task.FromResult(FieldProblem.Of("reason", "required, at most 500 characters"));
            }

            var user = UserOf(me);
            return RunAsync(http, user, audit, "kill", new Dictionary<string, string> { ["reason"] = reason }, ct => risk.KillAsync(user, reason, ct));
        }).WithName("OpsKill");

        ops.MapPost("/resume", (HttpContext http, ClaimsPrincipal me, IAuditLog audit, IRiskOps risk) =>
        {
            var user = UserOf(me);
            return RunAsync(http, user, audit, "resume", new Dictionary<string, string>(), ct => risk.ResumeAsync(user, ct));
        }).WithName("OpsResume");

        // The framework reads the body (JSON content type, size limit, well-formed JSON: 415/413/400 problems); the patch is
        // then checked strictly, field by field.
        ops.MapPut("/risk/parameters", async ([FromBody] JsonElement body, HttpContext http, ClaimsPrincipal me, IAuditLog audit, IRiskOps risk) =>
        {
            if (!RiskParametersPatch.TryParse(body, out var patch, out var field, out var error))
            {
                return FieldProblem.Of(field, error);
            }

            // Values wrong on their own (or a wrong hold pair given together) are refused before the audit; a hold value
            // wrong only against the guard's current other one is refused by the guard (audited, still 400).
            var alone = patch.ApplyTo(new RiskParameters()) with { HoldAlertMs = patch.HoldAlertMs ?? 1, HoldForceCloseMs = patch.HoldForceCloseMs ?? long.MaxValue };
            if (RiskGuardActor.InvalidParameter(alone) is { } bad)
            {
                return FieldProblem.Of(RiskParametersPatch.JsonName(bad.Parameter), bad.Reason);
            }

            var user = UserOf(me);
            return await RunAsync(http, user, audit, "risk.parameters", patch.ToArguments(), ct => risk.SetParametersAsync(user, patch, ct)).ConfigureAwait(false);
        }).WithName("OpsSetRiskParameters");

        ops.MapPost("/positions/{symbol}/close", (string symbol, HttpContext http, ClaimsPrincipal me, IAuditLog audit, IRiskOps risk) =>
        {
            if (!SymbolPattern().IsMatch(symbol))
            {
                return Task.FromResult(FieldProblem.Of("symbol", "2 to 30 letters or digits, e.g. BTCUSDT"));
            }

            symbol = symbol.ToUpperInvariant();
            var user = UserOf(me);
            return RunAsync(http, user, audit, "position.close", new Dictionary<string, string> { ["symbol"] = symbol }, ct => risk.ClosePositionAsync(user, symbol, ct));
        }).WithName("OpsClosePosition");

        ops.MapPost("/paper/on", (HttpContext http, ClaimsPrincipal me, IAuditLog audit, IRiskOps risk) => SetTradingAsync(true, http, me, audit, risk)).WithName("OpsPaperOn");
        ops.MapPost("/paper/off", (HttpContext http, ClaimsPrincipal me, IAuditLog audit, IRiskOps risk) => SetTradingAsync(false, http, me, audit, risk)).WithName("OpsPaperOff");

        ops.MapPost("/carry/{symbol}/open", (string symbol, CarryOpenRequest? body, HttpContext http, ClaimsPrincipal me, IAuditLog audit, ICarryOps carry) =>
        {
            if (!SymbolPattern().IsMatch(symbol))
            {
                return Task.FromResult(FieldProblem.Of("symbol", "2 to 30 characters: A-Z, 0-9 or '_'"));
            }

            if (body?.NotionalUsd is not { } notional || notional <= 0m || notional > 10_000_000m)
            {
                return Task.FromResult(FieldProblem.Of("notionalUsd", "required, > 0 and at most 10,000,000"));
            }

            var user = UserOf(me);
            var upper = symbol.ToUpperInvariant();
            return RunAsync(http, user, audit, "carry.open",
                new Dictionary<string, string> { ["symbol"] = upper, ["notionalUsd"] = notional.ToString(CultureInfo.InvariantCulture) },
                ct => carry.OpenAsync(upper, notional, user, ct));
        }).WithName("OpsCarryOpen");
        ops.MapPost("/carry/{symbol}/close", (string symbol, CarryCloseRequest? body, HttpContext http, ClaimsPrincipal me, IAuditLog audit, ICarryOps carry) =>
        {
            if (!SymbolPattern().IsMatch(symbol))
            {
                return Task.FromResult(FieldProblem.Of("symbol", "2 to 30 characters: A-Z, 0-9 or '_'"));
            }

            var reason = string.IsNullOrWhiteSpace(body?.Reason) ? "closed by operator" : body.Reason.Trim();
            if (reason.Length > 500)
            {
                return Task.FromResult(FieldProblem.Of("reason", "at most 500 characters"));
            }

            var user = UserOf(me);
            var upper = symbol.ToUpperInvariant();
            return RunAsync(http, user, audit, "carry.close", new Dictionary<string, string> { ["symbol"] = upper, ["reason"] = reason },
                ct => carry.CloseAsync(upper, reason, user, ct));
        }).WithName("OpsCarryClose");

        ops.MapPost("/strategies/{id}/enable", (string id, HttpContext http, ClaimsPrincipal me, IAuditLog audit, IStrategyOps strategies) =>
            SetStrategyAsync(id, true, http, me, audit, strategies)).WithName("OpsEnableStrategy");
        ops.MapPost("/strategies/{id}/disable", (string id, HttpContext http, ClaimsPrincipal me, IAuditLog audit, IStrategyOps strategies) =>
            SetStrategyAsync(id, false, http, me, audit, strategies)).WithName("OpsDisableStrategy");
        ops.MapPost("/triangles/{id}/enable", (string id, HttpContext http, ClaimsPrincipal me, IAuditLog audit, ITriangleOps triangles) =>
            SetTriangleAsync(id, true, http, me, audit, triangles)).WithName("OpsEnableTriangle");
        ops.MapPost("/triangles/{id}/disable", (string id, HttpContext http, ClaimsPrincipal me, IAuditLog audit, ITriangleOps triangles) =>
            SetTriangleAsync(id, false, http, me, audit, triangles)).WithName("OpsDisableTriangle");
        return app;
    }

    private static Task<IResult> SetTradingAsync(bool enabled, HttpContext http, ClaimsPrincipal me, IAuditLog audit, IRiskOps risk)
    {
        var user = UserOf(me);
        return RunAsync(http, user, audit, enabled ? "paper.on" : "paper.off", new Dictionary<string, string>(), ct => risk.SetTradingEnabledAsync(user, enabled, ct));
    }

    private static Task<IResult> SetStrategyAsync(string id, bool enabled, HttpContext http, ClaimsPrincipal me, IAuditLog audit, IStrategyOps strategies)
    {
        if (!StrategyIdPattern().IsMatch(id))
        {
            return Task.FromResult(FieldProblem.Of("id", "1 to 64 characters: letters, digits, '.', '_' or '-'"));
        }

        var command = enabled ? "strategy.enable" : "strategy.disable";
        return RunAsync(http, UserOf(me), audit, command, new Dictionary<string, string> { ["id"] = id }, ct => strategies.SetEnabledAsync(id, enabled, ct));
    }

    private static Task<IResult> SetTriangleAsync(string id, bool enabled, HttpContext http, ClaimsPrincipal me, IAuditLog audit, ITriangleOps triangles)
    {
        if (!StrategyIdPattern().IsMatch(id))
        {
            return Task.FromResult(FieldProblem.Of("id", "1 to 64 characters: letters, digits, '.', '_' or '-'"));
        }

        var command = enabled ? "triangle.enable" : "triangle.disable";
        return RunAsync(http, UserOf(me), audit, command, new Dictionary<string, string> { ["id"] = id }, ct => triangles.SetEnabledAsync(id, enabled, ct));
    }

    public sealed record CarryOpenRequest(decimal? NotionalUsd);

    public sealed record CarryCloseRequest(string? Reason);

    private static async Task<IResult> RunAsync(
        HttpContext http, string user, IAuditLog audit, string command, Dictionary<string, string> arguments, Func<CancellationToken, Task<OpsOutcome>> execute)
    {
        var (auditId, outcome) = await AuditedAsync(user, audit, command, arguments, execute, http.RequestAborted).ConfigureAwait(false);
        if (auditId is null)
        {
            return Unavailable(outcome.Detail);
        }

        var status = outcome.Status.ToString().ToLowerInvariant();
        if (outcome.Status == OpsStatus.Done)
        {
            return Results.Ok(new OpsResponse(auditId, command, status, outcome.Detail));
        }

        // Not done: a problem (RFC 9457) that still carries the audit id, the command and its result word.
        var audited = new Dictionary<string, object?> { ["auditId"] = auditId, ["command"] = command, ["result"] = status };
        return outcome.Status switch
        {
            OpsStatus.NotFound => Results.Problem(statusCode: StatusCodes.Status404NotFound, detail: outcome.Detail, extensions: audited),
            OpsStatus.Rejected => Results.Problem(statusCode: StatusCodes.Status409Conflict, detail: outcome.Detail, extensions: audited),
            OpsStatus.Invalid => Results.ValidationProblem(
                new Dictionary<string, string[]> { [outcome.Field ?? "body"] = [outcome.Detail] },
                detail: $"{outcome.Field ?? "body"}: {outcome.Detail}",
                title: $"Invalid {outcome.Field ?? "body"}",
                extensions: audited),
            _ => Unavailable(outcome.Detail, audited),
        };
    }

    /// <summary>
    /// One operator command, audited: the intent is persisted BEFORE it runs (no audit id → not run, an unavailable
    /// outcome and a null id), the result after. The HTTP ops and the Telegram commands both go through here.
    /// </summary>
    public static async Task<(string? AuditId, OpsOutcome Outcome)> AuditedAsync(
        string user, IAuditLog audit, string command, IReadOnlyDictionary<string, string> arguments, Func<CancellationToken, Task<OpsOutcome>> execute, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(audit);
        ArgumentNullException.ThrowIfNull(execute);
        var auditId = await audit.BeginAsync(user, command, JsonSerializer.Serialize(arguments), ct).ConfigureAwait(false);
        if (auditId is null)
        {
            return (null, OpsOutcome.Unavailable("the audit log is unavailable; the command was not run"));
        }

        OpsOutcome outcome;
        try
        {
            // Not the caller's token: once audited, the command runs to its own timeout even if the caller leaves.
            outcome = await execute(CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception e) when (e is TimeoutException or OperationCanceledException or Akka.Actor.AskTimeoutException)
        {
            outcome = OpsOutcome.Unavailable("the target did not answer in time");
        }

        await audit.CompleteAsync(auditId, $"{outcome.Status.ToString().ToLowerInvariant()}: {outcome.Detail}", CancellationToken.None).ConfigureAwait(false);
        return (auditId, outcome);
    }

    private static IResult Unavailable(string detail, Dictionary<string, object?>? extensions = null)
    {
        extensions ??= [];
        extensions["retryAfterSeconds"] = RetryAfterSeconds;
        return new RetryLater(Results.Problem(statusCode: StatusCodes.Status503ServiceUnavailable, detail: detail, extensions: extensions));
    }

    private static string UserOf(ClaimsPrincipal me) => me.FindFirstValue(AuthClaims.Name) ?? "?";

    [GeneratedRegex("^[A-Za-z0-9_.-]{1,64}$")]
    private static partial Regex StrategyIdPattern();

    [GeneratedRegex("^[A-Za-z0-9_]{2,30}$")]
    private static partial Regex SymbolPattern();
}
