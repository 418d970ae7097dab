using System.Collections.Concurrent;
using Akka.Actor;
using Arbitrage.Core.Execution;
using Arbitrage.Core.Sizing;
using Arbitrage.Core.Strategies;
using Arbitrage.Engine.Execution;

namespace Arbitrage.Engine.Tests.Execution;

internal static class ExecutionTestData
{
    public const long T0 = 1_715_126_400_000; // 2024-05-08 00:00:00 UTC

    public static readonly IReadOnlyDictionary<string, SymbolFilters> Filters = new Dictionary<string, SymbolFilters>
    {
        ["BTCUSDT"] = new("BTCUSDT", 0.1m, 0.001m, 0.001m, 5m),
        ["ETHUSDT"] = new("ETHUSDT", 0.01m, 0.001m, 0.001m, 5m),
    };

    public static ExecutorSettings Settings(string? persistenceId = null, int maxPositions = 3) =>
        new(Filters, maxPositions, 0.0004m, TimeSpan.FromMilliseconds(20), 3, persistenceId ?? "executor-" + Guid.NewGuid().ToString("N"));

    public static SignalEmitted Signal(string id, string symbol, Direction direction, double entry, double sl, double tp1, double tp2, long timeMs) =>
        new(id, "test", "1", symbol, direction, timeMs, 80, 75, entry, 1.0, sl, tp1, tp2, []);

    /// <summary>Long BTCUSDT at 100, stop 98 (R = 2 USD → 1 BTC), TP1 102, TP2 104.</summary>
    public static SignalEmitted LongBtc(string id = "t-BTCUSDT-L-1", long timeMs = T0) =>
        Signal(id, "BTCUSDT", Direction.Long, 100, 98, 102, 104, timeMs);
}

/// <summary>
/// A scripted exchange: records every placement by client id, fills MARKET orders at <see cref="FillPrice"/>,
/// keeps conditional orders working, and can hang, fail or lose placements and fail queries on demand.
/// </summary>
internal sealed class FakeGateway : IExchangeGateway
{
    private readonly ConcurrentDictionary<string, GatewayOrder> _orders = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<string> _placements = new();
    private readonly ConcurrentQueue<GatewayErrorKind> _queryFailures = new();
    private readonly ConcurrentQueue<(GatewayErrorKind Kind, bool Record)> _placeFailures = new();
    private readonly List<(OrderRequest Request, TaskCompletionSource<GatewayResult<GatewayOrder>> Answer)> _held = [];
    private readonly ConcurrentQueue<string> _cancels = new();
    private int _storm;
    private int _stormCalls;

    public decimal FillPrice { get; set; } = 100m;

    /// <summary>Placements record the order but never answer (the process dies before the ack).</summary>
    public bool HangAfterRecording { get; set; }

    /// <summary>Placements never reach the exchange and never answer (the process dies before sending).</summary>
    public bool HangBeforeRecording { get; set; }

    /// <summary>Every placement answers UnknownStatus without recording the order.</summary>
    public bool AlwaysLosePlacements { get; set; }

    /// <summary>
    /// Placements this selects are in flight until <see cref="ReleaseHeld"/>: not at the exchange (queries and cancels do not
    /// find them), not answered; released, they arrive and are answered in the order they were sent.
    /// </summary>
    public Func<OrderRequest, bool>? Hold { get; set; }

    /// <summary>Client ids of the held placements, in the order they were sent.</summary>
    public IReadOnlyList<string> Held
    {
        get
        {
            lock (_held) return _held.Select(h => h.Request.ClientOrderId).ToArray();
        }
    }

    /// <summary>Lets every held placement arrive at the exchange and answers it.</summary>
    public void ReleaseHeld()
    {
        List<(OrderRequest Request, TaskCompletionSource<GatewayResult<GatewayOrder>> Answer)> held;
        lock (_held)
        {
            held = [.. _held];
            _held.Clear();
        }

        foreach (var (r, answer) in held)
        {
            if (_orders.ContainsKey(r.ClientOrderId))
            {
                answer.SetResult(GatewayResult<GatewayOrder>.Fail(GatewayErrorKind.UnknownStatus, "-4116 ClientOrderId is duplicated"));
                continue;
            }

            Record(r);
            answer.SetResult(GatewayResult<GatewayOrder>.Ok(_orders[r.ClientOrderId]));
        }
    }

    /// <summary>The next <paramref name="count"/> calls of any kind are refused unseen, 429-like (placements are not recorded).</summary>
    public void Storm(int count) => Volatile.Write(ref _storm, count);

    /// <summary>Calls answered by the storm so far.</summary>
    public int StormCalls => Volatile.Read(ref _stormCalls);

    /// <summary>Cancels sent, by client id.</summary>
    public int CancelsOf(string clientOrderId) => _cancels.Count(c => c == clientOrderId);

    /// <summary>Sets an order's state at the exchange, as its matching engine would (a trigger, a fill).</summary>
    public GatewayOrder Set(string clientOrderId, Func<GatewayOrder, GatewayOrder> change) => _orders[clientOrderId] = change(_orders[clientOrderId]);

    public IReadOnlyList<string> Placements => _placements.ToArray();

    public int PlacementsOf(string clientOrderId) => _placements.Count(p => p == clientOrderId);

    public IReadOnlyDictionary<string, GatewayOrder> Orders => _orders;

    public void FailNextPlacement(GatewayErrorKind kind, bool recordOrder) => _placeFailures.Enqueue((kind, recordOrder));

    public void FailNextQuery(GatewayErrorKind kind) => _queryFailures.Enqueue(kind);

    public void Subscribe(IActorRef listener)
    {
    }

    public Task<GatewayResult<GatewayOrder>> PlaceAsync(OrderRequest r, CancellationToken ct = default)
    {
        _placements.Enqueue(r.ClientOrderId);
        if (Stormed() is { } refused) return Task.FromResult<GatewayResult<GatewayOrder>>(refused);
        if (Hold?.Invoke(r) == true)
        {
            var answer = new TaskCompletionSource<GatewayResult<GatewayOrder>>(TaskCreationOptions.RunContinuationsAsynchronously);
            lock (_held) _held.Add((r, answer));
            return answer.Task;
        }

        if (HangBeforeRecording) return new TaskCompletionSource<GatewayResult<GatewayOrder>>().Task;
        if (AlwaysLosePlacements) return Task.FromResult(GatewayResult<GatewayOrder>.Fail(GatewayErrorKind.UnknownStatus, "503 lost"));
        if (_orders.ContainsKey(r.ClientOrderId))
            return Task.FromResult(GatewayResult<GatewayOrder>.Fail(GatewayErrorKind.Rejected, "-4116 ClientOrderId is duplicated"));
        var failure = _placeFailures.TryDequeue(out var f) ? f : ((GatewayErrorKind Kind, bool Record)?)null;
        if (failure is null || failure.Value.Record) Record(r);
        if (HangAfterRecording) return new TaskCompletionSource<GatewayResult<GatewayOrder>>().Task;
        return Task.FromResult(failure is { } x
            ? GatewayResult<GatewayOrder>.Fail(x.Kind, "HTTP 503 Service Unavailable (scripted)")
            : GatewayResult<GatewayOrder>.Ok(_orders[r.ClientOrderId]));
    }

    public Task<GatewayResult<GatewayOrder>> QueryAsync(string symbol, string clientOrderId, CancellationToken ct = default)
    {
        if (Stormed() is { } refused) return Task.FromResult<GatewayResult<GatewayOrder>>(refused);
        if (_queryFailures.TryDequeue(out var kind)) return Task.FromResult(GatewayResult<GatewayOrder>.Fail(kind, "HTTP 502 (scripted)"));
        return Task.FromResult(_orders.TryGetValue(clientOrderId, out var o)
            ? GatewayResult<GatewayOrder>.Ok(o)
            : GatewayResult<GatewayOrder>.Fail(GatewayErrorKind.NotFound, "-2013 Order does not exist"));
    }

    public Task<GatewayResult<GatewayOrder>> CancelAsync(string symbol, string clientOrderId, CancellationToken ct = default)
    {
        _cancels.Enqueue(clientOrderId);
        if (Stormed() is { } refused) return Task.FromResult<GatewayResult<GatewayOrder>>(refused);
        if (!_orders.TryGetValue(clientOrderId, out var o) || o.IsFinal)
            return Task.FromResult(GatewayResult<GatewayOrder>.Fail(GatewayErrorKind.NotFound, "-2011 Unknown order sent"));
        var c = o with { Status = GatewayOrderStatus.Canceled };
        _orders[clientOrderId] = c;
        return Task.FromResult(GatewayResult<GatewayOrder>.Ok(c));
    }

    public Task<GatewayResult<IReadOnlyList<GatewayOrder>>> OpenOrdersAsync(CancellationToken ct = default) =>
        Task.FromResult(GatewayResult<IReadOnlyList<GatewayOrder>>.Ok(_orders.Values.Where(o => !o.IsFinal).ToArray()));

    public Task<GatewayResult<IReadOnlyList<GatewayPosition>>> PositionsAsync(CancellationToken ct = default)
    {
        var byPos = _orders.Values.Where(o => o.FilledQuantity > 0m)
            .GroupBy(o => o.Symbol)
            .Select(g => new GatewayPosition(g.Key, g.Sum(o => o.Side == Side.Buy ? o.FilledQuantity : -o.FilledQuantity), FillPrice))
            .Where(p => p.Quantity != 0m)
            .ToArray();
        return Task.FromResult(GatewayResult<IReadOnlyList<GatewayPosition>>.Ok(byPos));
    }

    public Task<GatewayResult<decimal>> BalanceAsync(CancellationToken ct = default) => Task.FromResult(GatewayResult<decimal>.Ok(1_000m));

    private GatewayError? Stormed()
    {
        while (true)
        {
            var left = Volatile.Read(ref _storm);
            if (left <= 0) return null;
            if (Interlocked.CompareExchange(ref _storm, left - 1, left) != left) continue;
            Interlocked.Increment(ref _stormCalls);
            return new GatewayError(GatewayErrorKind.Unavailable, "HTTP 429 Too many requests (scripted storm)")
            {
                RetryAt = DateTimeOffset.UtcNow.AddMilliseconds(30),
            };
        }
    }

    private void Record(OrderRequest r) =>
        _orders[r.ClientOrderId] = r.Type == OrderType.Market
            ? new GatewayOrder(r.ClientOrderId, r.Symbol, r.Side, r.Type, r.Quantity, r.StopPrice, r.ReduceOnly, GatewayOrderStatus.Filled,
                r.Quantity, FillPrice, null, ExecutionTestData.T0)
            : new GatewayOrder(r.ClientOrderId, r.Symbol, r.Side, r.Type, r.Quantity, r.StopPrice, r.ReduceOnly, GatewayOrderStatus.New,
                0m, 0m, null, ExecutionTestData.T0);
}
