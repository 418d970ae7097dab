using System.Data.Common;

namespace Arbitrage.Engine.Persistence;

/// <summary>Parameter binding for plain ADO commands that run unchanged on SQLite and PostgreSQL.</summary>
public static class DbCommandParameters
{
    /// <summary>Creates a command on <paramref name="connection"/> with <c>@name</c> parameters (values never spliced into SQL).</summary>
    public static DbCommand Command(this DbConnection connection, string sql, DbTransaction? transaction = null, params (string Name, object? Value)[] parameters)
    {
        var command = connection.CreateCommand();
        command.CommandText = sql;
        command.Transaction = transaction;
        foreach (var (name, value) in parameters)
        {
            var p = command.CreateParameter();
            p.ParameterName = name;
            p.Value = value ?? DBNull.Value;
            command.Parameters.Add(p);
        }

        return command;
    }
}
