using System.Text.Json;

namespace Arbitrage.Cli.Commands;

/// <summary>The table rows of <c>arbctl cluster show</c>'s shard placement (one row per shard type, member and shard).</summary>
internal static class ClusterShow
{
    public sealed record ShardRow(string Type, string Member, string Shard, string Entities);

    /// <summary>Rows from <c>/api/diag/cluster</c>'s <c>shards</c>; a type or region that did not answer gets a row saying so.</summary>
    public static IReadOnlyList<ShardRow> ShardRows(JsonElement shards)
    {
        var rows = new List<ShardRow>();
        foreach (var type in shards.EnumerateArray())
        {
            var name = type.GetProperty("typeName").GetString() ?? "?";
            if (type.TryGetProperty("error", out var typeError) && typeError.ValueKind == JsonValueKind.String)
            {
                rows.Add(new ShardRow(name, "-", "-", typeError.GetString()!));
            }

            foreach (var region in type.GetProperty("regions").EnumerateArray())
            {
                var member = region.GetProperty("address").GetString() ?? "?";
                foreach (var shard in region.GetProperty("shards").EnumerateArray())
                {
                    var ids = shard.GetProperty("entityIds").EnumerateArray().Select(e => e.GetString()).ToArray();
                    rows.Add(new ShardRow(name, member, shard.GetProperty("shardId").GetString() ?? "?", ids.Length == 0 ? "(none listed)" : string.Join(", ", ids)));
                }

                if (region.TryGetProperty("error", out var regionError) && regionError.ValueKind == JsonValueKind.String)
                {
                    rows.Add(new ShardRow(name, member, "-", regionError.GetString()!));
                }
            }
        }

        return rows;
    }
}
