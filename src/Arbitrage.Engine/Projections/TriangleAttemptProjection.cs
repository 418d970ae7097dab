using System.Globalization;
using Akka.Persistence.Query;
using Arbitrage.Core.Triangles.Execution;
using Arbitrage.Engine.Triangles.Execution;

namespace Arbitrage.Engine.Projections;

/// <summary>
/// Triangle attempts (tag <c>triangle-attempt</c>) → <c>read_triangle_attempts</c>, one row per attempt:
/// <see cref="TriangleAttemptStarted"/> inserts it in flight, <see cref="TriangleAttemptEndedProjection"/> completes it.
/// </summary>
public sealed class TriangleAttemptStartedProjection : ProjectionHandler<TriangleAttemptStarted>
{
    public const string Table = "read_triangle_attempts";

    public override string Tag => TriangleAttemptActor.Tag;

    public override IReadOnlyList<string> Schema { get; } =
    [
        $"""
        CREATE TABLE IF NOT EXISTS {Table} (
            attempt_id VARCHAR(200) NOT NULL PRIMARY KEY,
            seq BIGINT NOT NULL,
            venue VARCHAR(100) NOT NULL,
            cycle VARCHAR(100) NOT NULL,
            start_asset VARCHAR(50) NOT NULL,
            start_ms BIGINT NOT NULL,
            end_ms BIGINT NULL,
            start_amount VARCHAR(60) NOT NULL,
            end_amount VARCHAR(60) NULL,
            pnl_start_asset VARCHAR(60) NULL,
            pnl_usd VARCHAR(60) NULL,
            fees_usd VARCHAR(60) NULL,
            outcome VARCHAR(20) NULL,
            legs_filled INTEGER NULL,
            slippage_bps DOUBLE PRECISION NULL,
            detail VARCHAR(1000) NULL)
        """,
        $"CREATE INDEX IF NOT EXISTS ix_{Table}_start ON {Table} (start_ms)",
    ];

    protected override Task ApplyAsync(ProjectionWriter writer, TriangleAttemptStarted e, EventEnvelope envelope, CancellationToken ct) =>
        writer.ExecuteAsync(
            $"""
            INSERT INTO {Table} (attempt_id, seq, venue, cycle, start_asset, start_ms, start_amount)
            VALUES (@id, @seq, @venue, @cycle, @asset, @start, @amount)
            ON CONFLICT (attempt_id) DO NOTHING
            """,
            ct,
            ("@id", e.AttemptId),
            ("@seq", ((Sequence)envelope.Offset).Value),
            ("@venue", e.Venue),
            ("@cycle", e.Cycle.Id),
            ("@asset", e.Cycle.StartAsset),
            ("@start", e.TimeMs),
            ("@amount", e.Plan.StartAmount.ToString(CultureInfo.InvariantCulture)));
}

/// <summary><see cref="TriangleAttemptEnded"/> → the attempt's row gets its outcome, amounts and costs (inserted whole if its start was never seen).</summary>
public sealed class TriangleAttemptEndedProjection : ProjectionHandler<TriangleAttemptEnded>
{
    public override string Tag => TriangleAttemptActor.Tag;

    public override IReadOnlyList<string> Schema => [];

    protected override Task ApplyAsync(ProjectionWriter writer, TriangleAttemptEnded e, EventEnvelope envelope, CancellationToken ct)
    {
        var r = e.Result;
        static string D(decimal v) => v.ToString(CultureInfo.InvariantCulture);
        return writer.ExecuteAsync(
            $"""
            INSERT INTO {TriangleAttemptStartedProjection.Table} (attempt_id, seq, venue, cycle, start_asset, start_ms, end_ms, start_amount, end_amount,
                pnl_start_asset, pnl_usd, fees_usd, outcome, legs_filled, slippage_bps, detail)
            VALUES (@id, @seq, @venue, @cycle, @asset, @start, @end, @amount, @end_amount, @pnl, @pnl_usd, @fees, @outcome, @legs, @slippage, @detail)
            ON CONFLICT (attempt_id) DO UPDATE SET end_ms = excluded.end_ms, end_amount = excluded.end_amount,
                pnl_start_asset = excluded.pnl_start_asset, pnl_usd = excluded.pnl_usd, fees_usd = excluded.fees_usd,
                outcome = excluded.outcome, legs_filled = excluded.legs_filled, slippage_bps = excluded.slippage_bps, detail = excluded.detail
            """,
            ct,
            ("@id", r.AttemptId),
            ("@seq", ((Sequence)envelope.Offset).Value),
            ("@venue", r.Venue),
            ("@cycle", r.CycleId),
            ("@asset", r.StartAsset),
            ("@start", r.StartMs),
            ("@end", r.EndMs),
            ("@amount", D(r.StartAmount)),
            ("@end_amount", D(r.EndAmount)),
            ("@pnl", D(r.PnlStartAsset)),
            ("@pnl_usd", D(r.PnlUsd)),
            ("@fees", D(r.FeesUsd)),
            ("@outcome", EnumCodes.Of(r.Outcome)),
            ("@legs", r.LegsFilled),
            ("@slippage", r.SlippageBps),
            ("@detail", r.Detail.Length > 1000 ? r.Detail[..1000] : r.Detail));
    }
}
