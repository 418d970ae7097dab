using Arbitrage.Engine.Funding;
using Arbitrage.Engine.Persistence;
using Arbitrage.Node.Auth;

namespace Arbitrage.Node.Api.Funding;

/// <summary>
/// Funding read endpoints over <see cref="FundingReadModel"/> (tables only; no actor needed):
/// <c>/api/rates</c> (public), <c>/api/stats</c>, <c>/api/stats/ytd</c>, <c>/api/history</c>, <c>/api/kline</c> (viewer: a kline
/// call serves up to 5,000 candles; the login is checked before the parameters). A bad query parameter is a 400 problem
/// naming the field.
/// </summary>
public static class FundingEndpoints
{
    public const int MaxHistoryLimit = 5000;
    public const int MaxCandles = 5000;

    /// <summary>YTD statistics of one symbol (<c>GET /api/stats/ytd</c>).</summary>
    public sealed record YtdStatsResponse(string Symbol, long NowMs, int Year, int? IntervalHours, string? IntervalSource,
        decimal? YtdMean, int YtdCount, decimal? YtdAnnualised);

    /// <summary>Registers the <see cref="FundingReadModel"/> (and the <see cref="FundingStore"/> the actors write with) for <paramref name="database"/>.</summary>
    public static IServiceCollection AddFundingReadModel(this IServiceCollection services, Database database)
    {
        services.AddSingleton(new FundingReadModel(database));
        services.AddSingleton(new FundingStore(database));
        return services;
    }

    public static IEndpointRouteBuilder MapFundingEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/rates", async (FundingReadModel model, CancellationToken ct) =>
            Results.Ok(await model.GetRatesAsync(ct).ConfigureAwait(false))).WithName("FundingRates").AllowAnonymous();

        var funding = app.MapGroup("/api").RequireAuthorization(AuthPolicies.Viewer);
        funding.MapGet("/stats", async (HttpRequest request, FundingReadModel model, CancellationToken ct) =>
        {
            var q = request.Query;
            var now = NowMs(request);
            if (!FundingQuery.TrySymbol(q, out var symbol, out var e) || !FundingQuery.TryTime(q, "at", now, out var at, out e))
                return e!.ToProblem();
            var stats = await model.GetStatsAsync(symbol, at, ct).ConfigureAwait(false);
            return stats is null ? NoHistory(symbol) : Results.Ok(stats);
        }).WithName("FundingStats");

        funding.MapGet("/stats/ytd", async (HttpRequest request, FundingReadModel model, CancellationToken ct) =>
        {
            var q = request.Query;
            var now = NowMs(request);
            var thisYear = DateTimeOffset.FromUnixTimeMilliseconds(now).Year;
            if (!FundingQuery.TrySymbol(q, out var symbol, out var e) || !FundingQuery.TryInt(q, "year", thisYear, 2000, thisYear, out var year, out e))
                return e!.ToProblem();
            // A past year: its statistics at its last millisecond.
            var at = year == thisYear ? now : new DateTimeOffset(year + 1, 1, 1, 0, 0, 0, TimeSpan.Zero).ToUnixTimeMilliseconds() - 1;
            var stats = await model.GetStatsAsync(symbol, at, ct).ConfigureAwait(false);
            if (stats is null) return NoHistory(symbol);
            var s = stats.Stats;
            return Results.Ok(new YtdStatsResponse(symbol, at, year, s.IntervalHours, stats.IntervalSource, s.YtdMean, s.YtdCount, s.YtdAnnualised));
        }).WithName("FundingStatsYtd");

        funding.MapGet("/history", async (HttpRequest request, FundingReadModel model, CancellationToken ct) =>
        {
            var q = request.Query;
            var now = NowMs(request);
            if (!FundingQuery.TrySymbol(q, out var symbol, out var e)
                || !FundingQuery.TryTime(q, "from", 0, out var from, out e)
                || !FundingQuery.TryTime(q, "to", now, out var to, out e)
                || !FundingQuery.TryInt(q, "limit", 500, 1, MaxHistoryLimit, out var limit, out e))
                return e!.ToProblem();
            if (from > to) return new FundingApiError("from", $"from ({from}) is after to ({to})").ToProblem();
            return Results.Ok(await model.GetHistoryAsync(symbol, from, to, limit, ct).ConfigureAwait(false));
        }).WithName("FundingHistory");

        funding.MapGet("/kline", async (HttpRequest request, FundingReadModel model, CancellationToken ct) =>
        {
            var q = request.Query;
            var now = NowMs(request);
            if (!FundingQuery.TrySymbol(q, out var symbol, out var e)
                || !FundingQuery.TryChoice(q, "field", "mark", ["mark", "funding"], out var fieldName, out e)
                || !FundingQuery.TryChoice(q, "interval", "1m", ["1m", "5m", "1h"], out var intervalName, out e)
                || !FundingQuery.TryTime(q, "to", now, out var to, out e))
                return e!.ToProblem();
            var intervalMs = intervalName switch { "1m" => 60_000L, "5m" => 300_000L, _ => 3_600_000L };
            if (!FundingQuery.TryTime(q, "from", Math.Max(0, to - 500 * intervalMs), out var from, out e))
                return e!.ToProblem();
            if (from >= to) return new FundingApiError("from", $"from ({from}) must be before to ({to})").ToProblem();
            if ((to - from) / intervalMs > MaxCandles)
                return new FundingApiError("from", $"the range holds more than {MaxCandles} {intervalName} candles; narrow from/to").ToProblem();
            var field = fieldName == "mark" ? CandleField.Mark : CandleField.Funding;
            return Results.Ok(await model.GetCandlesAsync(symbol, field, intervalMs, from, to, ct).ConfigureAwait(false));
        }).WithName("FundingKline");

        return app;
    }

    // A TimeProvider registered by the host (tests, replays) wins over the wall clock.
    private static long NowMs(HttpRequest request) =>
        (request.HttpContext.RequestServices.GetService<TimeProvider>() ?? TimeProvider.System).GetUtcNow().ToUnixTimeMilliseconds();

    private static IResult NoHistory(string symbol) =>
        Results.Problem(
            statusCode: StatusCodes.Status404NotFound,
            detail: $"no funding history for {symbol}; run the backfill or import a CSV",
            extensions: new Dictionary<string, object?> { ["symbol"] = symbol });
}
