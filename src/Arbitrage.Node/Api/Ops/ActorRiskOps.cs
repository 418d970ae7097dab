using System.Globalization;
using Akka.Actor;
using Akka.Hosting;
using Arbitrage.Core.Risk;
using Arbitrage.Engine.Risk;

namespace Arbitrage.Node.Api.Ops;

/// <summary><see cref="IRiskOps"/> by Ask to the risk-guard singleton (through its proxy).</summary>
public sealed class ActorRiskOps(Func<CancellationToken, Task<IActorRef>> guard, TimeSpan timeout) : IRiskOps
{
    /// <summary>Merge-and-set attempts when another operator changes the parameters in between.</summary>
    public const int ParameterAttempts = 3;

    public ActorRiskOps(IRequiredActor<Engine.Hosting.RiskGuard> guard, TimeSpan timeout)
        : this(ct => guard.GetAsync(ct), timeout)
    {
    }

    public Task<OpsOutcome> KillAsync(string user, string reason, CancellationToken ct) =>
        AskAsync(new EngageKillSwitch(user, reason), "kill switch engaged: positions flattened, new orders blocked", ct);

    public Task<OpsOutcome> ResumeAsync(string user, CancellationToken ct) =>
        AskAsync(new ResumeTrading(user), "trading resumed", ct);

    public Task<OpsOutcome> SetTradingEnabledAsync(string user, bool enabled, CancellationToken ct) =>
        AskAsync(new SetTradingEnabled(enabled, user),
            enabled ? "trading on: new signals are traded" : "trading off: new signals are blocked, open positions stay managed", ct);

    public Task<OpsOutcome> ClosePositionAsync(string user, string symbol, CancellationToken ct) =>
        GuardedAsync(async actor =>
        {
            var reply = await actor.Ask<object>(new ClosePositionCommand(symbol, user), timeout, ct).ConfigureAwait(false);
            return reply switch
            {
                RiskStatus s => OpsOutcome.Done($"close of {symbol} sent to the executor; {Summary(s)}"),
                PositionNotFound => OpsOutcome.NotFound($"no open position on {symbol}"),
                _ => Unexpected(reply),
            };
        }, ct);

    public Task<OpsOutcome> SetParametersAsync(string user, RiskParametersPatch patch, CancellationToken ct) =>
        GuardedAsync(async actor =>
        {
            var current = (await actor.Ask<RiskStatus>(new GetRiskStatus(), timeout, ct).ConfigureAwait(false)).State.Parameters;
            for (var attempt = 0; attempt < ParameterAttempts; attempt++)
            {
                // Expected = what the merge was based on: the guard refuses it if someone changed the parameters meanwhile.
                var reply = await actor.Ask<object>(new SetRiskParameters(patch.ApplyTo(current), user, current), timeout, ct).ConfigureAwait(false);
                switch (reply)
                {
                    case RiskStatus s:
                        return OpsOutcome.Done($"risk parameters now {Describe(s.State.Parameters)}");
                    case RiskParametersRejected r:
                        return OpsOutcome.Invalid(RiskParametersPatch.JsonName(FieldSent(r.Parameter, patch)), r.Reason);
                    case RiskParametersChanged c:
                        current = c.Current;
                        continue;
                    default:
                        return Unexpected(reply);
                }
            }

            return OpsOutcome.Rejected("the risk parameters kept changing concurrently; nothing changed, try again");
        }, ct);

    /// <summary>A hold pair that fails names the one of the two the operator sent (the other is the guard's current value).</summary>
    private static string FieldSent(string parameter, RiskParametersPatch patch) => parameter switch
    {
        nameof(RiskParameters.HoldForceCloseMs) when patch.HoldForceCloseMs is null && patch.HoldAlertMs is not null => nameof(RiskParameters.HoldAlertMs),
        nameof(RiskParameters.HoldAlertMs) when patch.HoldAlertMs is null && patch.HoldForceCloseMs is not null => nameof(RiskParameters.HoldForceCloseMs),
        _ => parameter,
    };

    public static string Describe(RiskParameters p) => string.Create(CultureInfo.InvariantCulture,
        $"riskPerTradeUsd={p.RiskPerTradeUsd} dailyLossLimitR={p.DailyLossLimitR} maxConsecutiveLosses={p.MaxConsecutiveLosses} " +
        $"consecutiveLossPauseMs={p.ConsecutiveLossPauseMs} disconnectGraceMs={p.DisconnectGraceMs} minBalanceInR={p.MinBalanceInR} " +
        $"staleDataMs={p.StaleDataMs} holdAlertMs={p.HoldAlertMs} holdForceCloseMs={p.HoldForceCloseMs}");

    private static string Summary(RiskStatus s) =>
        $"kill switch {(s.State.KillSwitch is null ? "off" : "on")}, trading {(s.TradingEnabled ? "on" : "off")}, {s.Positions.Count} open position(s)";

    private static OpsOutcome Unexpected(object reply) => OpsOutcome.Rejected($"unexpected reply {reply.GetType().Name}");

    private Task<OpsOutcome> AskAsync(object command, string done, CancellationToken ct) =>
        GuardedAsync(async actor =>
        {
            var status = await actor.Ask<RiskStatus>(command, timeout, ct).ConfigureAwait(false);
            return OpsOutcome.Done($"{done}; {Summary(status)}");
        }, ct);

    private async Task<OpsOutcome> GuardedAsync(Func<IActorRef, Task<OpsOutcome>> run, CancellationToken ct)
    {
        try
        {
            var actor = await guard(ct).ConfigureAwait(false);
            return await run(actor).ConfigureAwait(false);
        }
        catch (Exception e) when (e is AskTimeoutException or TaskCanceledException)
        {
            return OpsOutcome.Unavailable($"the risk guard did not answer within {timeout.TotalSeconds:0.#} s");
        }
    }
}
