using System.Data.Common;
using System.Globalization;
using System.Text.Json;
using Arbitrage.Binance.Streams;
using Arbitrage.Engine.Persistence;

namespace Arbitrage.Engine.Recording;

/// <summary>
/// The strategies' market inputs in the database, beside <c>agg_trades</c> (issue 19): table <c>market_inputs</c>, one row
/// per input event with its event time — <c>mark_price</c> (mark, index, predicted funding, next funding time),
/// <c>liquidation</c> (forceOrder), <c>futures_metrics</c> (Binance's 5-minute statistics) and <c>funding</c> (a settled
/// rate). Primary key (symbol, kind, time_ms, key): <c>key</c> is empty for the periodic kinds and side/price/quantity for a
/// liquidation, so re-inserting an event is a no-op (a recorder may overlap after a restart). <c>data</c> is the event's
/// fields as JSON, decimals as strings (exactly as received).
/// </summary>
public sealed class MarketInputStore(Database database)
{
    public const string MarkPrice = "mark_price";
    public const string Liquidation = "liquidation";
    public const string FuturesMetrics = "futures_metrics";
    public const string Funding = "funding";

    public async Task EnsureSchemaAsync(CancellationToken ct = default)
    {
        var ddl = database.Backend == StorageBackend.PostgreSql
            ? """
              CREATE TABLE IF NOT EXISTS market_inputs (
                symbol text NOT NULL, kind text NOT NULL, time_ms bigint NOT NULL, key text NOT NULL, data text NOT NULL,
                PRIMARY KEY (symbol, kind, time_ms, key));
              """
            : """
              CREATE TABLE IF NOT EXISTS market_inputs (
                symbol TEXT NOT NULL, kind TEXT NOT NULL, time_ms INTEGER NOT NULL, key TEXT NOT NULL, data TEXT NOT NULL,
                PRIMARY KEY (symbol, kind, time_ms, key)) WITHOUT ROWID;
              """;
        await database.EnsureSchemaAsync([ddl], ct).ConfigureAwait(false);
    }

    /// <summary>The row of an input event, or null for an event that is not an input.</summary>
    public static InputRow? RowOf(FeedEvent e) => e switch
    {
        FeedEvent.MarkPriceEvent m => new(m.Symbol, MarkPrice, m.EventTimeMs, "", Json(w =>
        {
            Dec(w, "mark", m.MarkPrice);
            Dec(w, "index", m.IndexPrice);
            Dec(w, "funding_rate", m.FundingRate);
            w.WriteNumber("next_funding_ms", m.NextFundingTimeMs);
        })),
        FeedEvent.LiquidationEvent l => new(l.Symbol, Liquidation, l.TimeMs,
            string.Create(CultureInfo.InvariantCulture, $"{(l.IsSell ? "SELL" : "BUY")}:{l.Price}:{l.Quantity}"), Json(w =>
            {
                w.WriteString("side", l.IsSell ? "SELL" : "BUY");
                Dec(w, "price", l.Price);
                Dec(w, "average_price", l.AveragePrice);
                Dec(w, "quantity", l.Quantity);
                w.WriteNumber("event_ms", l.EventTimeMs);
            })),
        FeedEvent.FuturesMetricsEvent f => new(f.Symbol, FuturesMetrics, f.EventTimeMs, "", Json(w =>
        {
            Dec(w, "sum_open_interest", f.SumOpenInterest);
            Dec(w, "top_account_ratio", f.TopAccountRatio);
            Dec(w, "top_position_ratio", f.TopPositionRatio);
            Dec(w, "global_account_ratio", f.GlobalAccountRatio);
            Dec(w, "taker_buy_sell_ratio", f.TakerBuySellRatio);
        })),
        FeedEvent.FundingSettledEvent f => new(f.Symbol, Funding, f.FundingTimeMs, "", Json(w => Dec(w, "funding_rate", f.FundingRate))),
        _ => null,
    };

    /// <summary>Inserts the input events among <paramref name="events"/> in one transaction; returns the number of new rows.</summary>
    public async Task<int> InsertAsync(IReadOnlyList<FeedEvent> events, CancellationToken ct = default)
    {
        var rows = events.Select(RowOf).OfType<InputRow>().ToArray();
        if (rows.Length == 0)
        {
            return 0;
        }

        await using var connection = await database.OpenConnectionAsync(ct).ConfigureAwait(false);
        await using var tx = await connection.BeginTransactionAsync(ct).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        command.Transaction = tx;
        command.CommandText = database.Backend == StorageBackend.PostgreSql
            ? "INSERT INTO market_inputs (symbol, kind, time_ms, key, data) VALUES (@s, @k, @t, @y, @d) ON CONFLICT DO NOTHING"
            : "INSERT OR IGNORE INTO market_inputs (symbol, kind, time_ms, key, data) VALUES (@s, @k, @t, @y, @d)";
        var s = Add(command, "@s");
        var k = Add(command, "@k");
        var t = Add(command, "@t");
        var y = Add(command, "@y");
        var d = Add(command, "@d");
        var inserted = 0;
        foreach (var row in rows)
        {
            s.Value = row.Symbol;
            k.Value = row.Kind;
            t.Value = row.TimeMs;
            y.Value = row.Key;
            d.Value = row.Data;
            inserted += await command.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
        }

        await tx.CommitAsync(ct).ConfigureAwait(false);
        return inserted;
    }

    /// <summary>A symbol's rows of one kind with <paramref name="fromMs"/> ≤ time_ms &lt; <paramref name="toMs"/>, in time order.</summary>
    public async Task<IReadOnlyList<InputRow>> ReadAsync(string symbol, string kind, long fromMs, long toMs, CancellationToken ct = default)
    {
        await using var connection = await database.OpenConnectionAsync(ct).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT time_ms, key, data FROM market_inputs WHERE symbol = @s AND kind = @k AND time_ms >= @f AND time_ms < @t ORDER BY time_ms, key";
        Add(command, "@s").Value = symbol;
        Add(command, "@k").Value = kind;
        Add(command, "@f").Value = fromMs;
        Add(command, "@t").Value = toMs;
        var result = new List<InputRow>();
        await using var reader = await command.ExecuteReaderAsync(ct).ConfigureAwait(false);
        while (await reader.ReadAsync(ct).ConfigureAwait(false))
        {
            result.Add(new InputRow(symbol, kind, reader.GetInt64(0), reader.GetString(1), reader.GetString(2)));
        }

        return result;
    }

    private static DbParameter Add(DbCommand command, string name)
    {
        var p = command.CreateParameter();
        p.ParameterName = name;
        command.Parameters.Add(p);
        return p;
    }

    private static string Json(Action<Utf8JsonWriter> write)
    {
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            write(w);
            w.WriteEndObject();
        }

        return System.Text.Encoding.UTF8.GetString(buffer.ToArray());
    }

    private static void Dec(Utf8JsonWriter w, string name, decimal? value)
    {
        if (value is { } v)
        {
            w.WriteString(name, v.ToString(CultureInfo.InvariantCulture));
        }
    }
}

/// <summary>One row of <c>market_inputs</c>.</summary>
public sealed record InputRow(string Symbol, string Kind, long TimeMs, string Key, string Data);
