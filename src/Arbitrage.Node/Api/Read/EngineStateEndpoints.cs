using Akka.Actor;
using Akka.Hosting;
using Arbitrage.Core.Risk;
using Arbitrage.Engine.Hosting;
using Arbitrage.Engine.Persistence;
using Arbitrage.Engine.Projections;
using Arbitrage.Engine.Risk;
using Arbitrage.Engine.Strategies;
using Arbitrage.Engine.Symbols;
using Arbitrage.Node.Api.Errors;
using Arbitrage.Node.Auth;
using Arbitrage.Node.Hosting;

namespace Arbitrage.Node.Api.Read;

/// <summary>
/// Live engine state for viewers: risk state and open positions (from the risk guard), running strategies,
/// a symbol's latest indicators (from its actor), and closed trades (read model).
/// </summary>
public static class EngineStateEndpoints
{
    private static readonly TimeSpan AskTimeout = TimeSpan.FromSeconds(5);

    public sealed record RiskView(
        bool KillSwitch, string? KilledBy, string? KillReason, bool TradingEnabled, IReadOnlyList<BreakerView> Breakers,
        decimal DailyRealisedR, int ConsecutiveLosses, decimal? BalanceUsd, bool ExecutorReady, int OpenPositions, long NowMs,
        RiskParameters Parameters);

    public sealed record BreakerView(string Rule, string Reason, long SinceMs, long? UntilMs);

    public sealed record PositionView(string Symbol, long OpenedAtMs);

    public sealed record RiskEventView(long Seq, string Kind, long AtMs, System.Text.Json.JsonElement Detail);

    public sealed record TradeView(
        string SignalId, string Symbol, string Strategy, string Direction, long EntryTimeMs, string Entry, string Qty,
        long ExitTimeMs, string Exit, string ExitReason, string ExitDetail, string PnlUsd, string PnlR, string FeesUsd);

    /// <summary>
    /// A running strategy and how its scores went since it started (<see cref="Core.Strategies.StrategyScoreReport"/>):
    /// signals emitted, best score, the inputs missing on every scored tick, and the same in one sentence.
    /// Null score fields when the strategy did not answer in time.
    /// </summary>
    /// <param name="Running">False while the strategy is down after a journal failure (it restarts with backoff); <paramref name="Problem"/> says why.</param>
    public sealed record StrategyView(
        string Id, string Version, string File, bool Enabled, double Threshold, IReadOnlyList<string> Symbols, bool Running, string? Problem,
        long? Signals = null, double? BestScore = null, IReadOnlyList<string>? MissingInputs = null, string? ScoreSummary = null)
    {
        public StrategyView(StrategyInfo s)
            : this(s.Id, s.Version, s.File, s.Enabled, s.Threshold, s.Symbols, s.Running, s.Problem)
        {
        }
    }

    public static IEndpointRouteBuilder MapEngineStateEndpoints(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api").RequireAuthorization(AuthPolicies.Viewer);

        api.MapGet("/risk", async (IRequiredActor<RiskGuard> guard, CancellationToken ct) =>
            await AskAsync<RiskStatus, RiskView>(guard.GetAsync(ct), new GetRiskStatus(), s => new RiskView(
                s.State.KillSwitch is not null,
                s.State.KillSwitch?.By,
                s.State.KillSwitch?.Reason,
                s.TradingEnabled,
                s.State.Breakers.OrderBy(b => b.Key.ToString(), StringComparer.Ordinal)
                    .Select(b => new BreakerView(b.Key.ToString(), b.Value.Reason, b.Value.SinceMs, b.Value.UntilMs)).ToArray(),
                s.State.DailyRealisedR,
                s.State.ConsecutiveLosses,
                s.State.BalanceUsd,
                s.ExecutorReady,
                s.Positions.Count,
                s.NowMs,
                s.State.Parameters), ct));

        api.MapGet("/risk/history", async (int? limit, long? before, string? kind, Database database, CancellationToken ct) =>
        {
            var take = limit ?? 100;
            if (take is < 1 or > 1000)
            {
                return FieldProblem.Of("limit", "an integer from 1 to 1000");
            }

            if (before is < 1)
            {
                return FieldProblem.Of("before", "a positive integer (the seq of the last item of the previous page)");
            }

            if (kind is not null && !System.Text.RegularExpressions.Regex.IsMatch(kind, "^[a-z0-9.-]{1,100}$"))
            {
                return FieldProblem.Of("kind", "a manifest like risk-circuit-broken.v1");
            }

            await ReadTables.EnsureAsync(database, ct).ConfigureAwait(false);
            await using var connection = await database.OpenConnectionAsync(ct).ConfigureAwait(false);
            await using var command = connection.CreateCommand();
            var where = new List<string>();
            void Add(string name, object value)
            {
                var p = command.CreateParameter();
                p.ParameterName = name;
                p.Value = value;
                command.Parameters.Add(p);
            }

            if (before is { } b)
            {
                where.Add("seq < @before");
                Add("@before", b);
            }

            if (kind is not null)
            {
                where.Add("kind = @kind");
                Add("@kind", kind);
            }

            Add("@limit", take);
            command.CommandText = $"SELECT seq, kind, at_ms, detail_json FROM {RiskHistoryProjection<KillSwitchEngaged>.Table} " +
                (where.Count > 0 ? "WHERE " + string.Join(" AND ", where) + " " : string.Empty) + "ORDER BY seq DESC LIMIT @limit";
            var rows = new List<RiskEventView>();
            await using var reader = await command.ExecuteReaderAsync(ct).ConfigureAwait(false);
            while (await reader.ReadAsync(ct).ConfigureAwait(false))
            {
                rows.Add(new RiskEventView(reader.GetInt64(0), reader.GetString(1), reader.GetInt64(2),
                    System.Text.Json.JsonDocument.Parse(reader.GetString(3)).RootElement.Clone()));
            }

            return Results.Ok(new { items = rows, nextBefore = rows.Count == take ? rows[^1].Seq : (long?)null });
        });

        api.MapGet("/positions", async (IRequiredActor<RiskGuard> guard, CancellationToken ct) =>
            await AskAsync<RiskStatus, IReadOnlyList<PositionView>>(guard.GetAsync(ct), new GetRiskStatus(),
                s => s.Positions.Select(p => new PositionView(p.Symbol, p.OpenedAtMs)).ToArray(), ct));

        api.MapGet("/carry/{symbol}", async (string symbol, ActorRegistry registry, CancellationToken ct) =>
        {
            if (!System.Text.RegularExpressions.Regex.IsMatch(symbol, "^[A-Za-z0-9_]{2,30}$"))
            {
                return FieldProblem.Of("symbol", "2 to 30 characters: A-Z, 0-9 or '_'");
            }

            // Registered only when a carry is configured (strategies/carry/carry_funding.json).
            if (!registry.TryGet<CarryParent>(out var actor))
            {
                return Results.Problem(statusCode: StatusCodes.Status404NotFound, detail: $"no carry is configured on this node, so none for {symbol.ToUpperInvariant()} (strategies/carry/carry_funding.json)");
            }

            try
            {
                using var cts = CancellationTokenSource.CreateLinkedTokenSource(ct);
                cts.CancelAfter(AskTimeout);
                var status = await actor.Ask<Engine.Funding.Carry.CarryStatus>(new Engine.Funding.Carry.GetCarryStatus(symbol.ToUpperInvariant()), AskTimeout, cts.Token).ConfigureAwait(false);
                return Results.Ok(status);
            }
            catch (ArgumentException e)
            {
                return Results.Problem(statusCode: StatusCodes.Status404NotFound, detail: e.Message, extensions: new Dictionary<string, object?> { ["symbol"] = symbol.ToUpperInvariant() });
            }
            catch (Exception e) when (e is AskTimeoutException or OperationCanceledException)
            {
                return EngineUnavailable("the carry actors");
            }
        });

        api.MapGet("/strategies", async (IRequiredActor<StrategiesActor> strategies, CancellationToken ct) =>
        {
            IActorRef actor;
            StrategyList list;
            try
            {
                actor = await strategies.GetAsync(ct).ConfigureAwait(false);
                list = await actor.Ask<StrategyList>(new ListStrategies(), AskTimeout, ct).ConfigureAwait(false);
            }
            catch (Exception e) when (e is AskTimeoutException or TaskCanceledException)
            {
                return EngineUnavailable();
            }

            return Results.Ok(await WithScoresAsync(actor, list.Strategies.Select(s => new StrategyView(s)).ToArray(), ct).ConfigureAwait(false));
        });

        api.MapGet("/indicators/{symbol}", async (string symbol, IRequiredActor<SymbolRegion> region, ConfiguredSymbols symbols, CancellationToken ct) =>
        {
            if (!System.Text.RegularExpressions.Regex.IsMatch(symbol, "^[A-Za-z0-9_]{2,30}$"))
            {
                return FieldProblem.Of("symbol", "2 to 30 characters: A-Z, 0-9 or '_'");
            }

            // Checked here, before the region is asked: a read never creates a symbol entity (the region refuses too).
            var upper = symbol.ToUpperInvariant();
            if (!symbols.Contains(upper))
            {
                return symbols.NotConfigured(upper);
            }

            try
            {
                var actor = await region.GetAsync(ct).ConfigureAwait(false);
                return await actor.Ask<object>(new GetSymbolIndicators(upper), AskTimeout, ct).ConfigureAwait(false) switch
                {
                    SymbolIndicatorsReply reply => Results.Ok(reply),
                    SymbolNotConfigured _ => symbols.NotConfigured(upper),
                    var other => throw new InvalidOperationException($"the symbol region answered {other.GetType().Name} to GetSymbolIndicators"),
                };
            }
            catch (Exception e) when (e is AskTimeoutException or TaskCanceledException)
            {
                return EngineUnavailable();
            }
        });

        api.MapGet("/trades", async (int? limit, string? symbol, Database database, CancellationToken ct) =>
        {
            var take = limit ?? 100;
            if (take is < 1 or > 1000)
            {
                return FieldProblem.Of("limit", "an integer from 1 to 1000");
            }

            if (symbol is not null && !System.Text.RegularExpressions.Regex.IsMatch(symbol, "^[A-Za-z0-9_]{2,30}$"))
            {
                return FieldProblem.Of("symbol", "2 to 30 characters: A-Z, 0-9 or '_'");
            }

            return Results.Ok(await ReadTradesAsync(database, take, symbol?.ToUpperInvariant(), ct).ConfigureAwait(false));
        });

        return app;
    }

    /// <summary>
    /// Closed trades from <c>read_trades</c>, newest first: the exit reason as its code and the detail beside it, also
    /// for rows projected before the codes (free text in <c>exit_reason</c>).
    /// </summary>
    public static async Task<IReadOnlyList<TradeView>> ReadTradesAsync(Database database, int limit, string? symbol, CancellationToken ct)
    {
        await ReadTables.EnsureAsync(database, ct).ConfigureAwait(false);
        await using var connection = await database.OpenConnectionAsync(ct).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        command.CommandText =
            $"SELECT signal_id, symbol, strategy, direction, entry_time_ms, entry, qty, exit_time_ms, exit, exit_reason, exit_detail, pnl_usd, pnl_r, fees_usd FROM {TradeClosedProjection.Table} " +
            (symbol is null ? string.Empty : "WHERE symbol = @symbol ") + "ORDER BY seq DESC LIMIT @limit";
        var p = command.CreateParameter();
        p.ParameterName = "@limit";
        p.Value = limit;
        command.Parameters.Add(p);
        if (symbol is not null)
        {
            var s = command.CreateParameter();
            s.ParameterName = "@symbol";
            s.Value = symbol;
            command.Parameters.Add(s);
        }

        var rows = new List<TradeView>();
        await using var reader = await command.ExecuteReaderAsync(ct).ConfigureAwait(false);
        while (await reader.ReadAsync(ct).ConfigureAwait(false))
        {
            var (reason, detail) = TradeClosedProjection.ReadExit(reader.GetString(9), reader.IsDBNull(10) ? null : reader.GetString(10));
            rows.Add(new TradeView(
                reader.GetString(0), reader.GetString(1), reader.GetString(2), reader.GetString(3), reader.GetInt64(4),
                reader.GetString(5), reader.GetString(6), reader.GetInt64(7), reader.GetString(8), reason, detail,
                reader.GetString(11), reader.GetString(12), reader.GetString(13)));
        }

        return rows;
    }

    /// <summary>The strategies with their score reports; without them when the strategies do not answer in time (the list still shows).</summary>
    private static async Task<IReadOnlyList<StrategyView>> WithScoresAsync(IActorRef strategies, IReadOnlyList<StrategyView> views, CancellationToken ct)
    {
        try
        {
            var scores = (await strategies.Ask<StrategyScores>(GetStrategyScores.Instance, AskTimeout, ct).ConfigureAwait(false))
                .Strategies.ToDictionary(r => r.StrategyId, StringComparer.Ordinal);
            return views.Select(v => scores.TryGetValue(v.Id, out var r)
                ? v with { Signals = r.Signals, BestScore = r.BestScore, MissingInputs = r.MissingEveryTick.Select(m => m.Name).ToArray(), ScoreSummary = r.Describe() }
                : v).ToArray();
        }
        catch (Exception e) when (e is AskTimeoutException or TaskCanceledException)
        {
            return views;
        }
    }

    private static async Task<IResult> AskAsync<TReply, TView>(Task<IActorRef> target, object message, Func<TReply, TView> view, CancellationToken ct)
    {
        try
        {
            var actor = await target.ConfigureAwait(false);
            var reply = await actor.Ask<TReply>(message, AskTimeout, ct).ConfigureAwait(false);
            return Results.Ok(view(reply));
        }
        catch (Exception e) when (e is AskTimeoutException or TaskCanceledException)
        {
            return EngineUnavailable();
        }
    }

    private static IResult EngineUnavailable(string what = "the engine") => new RetryLater(
        Results.Problem(
            detail: $"{what} did not answer within {AskTimeout.TotalSeconds:0} s; retry in {ProblemResponses.RetryAfterSeconds} s",
            statusCode: StatusCodes.Status503ServiceUnavailable,
            extensions: new Dictionary<string, object?> { ["retryAfterSeconds"] = ProblemResponses.RetryAfterSeconds }));
}
