using Arbitrage.Core.Execution;
using Arbitrage.Core.Sizing;
using Arbitrage.Core.Strategies;

namespace Arbitrage.Core.Tests.Execution;

/// <summary>
/// Signals, exchange answers and a running state for the pure <see cref="ExecutorLogic"/>: each step applies a decision
/// and keeps its state, so a test reads as the conversation between the executor and the exchange.
/// </summary>
internal sealed class ExecutorFixture
{
    public const long T0 = 1_778_198_400_000; // 2026-05-08 00:00:00 UTC

    public static readonly ExecutionRules Rules = new(
        new Dictionary<string, SymbolFilters>
        {
            ["BTCUSDT"] = new("BTCUSDT", 0.1m, 0.001m, 0.001m, 5m),
            ["ETHUSDT"] = new("ETHUSDT", 0.01m, 0.001m, 0.001m, 5m),
            ["SOLUSDT"] = new("SOLUSDT", 0.01m, 1m, 1m, 5m),
        },
        MaxConcurrentPositions: 2,
        TakerFeeRate: 0.0004m);

    public ExecutorState State { get; private set; } = ExecutorState.Empty;

    /// <summary>Long BTCUSDT at 100, stop 98 (R = 2 USD → 1 BTC), TP1 102, TP2 104.</summary>
    public static SignalEmitted LongBtc(string id = "s-BTCUSDT-L-1", long timeMs = T0) =>
        Signal(id, "BTCUSDT", Direction.Long, 100, 98, 102, 104, timeMs);

    /// <summary>Short ETHUSDT at 50, stop 51 (R = 2 USD → 2 ETH), TP1 49, TP2 48.</summary>
    public static SignalEmitted ShortEth(string id = "s-ETHUSDT-S-1", long timeMs = T0) =>
        Signal(id, "ETHUSDT", Direction.Short, 50, 51, 49, 48, timeMs);

    public static SignalEmitted Signal(string id, string symbol, Direction direction, double entry, double sl, double tp1, double tp2, long timeMs) =>
        new(id, "test", "1", symbol, direction, timeMs, 80, 75, entry, 1.0, sl, tp1, tp2, []);

    public static string Id(SignalEmitted s, OrderLeg leg) => ClientOrderIds.For(s.SignalId, leg);

    /// <summary>Runs a decision on the current state and keeps its result.</summary>
    public ExecutionDecision Do(Func<ExecutorState, ExecutionDecision> decide)
    {
        var d = decide(State);
        State = d.State;
        return d;
    }

    public ExecutionDecision Signal(SignalEmitted s, decimal riskUsd = 2m) => Do(st => ExecutorLogic.OnSignal(st, s, riskUsd, Rules));

    /// <summary>The exchange reports the order as <paramref name="status"/> with <paramref name="filled"/> at <paramref name="average"/>.</summary>
    public ExecutionDecision Exchange(string clientOrderId, GatewayOrderStatus status, decimal filled = 0m, decimal average = 0m,
        long timeMs = T0, decimal? feeUsd = null) =>
        Do(st => ExecutorLogic.Observe(st, Order(st, clientOrderId, status, filled, average, timeMs, feeUsd), Rules));

    /// <summary>The order as the exchange would report it (its intent's side, type, quantity and stop).</summary>
    public static GatewayOrder Order(ExecutorState state, string clientOrderId, GatewayOrderStatus status, decimal filled, decimal average,
        long timeMs, decimal? feeUsd = null)
    {
        var i = state.Orders[clientOrderId].Intent;
        return new GatewayOrder(i.ClientOrderId, i.Symbol, i.Side, i.Type, i.Quantity, i.StopPrice, i.ReduceOnly, status, filled, average, feeUsd, timeMs);
    }

    /// <summary>A long BTCUSDT planned, its entry filled at 100 and its bracket (stop, TP1, TP2) accepted at the exchange.</summary>
    public SignalEmitted OpenLongBtc(string id = "s-BTCUSDT-L-1")
    {
        var s = LongBtc(id);
        Signal(s);
        Exchange(Id(s, OrderLeg.Entry), GatewayOrderStatus.Filled, 1m, 100m, T0 + 1_000);
        foreach (var leg in new[] { OrderLeg.StopLoss, OrderLeg.TakeProfit1, OrderLeg.TakeProfit2 })
            Exchange(Id(s, leg), GatewayOrderStatus.New, timeMs: T0 + 1_100);
        return s;
    }

    public static IReadOnlyList<OrderIntent> Placed(ExecutionDecision d) =>
        d.Effects.OfType<ExecutionEffect.Place>().Select(p => p.Intent).ToArray();

    public static IReadOnlyList<string> Cancelled(ExecutionDecision d) =>
        d.Effects.OfType<ExecutionEffect.Cancel>().Select(c => c.ClientOrderId).ToArray();
}
