using System.Collections.Concurrent;
using Arbitrage.Core.Funding;
using Arbitrage.Core.Funding.Carry;
using Arbitrage.Engine.Funding;
using Arbitrage.Engine.Funding.Carry;

namespace Arbitrage.Engine.Tests.Funding.Carry;

internal static class CarryTestData
{
    public const string Btc = "BTCUSDT";
    public const long T0 = 1_680_652_800_000; // 2023-04-05T00:00Z
    public const long Hour = 3_600_000;

    /// <summary>8 h interval: annualised = rate × 1095. Entry 10 %/yr ⇔ rate ≥ 0.0000913…; exit 3 %/yr ⇔ rate &lt; 0.0000274.</summary>
    public static CarryConfig Config(decimal enter = 0.10m, decimal exit = 0.03m, decimal minBasis = -0.0005m, long maxHoldingMs = 30 * 24 * Hour, int snapshotEvery = 100) =>
        new("carry_test", new CarryParameters(enter, minBasis, exit, maxHoldingMs), NotionalUsd: 1000m, Symbols: [Btc],
            FeeRate: 0.0004m, FundingIntervalHours: 8, SpotStep: 0.00001m, PerpStep: 0.001m, SnapshotEvery: snapshotEvery);

    public static MarkPriceUpdate Update(long t, decimal rate, decimal mark = 20000m, decimal index = 20000m, long? next = null) =>
        new(Btc, t, mark, index, mark, rate, next ?? NextFunding(t));

    /// <summary>The next 00/08/16 UTC settlement strictly after <paramref name="t"/>.</summary>
    public static long NextFunding(long t) => (t / (8 * Hour) + 1) * 8 * Hour;

    public static FundingSettlementDetected Settlement(long t, decimal rate, decimal mark) => new(Btc, t, rate, mark, Estimated: true);
}

/// <summary>Paper fills, except the legs told to fail; optionally answers asynchronously (the live shape).</summary>
internal sealed class ScriptedLegGateway(decimal feeRate, bool async = false) : ICarryLegGateway
{
    private readonly PaperCarryLegGateway _paper = new(feeRate);
    private readonly ConcurrentQueue<CarryLegOrder> _orders = new();

    /// <summary>Fail every order whose client id contains one of these (e.g. <c>open-perp</c>, <c>unwind-spot</c>).</summary>
    public ConcurrentDictionary<string, string> FailWhenIdContains { get; } = new();

    public IReadOnlyList<CarryLegOrder> Orders => _orders.ToArray();

    public async Task<CarryLegResult> ExecuteAsync(CarryLegOrder order)
    {
        _orders.Enqueue(order);
        if (async) await Task.Yield();
        foreach (var (fragment, error) in FailWhenIdContains)
        {
            if (order.ClientId.Contains(fragment, StringComparison.Ordinal)) return CarryLegResult.Failed(error);
        }

        return await _paper.ExecuteAsync(order).ConfigureAwait(false);
    }
}

/// <summary>Paper fills held back until the test releases them: legs stay in flight as long as the test needs.</summary>
internal sealed class GatedLegGateway(decimal feeRate) : ICarryLegGateway
{
    private readonly PaperCarryLegGateway _paper = new(feeRate);
    private readonly TaskCompletionSource _gate = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _waiting;

    /// <summary>Legs sent and not answered yet.</summary>
    public int Waiting => Volatile.Read(ref _waiting);

    public void Release() => _gate.TrySetResult();

    public async Task<CarryLegResult> ExecuteAsync(CarryLegOrder order)
    {
        Interlocked.Increment(ref _waiting);
        await _gate.Task.ConfigureAwait(false);
        Interlocked.Decrement(ref _waiting);
        return await _paper.ExecuteAsync(order).ConfigureAwait(false);
    }
}
