using System.Data.Common;
using Arbitrage.Engine.Persistence;

namespace Arbitrage.Engine.Projections;

/// <summary>A connection and the open batch transaction, with a parameterised execute for handlers.</summary>
public sealed class ProjectionWriter(DbConnection connection, DbTransaction transaction, StorageBackend backend)
{
    public StorageBackend Backend { get; } = backend;

    /// <summary>Runs <paramref name="sql"/> with <c>@name</c> parameters; returns the affected row count.</summary>
    public async Task<int> ExecuteAsync(string sql, CancellationToken ct, params (string Name, object? Value)[] parameters)
    {
        await using var command = connection.Command(sql, transaction, parameters);
        return await command.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
    }
}
