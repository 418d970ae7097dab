using System.CommandLine;
using System.Text.Json;
using Arbitrage.Cli.Bridge;
using Spectre.Console;

namespace Arbitrage.Cli.Commands;

/// <summary><c>arbctl actors tree</c>, <c>arbctl cluster show|leave|down</c>, <c>arbctl diag shards|deadletters|logs</c> (admin).</summary>
internal static class DiagnosticsCommands
{
    public static Command Actors()
    {
        var depth = new Option<int>("--depth", "-d") { Description = "Levels below /user and /system (1-10).", DefaultValueFactory = _ => 4 };
        var node = new Option<string?>("--node") { Description = "Only this member (its Akka address, as arbctl cluster show lists it)." };
        return new Command("actors", "The actor hierarchy of every cluster member (gathered by the node you ask).")
        {
            CommandRunner.Leaf("tree", "Print each member's actor tree (/user and /system); an unreachable or silent member says why.", async (p, c, json, ct) =>
            {
                var tree = await c.SendAsync(HttpMethod.Get, "/api/diag/actors" + CommandRunner.Query(("depth", p.GetValue(depth)), ("node", p.GetValue(node))), null, ct).ConfigureAwait(false);
                if (json || tree is not { } t)
                {
                    Output.Json(tree);
                    return ExitCodes.Ok;
                }

                var members = t.TryGetProperty("members", out var m) ? m.EnumerateArray().ToArray() : [];
                var root = new Tree($"[bold]{Markup.Escape(c.Url)}[/] ({members.Length} member(s))");
                foreach (var member in members)
                {
                    var address = member.GetProperty("address").GetString()!;
                    if (member.GetProperty("tree") is not { ValueKind: JsonValueKind.Object } memberTree)
                    {
                        root.AddNode($"[bold]{Markup.Escape(address)}[/] [red]{Markup.Escape(member.GetProperty("error").GetString() ?? "no tree")}[/]");
                        continue;
                    }

                    var sub = root.AddNode($"[bold]{Markup.Escape(address)}[/] ({memberTree.GetProperty("count").GetInt32()} actors{(memberTree.GetProperty("truncated").GetBoolean() ? ", truncated" : string.Empty)})");
                    foreach (var r in memberTree.GetProperty("roots").EnumerateArray())
                    {
                        Add(sub.AddNode(Markup.Escape(r.GetProperty("path").GetString()!)), r);
                    }
                }

                AnsiConsole.Write(root);
                return ExitCodes.Ok;
            }, depth, node),
        };
    }

    public static Command Cluster()
    {
        Option<string> Address() => new("--address", "-a") { Description = "Member address, e.g. akka.tcp://arbitrage@10.0.0.5:4053.", Required = true };
        var leaveAddress = Address();
        var downAddress = Address();
        return new Command("cluster", "The whole cluster from any node: members, shard placement, singletons; leave/down; a loopback cluster (up).")
        {
            CommandRunner.Leaf("show", "Members (status, roles, reachable, leader), unreachable members, shard placement per member, singleton locations.", async (_, c, json, ct) =>
            {
                var cluster = await c.SendAsync(HttpMethod.Get, "/api/diag/cluster", null, ct).ConfigureAwait(false);
                if (json || cluster is not { } s)
                {
                    Output.Json(cluster);
                    return ExitCodes.Ok;
                }

                AnsiConsole.MarkupLineInterpolated($"self [bold]{s.GetProperty("self").GetString()}[/], leader [bold]{Output.Cell(s.GetProperty("leader"))}[/]");
                Output.Render(s.GetProperty("members"), json: false, "members");
                var unreachable = s.GetProperty("unreachable").EnumerateArray().Select(u => u.GetString()).ToArray();
                AnsiConsole.MarkupLineInterpolated($"unreachable: {(unreachable.Length == 0 ? "none" : string.Join(", ", unreachable))}");
                if (s.TryGetProperty("shards", out var shards) && shards.ValueKind == JsonValueKind.Array)
                {
                    Output.Render(JsonSerializer.SerializeToElement(ClusterShow.ShardRows(shards)), json: false, "shard placement");
                }

                if (s.TryGetProperty("singletons", out var singletons) && singletons.ValueKind == JsonValueKind.Array)
                {
                    Output.Render(singletons, json: false, "singletons");
                }

                return ExitCodes.Ok;
            }),
            ClusterUpCommand.Create(),
            CommandRunner.Leaf("leave", "Ask a member to leave the cluster gracefully.", async (p, c, json, ct) =>
            {
                Output.Render(await c.SendAsync(HttpMethod.Post, "/api/diag/cluster/leave", new { address = p.GetValue(leaveAddress) }, ct).ConfigureAwait(false), json);
                return ExitCodes.Ok;
            }, leaveAddress),
            CommandRunner.Leaf("down", "Mark a member down (only when it is really gone).", async (p, c, json, ct) =>
            {
                Output.Render(await c.SendAsync(HttpMethod.Post, "/api/diag/cluster/down", new { address = p.GetValue(downAddress) }, ct).ConfigureAwait(false), json);
                return ExitCodes.Ok;
            }, downAddress),
        };
    }

    public static Command Diag()
    {
        var limit = new Option<int?>("--limit") { Description = "Lines (1-500)." };
        var level = new Option<string?>("--level") { Description = "Minimum level: Debug, Information, Warning, Error." };
        var deadLimit = new Option<int?>("--limit") { Description = "Entries (1-200)." };
        return new Command("diag", "Diagnostics: shard regions, dead letters, recent log lines.")
        {
            CommandRunner.Leaf("shards", "Shard regions, their shards and entity ids.", async (_, c, json, ct) =>
            {
                var shards = await c.SendAsync(HttpMethod.Get, "/api/diag/shards", null, ct).ConfigureAwait(false);
                if (json || shards is not { } s)
                {
                    Output.Json(shards);
                    return ExitCodes.Ok;
                }

                foreach (var type in s.EnumerateArray())
                {
                    var rows = type.GetProperty("localShards").EnumerateArray().Select(x => new
                    {
                        shard = x.GetProperty("shardId").GetString(),
                        entities = x.GetProperty("entityCount").GetInt32(),
                        ids = string.Join(", ", x.GetProperty("entityIds").EnumerateArray().Select(i => i.GetString())),
                    });
                    Output.Render(JsonSerializer.SerializeToElement(rows), json: false, type.GetProperty("typeName").GetString());
                }

                return ExitCodes.Ok;
            }),
            CommandRunner.Leaf("deadletters", "Recent dead letters, newest first.", async (p, c, json, ct) =>
            {
                Output.Render(await c.SendAsync(HttpMethod.Get, "/api/diag/deadletters" + CommandRunner.Query(("limit", p.GetValue(deadLimit))), null, ct).ConfigureAwait(false), json, "dead letters");
                return ExitCodes.Ok;
            }, deadLimit),
            CommandRunner.Leaf("logs", "Recent log lines, oldest first.", async (p, c, json, ct) =>
            {
                var lines = await c.SendAsync(HttpMethod.Get, "/api/diag/logs" + CommandRunner.Query(("limit", p.GetValue(limit)), ("level", p.GetValue(level))), null, ct).ConfigureAwait(false);
                if (json || lines is not { } l)
                {
                    Output.Json(lines);
                    return ExitCodes.Ok;
                }

                foreach (var line in l.EnumerateArray())
                {
                    AnsiConsole.MarkupLineInterpolated(
                        $"[grey]{line.GetProperty("timestamp").GetDateTimeOffset():HH:mm:ss}[/] {line.GetProperty("level").GetString()} {Output.Cell(line.GetProperty("source"))}: {line.GetProperty("message").GetString()}");
                }

                return ExitCodes.Ok;
            }, limit, level),
        };
    }

    private static void Add(TreeNode node, JsonElement actor)
    {
        foreach (var child in actor.GetProperty("children").EnumerateArray())
        {
            Add(node.AddNode(Markup.Escape(child.GetProperty("name").GetString()!)), child);
        }
    }
}
