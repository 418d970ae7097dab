using Arbitrage.Engine.Persistence;

namespace Arbitrage.Node.Hosting;

/// <summary>
/// The <c>Cluster</c> section as a cluster needs it: seeds that name this actor system on a host and port, roles that
/// are words, and the shared PostgreSQL journal (two processes cannot share one SQLite journal, and a node on its
/// own file would be a second, diverging account).
/// </summary>
public static class ClusterCheck
{
    public const string SystemName = "arbitrage";

    /// <summary>The first problem, as one line naming the key; null when the section is usable.</summary>
    public static string? Validate(ClusterNodeOptions cluster, Database database)
    {
        for (var i = 0; i < cluster.Seeds.Length; i++)
        {
            var seed = cluster.Seeds[i];
            if (!Uri.TryCreate(seed, UriKind.Absolute, out var uri) || uri.Scheme != "akka.tcp" || uri.UserInfo != SystemName
                || string.IsNullOrEmpty(uri.Host) || uri.Port <= 0 || uri.AbsolutePath is not ("" or "/"))
            {
                return $"Cluster:Seeds:{i} (ARB__Cluster__Seeds__{i}): '{seed}' is not a seed address: akka.tcp://{SystemName}@HOST:PORT, " +
                    "with the seed node's Cluster:Hostname and Cluster:Port";
            }
        }

        for (var i = 0; i < cluster.Roles.Length; i++)
        {
            if (string.IsNullOrWhiteSpace(cluster.Roles[i]) || cluster.Roles[i].Any(c => !(char.IsAsciiLetterOrDigit(c) || c is '-' or '_')))
            {
                return $"Cluster:Roles:{i} (ARB__Cluster__Roles__{i}): '{cluster.Roles[i]}' is not a role name (letters, digits, - and _)";
            }
        }

        if (cluster.Seeds.Length > 0 && database.Backend != StorageBackend.PostgreSql)
        {
            return "Cluster:Seeds (ARB__Cluster__Seeds__0): a cluster needs the shared PostgreSQL journal: set Storage:Postgres " +
                "(ARB__Storage__Postgres) to the same database on every node; SQLite is for a single node";
        }

        return null;
    }
}
