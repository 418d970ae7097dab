using System.Data.Common;
using Arbitrage.Core.Funding;
using Arbitrage.Engine.Persistence;

namespace Arbitrage.Engine.Funding;

/// <summary>Latest funding view of one symbol (<c>GET /api/rates</c>).</summary>
/// <param name="AnnualisedPredicted">PredictedRate × settlements per day × 365 with the symbol's interval; null when the interval is unknown.</param>
public sealed record FundingRateView(
    string Symbol,
    long EventTimeMs,
    decimal MarkPrice,
    decimal IndexPrice,
    decimal Basis,
    decimal PredictedRate,
    long NextFundingTimeMs,
    int? IntervalHours,
    string? IntervalSource,
    decimal? AnnualisedPredicted);

/// <summary>Statistics of one symbol at <paramref name="NowMs"/> (<see cref="FundingStats"/>), with where the interval came from.</summary>
public sealed record FundingStatsView(string Symbol, long NowMs, string? IntervalSource, int Settlements, FundingStats Stats);

/// <summary>A <c>funding_history</c> row.</summary>
public sealed record FundingHistoryRow(string Symbol, long TimeMs, decimal Rate, bool Estimated, string Source);

/// <summary>Candles and the snapshot resolution they were built from.</summary>
public sealed record FundingCandleSeries(string Symbol, CandleField Field, long IntervalMs, long? ResolutionMs, IReadOnlyList<FundingCandle> Candles);

/// <summary>
/// Read side of the funding tables (the HTTP endpoints use it directly, so they work without actors).
/// Formulas: src/Arbitrage.Engine/Funding/README.md.
/// </summary>
public sealed class FundingReadModel(Database database)
{
    private Task? _schema;

    public Database Database => database;

    /// <summary>The newest snapshot of every symbol, with the annualised predicted rate.</summary>
    public async Task<IReadOnlyList<FundingRateView>> GetRatesAsync(CancellationToken ct = default)
    {
        var latest = new SortedDictionary<string, FundingSnapshotRow>(StringComparer.Ordinal);
        await using (var connection = await OpenAsync(ct).ConfigureAwait(false))
        await using (var command = connection.CreateCommand())
        {
            command.CommandText = $"""
                SELECT {SnapshotColumns} FROM funding_snapshots s
                JOIN (SELECT symbol, MAX(event_ms) AS e FROM funding_snapshots GROUP BY symbol) m ON s.symbol = m.symbol AND s.event_ms = m.e
                """;
            await using var reader = await command.ExecuteReaderAsync(ct).ConfigureAwait(false);
            while (await reader.ReadAsync(ct).ConfigureAwait(false))
            {
                var row = ReadSnapshot(reader);
                latest.TryAdd(row.Symbol, row); // one row per tier, all holding the same last update
            }
        }

        var views = new List<FundingRateView>(latest.Count);
        foreach (var row in latest.Values)
        {
            var (hours, source) = await GetIntervalAsync(row.Symbol, row.EventTimeMs, ct).ConfigureAwait(false);
            views.Add(new FundingRateView(row.Symbol, row.EventTimeMs, row.Mark, row.IndexPrice, row.Basis, row.PredictedRate,
                row.NextFundingTimeMs, hours, source,
                hours is { } h ? FundingStats.Annualise(row.PredictedRate, FundingInterval.SettlementsPerDay(h)) : null));
        }

        return views;
    }

    /// <summary>
    /// The symbol's funding interval: the exchange's (fundingInfo), else inferred from the settled history
    /// (median spacing), else the spacing of the last next-funding-time roll seen on the stream. Never assumed.
    /// </summary>
    public async Task<(int? Hours, string? Source)> GetIntervalAsync(string symbol, long nowMs, CancellationToken ct = default)
    {
        (int Hours, string Source)? stored = null;
        await using (var connection = await OpenAsync(ct).ConfigureAwait(false))
        await using (var command = connection.CreateCommand())
        {
            command.CommandText = "SELECT interval_hours, source FROM funding_intervals WHERE symbol = @s";
            FundingSchema.Add(command, "s", symbol);
            await using var reader = await command.ExecuteReaderAsync(ct).ConfigureAwait(false);
            if (await reader.ReadAsync(ct).ConfigureAwait(false))
            {
                stored = (reader.GetInt32(0), reader.GetString(1));
            }
        }

        if (stored is { Source: IntervalSources.Exchange } exchange) return (exchange.Hours, exchange.Source);
        var inferred = FundingInterval.InferHours(await GetSettlementsAsync(symbol, nowMs, ct).ConfigureAwait(false), nowMs);
        if (inferred is { } h) return (h, "history");
        return stored is { } s ? (s.Hours, s.Source) : (null, null);
    }

    /// <summary>Settlements (confirmed and estimated) at or before <paramref name="toMs"/>, ascending.</summary>
    public async Task<IReadOnlyList<FundingSettlement>> GetSettlementsAsync(string symbol, long toMs, CancellationToken ct = default)
    {
        var list = new List<FundingSettlement>();
        await using var connection = await OpenAsync(ct).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT time_ms, rate FROM funding_history WHERE symbol = @s AND time_ms <= @to ORDER BY time_ms";
        FundingSchema.Add(command, "s", symbol);
        FundingSchema.Add(command, "to", toMs);
        await using var reader = await command.ExecuteReaderAsync(ct).ConfigureAwait(false);
        while (await reader.ReadAsync(ct).ConfigureAwait(false))
        {
            list.Add(new FundingSettlement(reader.GetInt64(0), reader.GetDecimal(1)));
        }

        return list;
    }

    /// <summary>Statistics at <paramref name="nowMs"/> (settlements after it are ignored); null when the symbol has no history.</summary>
    public async Task<FundingStatsView?> GetStatsAsync(string symbol, long nowMs, CancellationToken ct = default)
    {
        var settlements = await GetSettlementsAsync(symbol, nowMs, ct).ConfigureAwait(false);
        if (settlements.Count == 0) return null;
        var (hours, source) = await GetIntervalAsync(symbol, nowMs, ct).ConfigureAwait(false);
        var stats = hours is { } h && source != "history"
            ? FundingStats.Compute(settlements, nowMs, h)
            : FundingStats.Compute(settlements, nowMs);
        return new FundingStatsView(symbol, nowMs, stats.IntervalHours is null ? null : source, settlements.Count, stats);
    }

    /// <summary>History rows in [from, to], ascending, at most <paramref name="limit"/>.</summary>
    public async Task<IReadOnlyList<FundingHistoryRow>> GetHistoryAsync(string symbol, long fromMs, long toMs, int limit, CancellationToken ct = default)
    {
        var list = new List<FundingHistoryRow>();
        await using var connection = await OpenAsync(ct).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        command.CommandText = """
            SELECT symbol, time_ms, rate, estimated, source FROM funding_history
            WHERE symbol = @s AND time_ms >= @from AND time_ms <= @to ORDER BY time_ms LIMIT @limit
            """;
        FundingSchema.Add(command, "s", symbol);
        FundingSchema.Add(command, "from", fromMs);
        FundingSchema.Add(command, "to", toMs);
        FundingSchema.Add(command, "limit", limit);
        await using var reader = await command.ExecuteReaderAsync(ct).ConfigureAwait(false);
        while (await reader.ReadAsync(ct).ConfigureAwait(false))
        {
            list.Add(new FundingHistoryRow(reader.GetString(0), reader.GetInt64(1), reader.GetDecimal(2), reader.GetBoolean(3), reader.GetString(4)));
        }

        return list;
    }

    /// <summary>Snapshot rows of one resolution in [from, to), ascending.</summary>
    public async Task<IReadOnlyList<FundingSnapshotRow>> GetSnapshotsAsync(string symbol, long resolutionMs, long fromMs, long toMs, CancellationToken ct = default)
    {
        var list = new List<FundingSnapshotRow>();
        await using var connection = await OpenAsync(ct).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        command.CommandText = $"SELECT {SnapshotColumns} FROM funding_snapshots s WHERE symbol = @s AND res_ms = @res AND time_ms >= @from AND time_ms < @to ORDER BY time_ms";
        FundingSchema.Add(command, "s", symbol);
        FundingSchema.Add(command, "res", resolutionMs);
        FundingSchema.Add(command, "from", fromMs);
        FundingSchema.Add(command, "to", toMs);
        await using var reader = await command.ExecuteReaderAsync(ct).ConfigureAwait(false);
        while (await reader.ReadAsync(ct).ConfigureAwait(false))
        {
            list.Add(ReadSnapshot(reader));
        }

        return list;
    }

    /// <summary>
    /// Candles in [from, to) from the finest stored resolution that divides the interval and still covers
    /// <paramref name="fromMs"/> (older 1 s rows are thinned away, so older ranges come from coarser tiers).
    /// </summary>
    public async Task<FundingCandleSeries> GetCandlesAsync(string symbol, CandleField field, long intervalMs, long fromMs, long toMs, CancellationToken ct = default)
    {
        var tiers = new List<(long Res, long Oldest)>();
        await using (var connection = await OpenAsync(ct).ConfigureAwait(false))
        await using (var command = connection.CreateCommand())
        {
            command.CommandText = "SELECT res_ms, MIN(time_ms) FROM funding_snapshots WHERE symbol = @s GROUP BY res_ms ORDER BY res_ms";
            FundingSchema.Add(command, "s", symbol);
            await using var reader = await command.ExecuteReaderAsync(ct).ConfigureAwait(false);
            while (await reader.ReadAsync(ct).ConfigureAwait(false))
            {
                tiers.Add((reader.GetInt64(0), reader.GetInt64(1)));
            }
        }

        long? chosen = null;
        foreach (var (res, oldest) in tiers)
        {
            if (intervalMs % res != 0) continue;
            chosen ??= res;
            if (oldest <= fromMs)
            {
                chosen = res;
                break;
            }
        }

        if (chosen is not { } resolution) return new FundingCandleSeries(symbol, field, intervalMs, null, []);
        var rows = await GetSnapshotsAsync(symbol, resolution, fromMs, toMs, ct).ConfigureAwait(false);
        return new FundingCandleSeries(symbol, field, intervalMs, resolution, FundingCandles.Build(rows, field, intervalMs));
    }

    private const string SnapshotColumns =
        "s.symbol, s.res_ms, s.time_ms, s.mark_open, s.mark_high, s.mark_low, s.mark, s.index_price, s.estimated_settle, s.basis, s.rate, s.next_funding_ms, s.event_ms, s.updates";

    private static FundingSnapshotRow ReadSnapshot(DbDataReader r) => new(
        r.GetString(0), r.GetInt64(1), r.GetInt64(2), r.GetDecimal(3), r.GetDecimal(4), r.GetDecimal(5), r.GetDecimal(6),
        r.GetDecimal(7), r.GetDecimal(8), r.GetDecimal(9), r.GetDecimal(10), r.GetInt64(11), r.GetInt64(12), r.GetInt32(13));

    private async Task<DbConnection> OpenAsync(CancellationToken ct)
    {
        // Created once; a creation that failed (the database was down) is tried again by the next read, not kept.
        var schema = _schema;
        if (schema is null || schema.IsFaulted || schema.IsCanceled)
        {
            _schema = schema = FundingSchema.EnsureCreatedAsync(database); // idempotent DDL: a race only repeats it
        }

        await schema.WaitAsync(ct).ConfigureAwait(false);
        return await database.OpenConnectionAsync(ct).ConfigureAwait(false);
    }
}
