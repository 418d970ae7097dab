using Arbitrage.Testing;
using Arbitrage.Testing.Faults;

namespace Arbitrage.Node.Tests.Hosting;

/// <summary>
/// A SIGKILL loses no recorded trade (issue 13): the offline demo (in-process simulator over the fixture tape) killed
/// while trades stream and restarted on the same data ends with every agg id of the tape in <c>agg_trades</c> exactly
/// once, no gap, and the indicators having counted each trade once. The symbol's snapshot cursor never passes what the
/// recorder has stored, so the restarted feed catches up from a recorded id (<see cref="SigkillRecordingDrill"/>).
/// </summary>
public sealed class NodeKillRecordingTests : IDisposable
{
    private readonly string _work = Path.Combine(Path.GetTempPath(), "arb-kill-rec-" + Guid.NewGuid().ToString("N"));

    public NodeKillRecordingTests() => Directory.CreateDirectory(_work);

    public void Dispose() => TestDatabases.DeleteQuietly(_work);

    [Fact]
    public async Task A_node_killed_while_trades_stream_restarts_from_its_last_recorded_trade_and_agg_trades_ends_contiguous()
    {
        // Killed twice mid-stream, at different points of the tape, then restarted until the tape is done.
        var run = await SigkillRecordingDrill.RunAsync(_work, [5_000L, 11_000L]);

        Assert.Equal(20_000, run.TapeIds.Count);
        Assert.Equal("connected", run.FeedStatus);
        Assert.Equal(0, run.TradeGaps);
        Assert.Equal(run.TapeIds.Count, run.IndicatorTrades); // each trade reached the indicators exactly once, across both kills
        var missing = run.TapeIds.Except(run.RecordedIds).ToArray();
        Assert.True(missing.Length == 0, $"{missing.Length} agg ids missing from agg_trades: {FaultDrills.Ranges(missing)}");
        Assert.Equal(run.TapeIds, run.RecordedIds);
    }
}
