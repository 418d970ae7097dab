using System.Globalization;
using Akka.Persistence.Query;
using Arbitrage.Engine.Execution;

namespace Arbitrage.Engine.Projections;

/// <summary><see cref="TradeClosed"/> (tag <c>order</c>) → <c>read_trades</c>; decimals stored as invariant text, exact on both databases.</summary>
public sealed class TradeClosedProjection : ProjectionHandler<TradeClosed>
{
    public const string Table = "read_trades";

    public override string Tag => "order";

    public override IReadOnlyList<string> Schema { get; } =
    [
        $"""
        CREATE TABLE IF NOT EXISTS {Table} (
            seq BIGINT NOT NULL PRIMARY KEY,
            signal_id VARCHAR(64) NOT NULL UNIQUE,
            symbol VARCHAR(32) NOT NULL,
            strategy VARCHAR(100) NOT NULL,
            direction VARCHAR(8) NOT NULL,
            entry_time_ms BIGINT NOT NULL,
            entry TEXT NOT NULL,
            qty TEXT NOT NULL,
            exit_time_ms BIGINT NOT NULL,
            exit TEXT NOT NULL,
            exit_reason VARCHAR(200) NOT NULL,
            pnl_usd TEXT NOT NULL,
            pnl_r TEXT NOT NULL,
            fees_usd TEXT NOT NULL)
        """,
        $"CREATE INDEX IF NOT EXISTS ix_{Table}_symbol ON {Table} (symbol, seq)",
    ];

    protected override Task ApplyAsync(ProjectionWriter writer, TradeClosed e, EventEnvelope envelope, CancellationToken ct) =>
        writer.ExecuteAsync(
            $"INSERT INTO {Table} (seq, signal_id, symbol, strategy, direction, entry_time_ms, entry, qty, exit_time_ms, exit, exit_reason, pnl_usd, pnl_r, fees_usd) " +
            "VALUES (@seq, @id, @symbol, @strategy, @direction, @entryTime, @entry, @qty, @exitTime, @exit, @reason, @pnl, @r, @fees)",
            ct,
            ("@seq", ((Sequence)envelope.Offset).Value),
            ("@id", e.SignalId),
            ("@symbol", e.Symbol),
            ("@strategy", e.StrategyId),
            ("@direction", e.Direction == Core.Sizing.PositionSide.Long ? "long" : "short"),
            ("@entryTime", e.EntryTimeMs),
            ("@entry", D(e.Entry)),
            ("@qty", D(e.Quantity)),
            ("@exitTime", e.ExitTimeMs),
            ("@exit", D(e.Exit)),
            ("@reason", e.ExitReason),
            ("@pnl", D(e.PnlUsd)),
            ("@r", D(e.PnlR)),
            ("@fees", D(e.FeesUsd)));

    private static string D(decimal d) => d.ToString(CultureInfo.InvariantCulture);
}
