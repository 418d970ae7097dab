using System.Data.Common;
using Arbitrage.Core.MarketData;
using Arbitrage.Engine.Persistence;
using Microsoft.Data.Sqlite;
using Npgsql;
using NpgsqlTypes;

namespace Arbitrage.Engine.Recording;

/// <summary>
/// The market tape in the database (ARCHITECTURE §8): table <c>agg_trades</c>, primary key
/// (symbol, agg_id), written in batches — one transaction with a prepared statement on SQLite, binary
/// COPY on PostgreSQL — and read back in agg-id order for warm-up after long outages and for replays.
/// Re-inserting a trade is a no-op (idempotent), so a recorder may overlap after a restart.
/// </summary>
public sealed class AggTradeStore(Database database)
{
    public async Task EnsureSchemaAsync(CancellationToken ct = default)
    {
        var ddl = database.Backend == StorageBackend.PostgreSql
            ? """
              CREATE TABLE IF NOT EXISTS agg_trades (
                symbol text NOT NULL, agg_id bigint NOT NULL, price double precision NOT NULL,
                quantity double precision NOT NULL, time_ms bigint NOT NULL, is_buyer_maker boolean NOT NULL,
                PRIMARY KEY (symbol, agg_id));
              CREATE INDEX IF NOT EXISTS agg_trades_time ON agg_trades (symbol, time_ms);
              """
            : """
              CREATE TABLE IF NOT EXISTS agg_trades (
                symbol TEXT NOT NULL, agg_id INTEGER NOT NULL, price REAL NOT NULL,
                quantity REAL NOT NULL, time_ms INTEGER NOT NULL, is_buyer_maker INTEGER NOT NULL,
                PRIMARY KEY (symbol, agg_id)) WITHOUT ROWID;
              CREATE INDEX IF NOT EXISTS agg_trades_time ON agg_trades (symbol, time_ms);
              """;
        await database.EnsureSchemaAsync([ddl], ct).ConfigureAwait(false);
    }

    /// <summary>Inserts a batch; trades already stored are skipped. Returns the number of new rows.</summary>
    public async Task<int> InsertAsync(string symbol, ReadOnlyMemory<Trade> trades, CancellationToken ct = default)
    {
        if (trades.Length == 0)
        {
            return 0;
        }

        await using var connection = await database.OpenConnectionAsync(ct).ConfigureAwait(false);
        return database.Backend == StorageBackend.PostgreSql
            ? await InsertPostgresAsync((NpgsqlConnection)connection, symbol, trades, ct).ConfigureAwait(false)
            : await InsertSqliteAsync((SqliteConnection)connection, symbol, trades, ct).ConfigureAwait(false);
    }

    /// <summary>Trades of a symbol with agg id ≥ <paramref name="fromAggId"/>, ascending, at most <paramref name="limit"/>.</summary>
    public async Task<IReadOnlyList<Trade>> ReadAsync(string symbol, long fromAggId, int limit, CancellationToken ct = default)
    {
        await using var connection = await database.OpenConnectionAsync(ct).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT agg_id, price, quantity, time_ms, is_buyer_maker FROM agg_trades WHERE symbol = @s AND agg_id >= @f ORDER BY agg_id LIMIT @l";
        Add(command, "@s", symbol);
        Add(command, "@f", fromAggId);
        Add(command, "@l", limit);
        var result = new List<Trade>();
        await using var reader = await command.ExecuteReaderAsync(ct).ConfigureAwait(false);
        while (await reader.ReadAsync(ct).ConfigureAwait(false))
        {
            result.Add(new Trade(reader.GetInt64(0), reader.GetDouble(1), reader.GetDouble(2), reader.GetInt64(3), reader.GetBoolean(4)));
        }

        return result;
    }

    /// <summary>Trades of a symbol with <paramref name="fromMs"/> ≤ time_ms &lt; <paramref name="toMs"/>, in agg-id order, streamed.</summary>
    public async IAsyncEnumerable<Trade> ReadTimeRangeAsync(string symbol, long fromMs, long toMs, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken ct = default)
    {
        await using var connection = await database.OpenConnectionAsync(ct).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT agg_id, price, quantity, time_ms, is_buyer_maker FROM agg_trades WHERE symbol = @s AND time_ms >= @f AND time_ms < @t ORDER BY agg_id";
        Add(command, "@s", symbol);
        Add(command, "@f", fromMs);
        Add(command, "@t", toMs);
        await using var reader = await command.ExecuteReaderAsync(ct).ConfigureAwait(false);
        while (await reader.ReadAsync(ct).ConfigureAwait(false))
        {
            yield return new Trade(reader.GetInt64(0), reader.GetDouble(1), reader.GetDouble(2), reader.GetInt64(3), reader.GetBoolean(4));
        }
    }

    /// <summary>The time of the newest stored trade of a symbol, or null when it has none.</summary>
    public async Task<long?> NewestTimeAsync(string symbol, CancellationToken ct = default)
    {
        await using var connection = await database.OpenConnectionAsync(ct).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT MAX(time_ms) FROM agg_trades WHERE symbol = @s";
        Add(command, "@s", symbol);
        return await command.ExecuteScalarAsync(ct).ConfigureAwait(false) is { } v and not DBNull ? Convert.ToInt64(v, System.Globalization.CultureInfo.InvariantCulture) : null;
    }

    private static async Task<int> InsertSqliteAsync(SqliteConnection connection, string symbol, ReadOnlyMemory<Trade> trades, CancellationToken ct)
    {
        await using var tx = (SqliteTransaction)await connection.BeginTransactionAsync(ct).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        command.Transaction = tx;
        command.CommandText = "INSERT OR IGNORE INTO agg_trades (symbol, agg_id, price, quantity, time_ms, is_buyer_maker) VALUES ($s, $a, $p, $q, $t, $m)";
        var s = command.Parameters.Add("$s", SqliteType.Text);
        var a = command.Parameters.Add("$a", SqliteType.Integer);
        var p = command.Parameters.Add("$p", SqliteType.Real);
        var q = command.Parameters.Add("$q", SqliteType.Real);
        var t = command.Parameters.Add("$t", SqliteType.Integer);
        var m = command.Parameters.Add("$m", SqliteType.Integer);
        command.Prepare();
        s.Value = symbol;
        var inserted = 0;
        for (var i = 0; i < trades.Length; i++)
        {
            var trade = trades.Span[i];
            a.Value = trade.AggId;
            p.Value = trade.Price;
            q.Value = trade.Quantity;
            t.Value = trade.TimeMs;
            m.Value = trade.IsBuyerMaker ? 1 : 0;
            inserted += await command.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
        }

        await tx.CommitAsync(ct).ConfigureAwait(false);
        return inserted;
    }

    private static async Task<int> InsertPostgresAsync(NpgsqlConnection connection, string symbol, ReadOnlyMemory<Trade> trades, CancellationToken ct)
    {
        // COPY cannot skip duplicates: copy into a temp table, then insert what is new.
        await using var tx = await connection.BeginTransactionAsync(ct).ConfigureAwait(false);
        await using (var create = new NpgsqlCommand("CREATE TEMP TABLE agg_trades_in (LIKE agg_trades INCLUDING DEFAULTS) ON COMMIT DROP", connection, tx))
        {
            await create.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
        }

        await using (var writer = await connection.BeginBinaryImportAsync(
            "COPY agg_trades_in (symbol, agg_id, price, quantity, time_ms, is_buyer_maker) FROM STDIN (FORMAT BINARY)", ct).ConfigureAwait(false))
        {
            for (var i = 0; i < trades.Length; i++)
            {
                var trade = trades.Span[i];
                await writer.StartRowAsync(ct).ConfigureAwait(false);
                await writer.WriteAsync(symbol, NpgsqlDbType.Text, ct).ConfigureAwait(false);
                await writer.WriteAsync(trade.AggId, NpgsqlDbType.Bigint, ct).ConfigureAwait(false);
                await writer.WriteAsync(trade.Price, NpgsqlDbType.Double, ct).ConfigureAwait(false);
                await writer.WriteAsync(trade.Quantity, NpgsqlDbType.Double, ct).ConfigureAwait(false);
                await writer.WriteAsync(trade.TimeMs, NpgsqlDbType.Bigint, ct).ConfigureAwait(false);
                await writer.WriteAsync(trade.IsBuyerMaker, NpgsqlDbType.Boolean, ct).ConfigureAwait(false);
            }

            await writer.CompleteAsync(ct).ConfigureAwait(false);
        }

        int inserted;
        await using (var merge = new NpgsqlCommand("INSERT INTO agg_trades SELECT * FROM agg_trades_in ON CONFLICT (symbol, agg_id) DO NOTHING", connection, tx))
        {
            inserted = await merge.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
        }

        await tx.CommitAsync(ct).ConfigureAwait(false);
        return inserted;
    }

    private static void Add(DbCommand command, string name, object value)
    {
        var p = command.CreateParameter();
        p.ParameterName = name;
        p.Value = value;
        command.Parameters.Add(p);
    }
}
