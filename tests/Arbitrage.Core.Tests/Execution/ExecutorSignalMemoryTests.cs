using Arbitrage.Core.Execution;
using static Arbitrage.Core.Tests.Execution.ExecutorFixture;

namespace Arbitrage.Core.Tests.Execution;

/// <summary>
/// The executor remembers handled signals for <see cref="ExecutorState.SignalMemoryMs"/> of its event time: every repeat that can
/// arrive is still recognised, the set does not grow with the age of the account, and nothing older is ever traded.
/// </summary>
public sealed class ExecutorSignalMemoryTests
{
    private const long Hour = 3_600_000;

    /// <summary>One refused signal per 10 minutes for <paramref name="hours"/> hours (no filters for XRPUSDT: refused, never traded).</summary>
    private static ExecutorFixture Refusals(int hours)
    {
        var x = new ExecutorFixture();
        for (var t = T0; t < T0 + hours * Hour; t += 600_000)
            x.Signal(Signal($"x-{t}", "XRPUSDT", Direction.Long, 1, 0.9, 1.1, 1.2, t));
        return x;
    }

    [Fact]
    public void The_memory_holds_at_most_a_day_and_an_hour_of_signals_however_long_the_account_runs()
    {
        var x = Refusals(24 * 7);
        var oldest = x.State.SeenSignals.Values.Min();
        Assert.InRange(x.State.LastEventMs - oldest, 0, ExecutorState.SignalMemoryMs + Hour);
        Assert.InRange(x.State.SeenSignals.Count, 24 * 6, 25 * 6 + 1);
    }

    [Fact]
    public void A_repeat_within_the_memory_is_recognised_and_ignored()
    {
        var x = Refusals(48);
        var now = x.State.LastEventMs;
        var edge = now - ExecutorState.SignalMemoryMs; // the oldest signal time still remembered (a multiple of 10 minutes here)
        Assert.True(x.State.Remembers(edge));
        Assert.True(x.State.HasSeen($"x-{edge}"));
        Assert.Empty(x.Signal(Signal($"x-{edge}", "XRPUSDT", Direction.Long, 1, 0.9, 1.1, 1.2, edge)).Events);
    }

    [Fact]
    public void A_signal_older_than_the_memory_is_refused_as_stale_never_traded()
    {
        var x = Refusals(48);
        var now = x.State.LastEventMs;
        var old = LongBtc("s-old", now - ExecutorState.SignalMemoryMs - 1);
        var r = Assert.IsType<SignalRejected>(Assert.Single(x.Signal(old).Events));
        Assert.Equal((RejectCode.StaleSignal, now), (r.Code, r.TimeMs));
        Assert.Empty(x.State.Trades);
        Assert.IsType<TradePlanned>(x.Signal(LongBtc("s-new", now)).Events[0]); // a current one trades
    }

    [Fact]
    public void A_trade_open_longer_than_the_memory_still_blocks_its_symbol()
    {
        var x = new ExecutorFixture();
        var s = x.OpenLongBtc();
        for (var t = T0 + Hour; t <= T0 + 30 * Hour; t += Hour)
            x.Signal(Signal($"x-{t}", "XRPUSDT", Direction.Long, 1, 0.9, 1.1, 1.2, t));
        Assert.False(x.State.HasSeen(s.SignalId));
        Assert.Equal(RejectCode.SymbolBusy, Assert.IsType<SignalRejected>(Assert.Single(x.Signal(LongBtc("s-2", T0 + 30 * Hour)).Events)).Code);
    }

    [Fact]
    public void Forgetting_depends_only_on_the_events_so_recovery_rebuilds_the_same_memory()
    {
        var x = Refusals(30);
        var rebuilt = ExecutorState.Empty;
        for (var t = T0; t < T0 + 30 * Hour; t += 600_000)
            rebuilt = rebuilt.Apply(new SignalRejected($"x-{t}", "XRPUSDT", RejectCode.NoFilters, "-", t));
        Assert.Equal(x.State.SeenSignals.OrderBy(kv => kv.Key, StringComparer.Ordinal), rebuilt.SeenSignals.OrderBy(kv => kv.Key, StringComparer.Ordinal));
    }
}
