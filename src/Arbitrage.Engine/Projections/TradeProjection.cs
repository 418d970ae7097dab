using System.Globalization;
using Akka.Persistence.Query;
using Arbitrage.Core.Execution;

namespace Arbitrage.Engine.Projections;

/// <summary>
/// <see cref="TradeClosed"/> (tag <c>order</c>) → <c>read_trades</c>; decimals stored as invariant text, exact on both databases.
/// <c>exit_reason</c> holds the <see cref="ExitReason"/> code and <c>exit_detail</c> its words; rows projected before the codes
/// (free text in <c>exit_reason</c>, no <c>exit_detail</c>) are read through <see cref="ReadExit"/>.
/// </summary>
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
            fees_usd TEXT NOT NULL,
            exit_detail TEXT NOT NULL DEFAULT '')
        """,
        $"CREATE INDEX IF NOT EXISTS ix_{Table}_symbol ON {Table} (symbol, seq)",
    ];

    public override IReadOnlyList<AddedColumn> AddedColumns { get; } = [new(Table, "exit_detail", "TEXT NOT NULL DEFAULT ''")];

    /// <summary>A row's (<c>exit_reason</c>, <c>exit_detail</c>) as (code, detail), whichever version projected it.</summary>
    public static (string Reason, string Detail) ReadExit(string storedReason, string? storedDetail)
    {
        var (reason, legacyDetail) = ExitReasons.FromStored(storedReason);
        return (reason.Code(), string.IsNullOrEmpty(storedDetail) ? legacyDetail : storedDetail);
    }

    protected override Task ApplyAsync(ProjectionWriter writer, TradeClosed e, EventEnvelope envelope, CancellationToken ct) =>
        writer.ExecuteAsync(
            $"INSERT INTO {Table} (seq, signal_id, symbol, strategy, direction, entry_time_ms, entry, qty, exit_time_ms, exit, exit_reason, exit_detail, pnl_usd, pnl_r, fees_usd) " +
            "VALUES (@seq, @id, @symbol, @strategy, @direction, @entryTime, @entry, @qty, @exitTime, @exit, @reason, @detail, @pnl, @r, @fees)",
            ct,
            ("@seq", ((Sequence)envelope.Offset).Value),
            ("@id", e.SignalId),
            ("@symbol", e.Symbol),
            ("@strategy", e.StrategyId),
            ("@direction", e.Direction == Core.Execution.Direction.Long ? "long" : "short"),
            ("@entryTime", e.EntryTimeMs),
            ("@entry", D(e.Entry)),
            ("@qty", D(e.Quantity)),
            ("@exitTime", e.ExitTimeMs),
            ("@exit", D(e.Exit)),
            ("@reason", e.ExitReason.Code()),
            ("@detail", e.ExitDetail),
            ("@pnl", D(e.PnlUsd)),
            ("@r", D(e.PnlR)),
            ("@fees", D(e.FeesUsd)));

    private static string D(decimal d) => d.ToString(CultureInfo.InvariantCulture);
}
