using System.CommandLine;
using Arbitrage.Cli.Bridge;

namespace Arbitrage.Cli.Commands;

/// <summary><c>arbctl risk status|kill|resume</c> and <c>arbctl strategies list|enable|disable</c>.</summary>
internal static class OpsCommands
{
    public static Command Risk()
    {
        var reason = new Option<string>("--reason", "-r") { Description = "Why (kept in the audit log).", Required = true };
        return new Command("risk", "The risk guard: state, kill switch, resume.")
        {
            CommandRunner.Leaf("status", "Risk state, breakers and held positions.", async (_, c, json, ct) =>
            {
                Output.Render(await c.SendAsync(HttpMethod.Get, "/api/risk", null, ct).ConfigureAwait(false), json, "risk");
                return ExitCodes.Ok;
            }),
            CommandRunner.Leaf("kill", "Engage the kill switch: flatten everything and block new orders (operator).", async (p, c, json, ct) =>
            {
                Output.Render(await c.SendAsync(HttpMethod.Post, "/api/ops/kill", new { reason = p.GetValue(reason) }, ct).ConfigureAwait(false), json);
                return ExitCodes.Ok;
            }, reason),
            CommandRunner.Leaf("resume", "Release the kill switch and the manual breakers (operator).", async (_, c, json, ct) =>
            {
                Output.Render(await c.SendAsync(HttpMethod.Post, "/api/ops/resume", null, ct).ConfigureAwait(false), json);
                return ExitCodes.Ok;
            }),
        };
    }

    public static Command Strategies()
    {
        Argument<string> Id() => new("id") { Description = "Strategy id." };
        var enableId = Id();
        var disableId = Id();
        return new Command("strategies", "Running strategies.")
        {
            CommandRunner.Leaf("list", "Strategies with version, symbols and enabled state.", async (_, c, json, ct) =>
            {
                Output.Render(await c.SendAsync(HttpMethod.Get, "/api/strategies", null, ct).ConfigureAwait(false), json, "strategies");
                return ExitCodes.Ok;
            }),
            CommandRunner.Leaf("enable", "Enable a strategy (operator).", async (p, c, json, ct) =>
            {
                Output.Render(await c.SendAsync(HttpMethod.Post, $"/api/ops/strategies/{Uri.EscapeDataString(p.GetValue(enableId)!)}/enable", null, ct).ConfigureAwait(false), json);
                return ExitCodes.Ok;
            }, enableId),
            CommandRunner.Leaf("disable", "Disable a strategy (operator).", async (p, c, json, ct) =>
            {
                Output.Render(await c.SendAsync(HttpMethod.Post, $"/api/ops/strategies/{Uri.EscapeDataString(p.GetValue(disableId)!)}/disable", null, ct).ConfigureAwait(false), json);
                return ExitCodes.Ok;
            }, disableId),
        };
    }
}
