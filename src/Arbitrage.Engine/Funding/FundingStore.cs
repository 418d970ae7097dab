using System.Data.Common;
using Arbitrage.Core.Funding;
using Arbitrage.Engine.Persistence;

namespace Arbitrage.Engine.Funding;

/// <summary>
/// Write side of the funding tables: batched snapshot upserts, retention thinning, settled history
/// (idempotent on (symbol, time)) and the per-symbol funding interval. Thread-safe (a connection per call).
/// </summary>
public sealed class FundingStore
{
    private const string UpsertSnapshotSql = """
        INSERT INTO funding_snapshots (symbol, res_ms, time_ms, mark_open, mark_high, mark_low, mark, index_price,
          estimated_settle, basis, rate, next_funding_ms, event_ms, updates)
        VALUES (@s, @res, @t, @mo, @mh, @ml, @m, @i, @p, @b, @r, @nf, @e, @u)
        ON CONFLICT (symbol, res_ms, time_ms) DO UPDATE SET
          mark_open = excluded.mark_open, mark_high = excluded.mark_high, mark_low = excluded.mark_low, mark = excluded.mark,
          index_price = excluded.index_price, estimated_settle = excluded.estimated_settle, basis = excluded.basis,
          rate = excluded.rate, next_funding_ms = excluded.next_funding_ms, event_ms = excluded.event_ms, updates = excluded.updates
        """;

    // A confirmed row replaces an estimated one; re-importing the same confirmed rows changes nothing.
    private const string UpsertConfirmedSql = """
        INSERT INTO funding_history (symbol, time_ms, rate, estimated, source) VALUES (@s, @t, @r, @est, @src)
        ON CONFLICT (symbol, time_ms) DO UPDATE SET rate = excluded.rate, estimated = excluded.estimated, source = excluded.source
        WHERE funding_history.estimated
        """;

    // Older REST/CSV times carry a few ms of jitter (…00:00:00.002): an estimate near a confirmed time is the same settlement.
    private const string DropNearbyEstimateSql =
        "DELETE FROM funding_history WHERE symbol = @s AND estimated AND time_ms <> @t AND time_ms BETWEEN @lo AND @hi";

    private Task? _schema;

    public FundingStore(Database database)
    {
        Database = database;
    }

    public Database Database { get; }

    /// <summary>Created once; a creation that failed (the database was down) is tried again by the next call, not kept.</summary>
    public Task EnsureSchemaAsync()
    {
        var schema = _schema;
        if (schema is null || schema.IsFaulted || schema.IsCanceled)
        {
            _schema = schema = FundingSchema.EnsureCreatedAsync(Database); // idempotent DDL: a race only repeats it
        }

        return schema;
    }

    /// <summary>Upserts rows in one transaction (one round trip on PostgreSQL); returns the row count.</summary>
    public async Task<int> WriteSnapshotsAsync(IReadOnlyList<FundingSnapshotRow> rows, CancellationToken ct = default)
    {
        if (rows.Count == 0) return 0;
        await EnsureSchemaAsync().ConfigureAwait(false);
        await using var connection = await Database.OpenConnectionAsync(ct).ConfigureAwait(false);
        await using var tx = await connection.BeginTransactionAsync(ct).ConfigureAwait(false);
        if (connection.CanCreateBatch)
        {
            await using var batch = connection.CreateBatch();
            batch.Transaction = tx;
            foreach (var row in rows)
            {
                var c = batch.CreateBatchCommand();
                c.CommandText = UpsertSnapshotSql;
                BindSnapshot(c.Parameters.Add, c.CreateParameter, row);
                batch.BatchCommands.Add(c);
            }

            await batch.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
        }
        else
        {
            await using var command = connection.CreateCommand();
            command.Transaction = tx;
            command.CommandText = UpsertSnapshotSql;
            foreach (var row in rows)
            {
                command.Parameters.Clear();
                BindSnapshot(command.Parameters.Add, command.CreateParameter, row);
                await command.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
            }
        }

        await tx.CommitAsync(ct).ConfigureAwait(false);
        return rows.Count;
    }

    /// <summary>Deletes rows of <paramref name="symbol"/> older than each tier's retention before <paramref name="nowMs"/>.</summary>
    public async Task<int> ThinAsync(string symbol, IReadOnlyList<SnapshotTier> tiers, long nowMs, CancellationToken ct = default)
    {
        await EnsureSchemaAsync().ConfigureAwait(false);
        await using var connection = await Database.OpenConnectionAsync(ct).ConfigureAwait(false);
        var deleted = 0;
        foreach (var tier in tiers)
        {
            if (tier.RetentionMs is not { } keep) continue;
            await using var command = connection.CreateCommand();
            command.CommandText = "DELETE FROM funding_snapshots WHERE symbol = @s AND res_ms = @res AND time_ms < @cut";
            FundingSchema.Add(command, "s", symbol);
            FundingSchema.Add(command, "res", tier.ResolutionMs);
            FundingSchema.Add(command, "cut", nowMs - keep);
            deleted += await command.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
        }

        return deleted;
    }

    /// <summary>Records a settlement seen on the stream, unless the time is already known (confirmed or not).</summary>
    public async Task RecordEstimatedSettlementAsync(string symbol, long timeMs, decimal rate, CancellationToken ct = default)
    {
        await EnsureSchemaAsync().ConfigureAwait(false);
        await using var connection = await Database.OpenConnectionAsync(ct).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        command.CommandText = """
            INSERT INTO funding_history (symbol, time_ms, rate, estimated, source) VALUES (@s, @t, @r, @est, 'stream')
            ON CONFLICT (symbol, time_ms) DO NOTHING
            """;
        FundingSchema.Add(command, "s", symbol);
        FundingSchema.Add(command, "t", timeMs);
        FundingSchema.Add(command, "r", rate);
        FundingSchema.Add(command, "est", true);
        await command.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
    }

    /// <summary>
    /// Stores settled (confirmed) rows in one transaction. Idempotent: the key is (symbol, time); a
    /// confirmed row replaces an estimate at the same time (or within a minute of it).
    /// </summary>
    /// <param name="symbolOverride">Stores every row under this symbol (a CSV's ETH-USDT as ETHUSDT); null = as given.</param>
    public async Task<int> UpsertConfirmedAsync(IReadOnlyList<FundingRateRecord> rows, string source, string? symbolOverride = null, CancellationToken ct = default)
    {
        if (rows.Count == 0) return 0;
        await EnsureSchemaAsync().ConfigureAwait(false);
        await using var connection = await Database.OpenConnectionAsync(ct).ConfigureAwait(false);
        await using var tx = await connection.BeginTransactionAsync(ct).ConfigureAwait(false);
        await using var upsert = connection.CreateCommand();
        upsert.Transaction = tx;
        upsert.CommandText = UpsertConfirmedSql;
        await using var drop = connection.CreateCommand();
        drop.Transaction = tx;
        drop.CommandText = DropNearbyEstimateSql;
        foreach (var row in rows)
        {
            var symbol = symbolOverride ?? row.Symbol;
            upsert.Parameters.Clear();
            FundingSchema.Add(upsert, "s", symbol);
            FundingSchema.Add(upsert, "t", row.TimeMs);
            FundingSchema.Add(upsert, "r", row.Rate);
            FundingSchema.Add(upsert, "est", false);
            FundingSchema.Add(upsert, "src", source);
            await upsert.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
            drop.Parameters.Clear();
            FundingSchema.Add(drop, "s", symbol);
            FundingSchema.Add(drop, "t", row.TimeMs);
            FundingSchema.Add(drop, "lo", row.TimeMs - 60_000);
            FundingSchema.Add(drop, "hi", row.TimeMs + 60_000);
            await drop.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
        }

        await tx.CommitAsync(ct).ConfigureAwait(false);
        return rows.Count;
    }

    /// <summary>Time of the newest confirmed settlement of <paramref name="symbol"/>, or null.</summary>
    public async Task<long?> MaxConfirmedTimeAsync(string symbol, CancellationToken ct = default)
    {
        await EnsureSchemaAsync().ConfigureAwait(false);
        await using var connection = await Database.OpenConnectionAsync(ct).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT MAX(time_ms) FROM funding_history WHERE symbol = @s AND NOT estimated";
        FundingSchema.Add(command, "s", symbol);
        var value = await command.ExecuteScalarAsync(ct).ConfigureAwait(false);
        return value is null or DBNull ? null : Convert.ToInt64(value, System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>
    /// Stores the symbol's funding interval. <c>exchange</c> (fundingInfo) always wins; other sources
    /// (<c>stream</c>: the spacing of a next-funding-time roll) only fill in when the exchange gave none.
    /// </summary>
    public async Task SetIntervalAsync(string symbol, int hours, string source, long nowMs, CancellationToken ct = default)
    {
        FundingInterval.SettlementsPerDay(hours); // validates 1–24
        await EnsureSchemaAsync().ConfigureAwait(false);
        await using var connection = await Database.OpenConnectionAsync(ct).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        command.CommandText = source == IntervalSources.Exchange
            ? """
              INSERT INTO funding_intervals (symbol, interval_hours, source, updated_ms) VALUES (@s, @h, @src, @now)
              ON CONFLICT (symbol) DO UPDATE SET interval_hours = excluded.interval_hours, source = excluded.source, updated_ms = excluded.updated_ms
              """
            : """
              INSERT INTO funding_intervals (symbol, interval_hours, source, updated_ms) VALUES (@s, @h, @src, @now)
              ON CONFLICT (symbol) DO UPDATE SET interval_hours = excluded.interval_hours, source = excluded.source, updated_ms = excluded.updated_ms
              WHERE funding_intervals.source <> 'exchange'
              """;
        FundingSchema.Add(command, "s", symbol);
        FundingSchema.Add(command, "h", hours);
        FundingSchema.Add(command, "src", source);
        FundingSchema.Add(command, "now", nowMs);
        await command.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
    }

    private static void BindSnapshot(Func<DbParameter, int> add, Func<DbParameter> create, FundingSnapshotRow r)
    {
        void P(string name, object value)
        {
            var p = create();
            p.ParameterName = name;
            p.Value = value;
            add(p);
        }

        P("s", r.Symbol);
        P("res", r.ResolutionMs);
        P("t", r.TimeMs);
        P("mo", r.MarkOpen);
        P("mh", r.MarkHigh);
        P("ml", r.MarkLow);
        P("m", r.Mark);
        P("i", r.IndexPrice);
        P("p", r.EstimatedSettlePrice);
        P("b", r.Basis);
        P("r", r.PredictedRate);
        P("nf", r.NextFundingTimeMs);
        P("e", r.EventTimeMs);
        P("u", r.Updates);
    }
}

/// <summary>Where a symbol's funding interval came from (column <c>funding_intervals.source</c>).</summary>
public static class IntervalSources
{
    /// <summary>The exchange's fundingInfo <c>fundingIntervalHours</c>.</summary>
    public const string Exchange = "exchange";

    /// <summary>The spacing of two next-funding times seen on the markPrice stream.</summary>
    public const string Stream = "stream";
}
