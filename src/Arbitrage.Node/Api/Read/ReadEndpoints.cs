using System.Data.Common;
using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using Arbitrage.Engine.Persistence;
using Arbitrage.Engine.Projections;
using Arbitrage.Node.Auth;

namespace Arbitrage.Node.Api.Read;

/// <summary>
/// <c>GET /api/signals</c> and <c>GET /api/audit</c> (viewer) over the projected read tables, newest first,
/// keyset-paged by <c>seq</c> (journal ordering): <c>?limit=1..500&amp;before=seq</c>; the response's
/// <c>nextBefore</c> fetches the next page. Filters are validated against strict patterns, then bound as
/// parameters; a bad value is a 400 naming the field.
/// </summary>
public static partial class ReadEndpoints
{
    public const int DefaultLimit = 50;
    public const int MaxLimit = 500;

    public sealed record Page<T>(IReadOnlyList<T> Items, long? NextBefore);

    public sealed record SignalRow(
        long Seq, string SignalId, string StrategyId, string StrategyVersion, string Symbol, string Direction, long TimeMs,
        double Score, double Threshold, double Entry, double Atr, double StopLoss, double TakeProfit1, double TakeProfit2, JsonElement Breakdown);

    public sealed record AuditRow(long Seq, string AuditId, string User, string Command, JsonElement Arguments, string Result, long TimeMs, long? CompletedMs);

    public static IEndpointRouteBuilder MapReadEndpoints(this IEndpointRouteBuilder app)
    {
        var read = app.MapGroup("/api").RequireAuthorization(AuthPolicies.Viewer);

        read.MapGet("/signals", async (HttpRequest request, Database db, CancellationToken ct) =>
        {
            if (!TryPage(request, out var limit, out var before, out var problem)
                || !TryFilter(request, "symbol", SymbolPattern(), out var symbol, out problem)
                || !TryFilter(request, "strategy", IdPattern(), out var strategy, out problem))
            {
                return problem!;
            }

            await ReadTables.EnsureAsync(db, ct).ConfigureAwait(false);
            var where = new List<string>();
            var args = new List<(string, object?)> { ("@limit", (long)limit) };
            AddCondition(where, args, "seq < @before", "@before", before);
            AddCondition(where, args, "symbol = @symbol", "@symbol", symbol);
            AddCondition(where, args, "strategy_id = @strategy", "@strategy", strategy);
            var sql = $"""
                SELECT seq, signal_id, strategy_id, strategy_version, symbol, direction, time_ms, score, threshold, entry, atr,
                    stop_loss, take_profit1, take_profit2, breakdown_json
                FROM {SignalProjection.Table} {Where(where)} ORDER BY seq DESC LIMIT @limit
                """;
            var rows = await QueryAsync(db, sql, args, r => new SignalRow(
                r.GetInt64(0), r.GetString(1), r.GetString(2), r.GetString(3), r.GetString(4), r.GetString(5), r.GetInt64(6),
                r.GetDouble(7), r.GetDouble(8), r.GetDouble(9), r.GetDouble(10), r.GetDouble(11), r.GetDouble(12), r.GetDouble(13),
                ParseJson(r.GetString(14))), ct).ConfigureAwait(false);
            return Results.Ok(new Page<SignalRow>(rows, rows.Count == limit ? rows[^1].Seq : null));
        }).WithName("Signals");

        read.MapGet("/audit", async (HttpRequest request, Database db, CancellationToken ct) =>
        {
            if (!TryPage(request, out var limit, out var before, out var problem)
                || !TryFilter(request, "user", UserPattern(), out var user, out problem)
                || !TryFilter(request, "command", CommandPattern(), out var command, out problem))
            {
                return problem!;
            }

            await ReadTables.EnsureAsync(db, ct).ConfigureAwait(false);
            var where = new List<string>();
            var args = new List<(string, object?)> { ("@limit", (long)limit) };
            AddCondition(where, args, "seq < @before", "@before", before);
            AddCondition(where, args, "user_name = @user", "@user", user);
            AddCondition(where, args, "command = @command", "@command", command);
            var sql = $"""
                SELECT seq, audit_id, user_name, command, arguments_json, result, time_ms, completed_ms
                FROM {AuditRecordedProjection.Table} {Where(where)} ORDER BY seq DESC LIMIT @limit
                """;
            var rows = await QueryAsync(db, sql, args, r => new AuditRow(
                r.GetInt64(0), r.GetString(1), r.GetString(2), r.GetString(3), ParseJson(r.GetString(4)), r.GetString(5), r.GetInt64(6),
                r.IsDBNull(7) ? null : r.GetInt64(7)), ct).ConfigureAwait(false);
            return Results.Ok(new Page<AuditRow>(rows, rows.Count == limit ? rows[^1].Seq : null));
        }).WithName("Audit");
        app.MapTriangleEndpoints();
        return app;
    }

    private static bool TryPage(HttpRequest request, out int limit, out long? before, out IResult? problem)
    {
        limit = DefaultLimit;
        before = null;
        problem = null;
        if (request.Query.TryGetValue("limit", out var l))
        {
            if (l.Count != 1 || !int.TryParse(l[0], NumberStyles.None, CultureInfo.InvariantCulture, out limit) || limit < 1 || limit > MaxLimit)
            {
                problem = FieldProblem.Of("limit", $"an integer from 1 to {MaxLimit}");
                return false;
            }
        }

        if (request.Query.TryGetValue("before", out var b))
        {
            if (b.Count != 1 || !long.TryParse(b[0], NumberStyles.None, CultureInfo.InvariantCulture, out var value) || value < 1)
            {
                problem = FieldProblem.Of("before", "a positive integer (the seq of the last item of the previous page)");
                return false;
            }

            before = value;
        }

        return true;
    }

    private static bool TryFilter(HttpRequest request, string name, Regex pattern, out string? value, out IResult? problem)
    {
        value = null;
        problem = null;
        if (!request.Query.TryGetValue(name, out var v))
        {
            return true;
        }

        if (v.Count != 1 || v[0] is not { } s || !pattern.IsMatch(s))
        {
            problem = FieldProblem.Of(name, $"must match {pattern}");
            return false;
        }

        value = s;
        return true;
    }

    private static void AddCondition(List<string> where, List<(string, object?)> args, string condition, string name, object? value)
    {
        if (value is not null)
        {
            where.Add(condition);
            args.Add((name, value));
        }
    }

    private static string Where(List<string> conditions) => conditions.Count == 0 ? string.Empty : "WHERE " + string.Join(" AND ", conditions);

    private static async Task<List<T>> QueryAsync<T>(Database db, string sql, List<(string, object?)> args, Func<DbDataReader, T> map, CancellationToken ct)
    {
        await using var connection = await db.OpenConnectionAsync(ct).ConfigureAwait(false);
        await using var command = connection.Command(sql, null, args.ToArray());
        await using var reader = await command.ExecuteReaderAsync(ct).ConfigureAwait(false);
        var rows = new List<T>();
        while (await reader.ReadAsync(ct).ConfigureAwait(false))
        {
            rows.Add(map(reader));
        }

        return rows;
    }

    private static JsonElement ParseJson(string json)
    {
        using var doc = JsonDocument.Parse(json);
        return doc.RootElement.Clone();
    }

    [GeneratedRegex("^[A-Z0-9_]{2,30}$")]
    private static partial Regex SymbolPattern();

    [GeneratedRegex("^[A-Za-z0-9_.-]{1,64}$")]
    private static partial Regex IdPattern();

    [GeneratedRegex("^[a-z0-9_.-]{3,32}$")]
    private static partial Regex UserPattern();

    [GeneratedRegex("^[a-z0-9_.:-]{1,64}$")]
    private static partial Regex CommandPattern();
}
