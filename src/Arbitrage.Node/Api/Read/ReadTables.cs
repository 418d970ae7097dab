using System.Collections.Concurrent;
using Arbitrage.Engine.Persistence;
using Arbitrage.Engine.Projections;

namespace Arbitrage.Node.Api.Read;

/// <summary>
/// Creates the projected read tables once per database before a read (the projections may not have run yet on a fresh
/// database), so an empty table means "nothing yet" and a database error is an outage, never an empty answer.
/// </summary>
internal static class ReadTables
{
    private static readonly ConcurrentDictionary<Database, Task> Ready = new();

    public static Task EnsureAsync(Database db, CancellationToken ct)
    {
        var ready = Ready.GetOrAdd(db, d => new ProjectionStore(d).EnsureSchemaAsync(ReadModels.DefaultHandlers(), CancellationToken.None));
        if (ready.IsFaulted || ready.IsCanceled)
        {
            // Retried by the next read (the database may be back).
            Ready.TryRemove(new KeyValuePair<Database, Task>(db, ready));
        }

        return ready.WaitAsync(ct);
    }
}
