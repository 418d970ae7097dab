using System.CommandLine;
using Arbitrage.Cli.Bridge;

namespace Arbitrage.Cli.Commands;

/// <summary><c>arbctl admin invite|users|ban|role</c> (admin).</summary>
internal static class AdminCommands
{
    public static Command Admin()
    {
        var inviteRole = new Option<string>("--role") { Description = "viewer, operator or admin.", Required = true };
        var hours = new Option<int?>("--hours") { Description = "Invite lifetime in hours (1-720)." };
        var banUser = new Argument<string>("username");
        var unban = new Option<bool>("--unban") { Description = "Lift the ban instead." };
        var roleUser = new Argument<string>("username");
        var role = new Argument<string>("role") { Description = "viewer, operator or admin." };
        return new Command("admin", "Users and invites.")
        {
            CommandRunner.Leaf("invite", "Create an invite code for a new user.", async (p, c, json, ct) =>
            {
                Output.Render(await c.SendAsync(HttpMethod.Post, "/api/admin/invites", new { role = p.GetValue(inviteRole), expiresHours = p.GetValue(hours) }, ct).ConfigureAwait(false), json, "invite");
                return ExitCodes.Ok;
            }, inviteRole, hours),
            CommandRunner.Leaf("users", "List users.", async (_, c, json, ct) =>
            {
                Output.Render(await c.SendAsync(HttpMethod.Get, "/api/admin/users", null, ct).ConfigureAwait(false), json, "users");
                return ExitCodes.Ok;
            }),
            CommandRunner.Leaf("ban", "Ban a user (every token stops working at once); --unban lifts it.", async (p, c, json, ct) =>
            {
                var name = Uri.EscapeDataString(p.GetValue(banUser)!);
                var lift = p.GetValue(unban);
                await c.SendAsync(HttpMethod.Post, $"/api/admin/users/{name}/{(lift ? "unban" : "ban")}", null, ct).ConfigureAwait(false);
                System.Console.Out.WriteLine(json ? $"{{\"username\":\"{name}\",\"banned\":{(lift ? "false" : "true")}}}" : $"{p.GetValue(banUser)} {(lift ? "unbanned" : "banned")}");
                return ExitCodes.Ok;
            }, banUser, unban),
            CommandRunner.Leaf("role", "Change a user's role.", async (p, c, json, ct) =>
            {
                Output.Render(await c.SendAsync(HttpMethod.Put, $"/api/admin/users/{Uri.EscapeDataString(p.GetValue(roleUser)!)}/role", new { role = p.GetValue(role) }, ct).ConfigureAwait(false), json);
                return ExitCodes.Ok;
            }, roleUser, role),
        };
    }
}
