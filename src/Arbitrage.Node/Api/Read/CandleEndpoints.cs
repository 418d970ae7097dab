using System.Globalization;
using System.Text.RegularExpressions;
using Arbitrage.Engine.Persistence;
using Arbitrage.Engine.Recording;
using Arbitrage.Node.Auth;

namespace Arbitrage.Node.Api.Read;

/// <summary>
/// <c>GET /api/candles/{symbol}?interval=1m|5m|15m&amp;from=&amp;to=</c> (viewer): candles of the node's recorded
/// <c>agg_trades</c> in <c>[from, to)</c> (epoch ms; without <c>to</c> the end of the newest trade's candle, without
/// <c>from</c> 1,000 candles before <c>to</c>). Per candle: open = its first trade by agg id, close = its last, high,
/// low, volume (Σq) and VWAP (Σp·q / Σq); candles without trades are left out. At most 1,000 candles: a wider range is a 400.
/// </summary>
public static partial class CandleEndpoints
{
    public const int MaxCandles = 1000;

    public sealed record Candle(long TimeMs, double Open, double High, double Low, double Close, double Volume, double Vwap, int Trades);

    public static IEndpointRouteBuilder MapCandleEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapGroup("/api").RequireAuthorization(AuthPolicies.Viewer).MapGet("/candles/{symbol}", async (string symbol, HttpRequest request, Database db, ConfiguredSymbols symbols, CancellationToken ct) =>
        {
            if (!SymbolPattern().IsMatch(symbol))
            {
                return FieldProblem.Of("symbol", "2 to 30 characters: A-Z, 0-9 or '_'");
            }

            var upper = symbol.ToUpperInvariant();
            if (!symbols.Contains(upper))
            {
                return symbols.NotConfigured(upper);
            }

            var interval = 60_000L;
            if (request.Query.TryGetValue("interval", out var i))
            {
                interval = i.Count == 1 ? i[0] switch { "1m" => 60_000L, "5m" => 300_000L, "15m" => 900_000L, _ => 0 } : 0;
                if (interval == 0)
                {
                    return FieldProblem.Of("interval", "one of 1m, 5m, 15m");
                }
            }

            if (Millis(request, "from", out var from) is { } badFrom)
            {
                return badFrom;
            }

            if (Millis(request, "to", out var to) is { } badTo)
            {
                return badTo;
            }

            var store = new AggTradeStore(db);
            await store.EnsureSchemaAsync(ct).ConfigureAwait(false);
            if (to is null)
            {
                var newest = await store.NewestTimeAsync(upper, ct).ConfigureAwait(false);
                to = newest is { } n ? (n / interval + 1) * interval
                    : from is { } f ? f + MaxCandles * interval : DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
            }

            // Without from: the start of the candle 1,000 candles before the one holding to − 1.
            from ??= Math.Max(0, ((to.Value - 1) / interval + 1 - MaxCandles) * interval);
            if (from.Value >= to.Value)
            {
                return FieldProblem.Of("from", "before to");
            }

            var spanned = ((to.Value - 1) / interval) - (from.Value / interval) + 1;
            if (spanned > MaxCandles)
            {
                return FieldProblem.Of("to", $"from..to spans {spanned} candles of {i.FirstOrDefault() ?? "1m"}; at most {MaxCandles}");
            }

            var candles = new List<Candle>();
            var sums = new List<double>();
            await foreach (var t in store.ReadTimeRangeAsync(upper, from.Value, to.Value, ct).ConfigureAwait(false))
            {
                var start = t.TimeMs / interval * interval;
                var at = candles.FindLastIndex(c => c.TimeMs == start); // agg-id order is time order: the candle is the last one or new
                if (at < 0)
                {
                    candles.Add(new Candle(start, t.Price, t.Price, t.Price, t.Price, t.Quantity, t.Price, 1));
                    sums.Add(t.Price * t.Quantity);
                    continue;
                }

                var c = candles[at];
                sums[at] += t.Price * t.Quantity;
                var volume = c.Volume + t.Quantity;
                candles[at] = c with
                {
                    High = Math.Max(c.High, t.Price), Low = Math.Min(c.Low, t.Price), Close = t.Price, Volume = volume,
                    Vwap = volume > 0 ? sums[at] / volume : t.Price, Trades = c.Trades + 1,
                };
            }

            candles.Sort((a, b) => a.TimeMs.CompareTo(b.TimeMs));
            return Results.Ok(candles);
        }).WithName("Candles");
        return app;
    }

    /// <summary>An optional epoch-ms query field (a non-negative integer); a problem naming it when it is wrong.</summary>
    private static IResult? Millis(HttpRequest request, string name, out long? value)
    {
        value = null;
        if (!request.Query.TryGetValue(name, out var v))
        {
            return null;
        }

        if (v.Count != 1 || !long.TryParse(v[0], NumberStyles.None, CultureInfo.InvariantCulture, out var ms))
        {
            return FieldProblem.Of(name, "epoch milliseconds (a non-negative integer)");
        }

        value = ms;
        return null;
    }

    [GeneratedRegex("^[A-Za-z0-9_]{2,30}$")]
    private static partial Regex SymbolPattern();
}
