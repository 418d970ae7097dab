using Akka.Persistence.Query;
using Arbitrage.Core.Strategies;
using Arbitrage.Engine.Strategies;

namespace Arbitrage.Engine.Projections;

/// <summary><see cref="SignalEmitted"/> (tag <c>signal</c>) → <c>read_signals</c>, one row per signal id.</summary>
public sealed class SignalProjection : ProjectionHandler<SignalEmitted>
{
    public const string Table = "read_signals";

    public override string Tag => StrategyActor.SignalTag;

    public override IReadOnlyList<string> Schema { get; } =
    [
        $"""
        CREATE TABLE IF NOT EXISTS {Table} (
            seq BIGINT NOT NULL PRIMARY KEY,
            signal_id VARCHAR(100) NOT NULL UNIQUE,
            strategy_id VARCHAR(200) NOT NULL,
            strategy_version VARCHAR(100) NOT NULL,
            symbol VARCHAR(50) NOT NULL,
            direction VARCHAR(20) NOT NULL,
            time_ms BIGINT NOT NULL,
            score DOUBLE PRECISION NOT NULL,
            threshold DOUBLE PRECISION NOT NULL,
            entry DOUBLE PRECISION NOT NULL,
            atr DOUBLE PRECISION NOT NULL,
            stop_loss DOUBLE PRECISION NOT NULL,
            take_profit1 DOUBLE PRECISION NOT NULL,
            take_profit2 DOUBLE PRECISION NOT NULL,
            breakdown_json TEXT NOT NULL)
        """,
        $"CREATE INDEX IF NOT EXISTS ix_{Table}_symbol ON {Table} (symbol, seq)",
        $"CREATE INDEX IF NOT EXISTS ix_{Table}_strategy ON {Table} (strategy_id, seq)",
    ];

    protected override Task ApplyAsync(ProjectionWriter writer, SignalEmitted e, EventEnvelope envelope, CancellationToken ct) =>
        writer.ExecuteAsync(
            $"""
            INSERT INTO {Table} (seq, signal_id, strategy_id, strategy_version, symbol, direction, time_ms, score, threshold,
                entry, atr, stop_loss, take_profit1, take_profit2, breakdown_json)
            VALUES (@seq, @signal_id, @strategy_id, @strategy_version, @symbol, @direction, @time_ms, @score, @threshold,
                @entry, @atr, @stop_loss, @tp1, @tp2, @breakdown)
            """,
            ct,
            ("@seq", ((Sequence)envelope.Offset).Value),
            ("@signal_id", e.SignalId),
            ("@strategy_id", e.StrategyId),
            ("@strategy_version", e.StrategyVersion),
            ("@symbol", e.Symbol),
            ("@direction", e.Direction.ToString()),
            ("@time_ms", e.TimeMs),
            ("@score", e.Score),
            ("@threshold", e.Threshold),
            ("@entry", e.Entry),
            ("@atr", e.Atr),
            ("@stop_loss", e.StopLoss),
            ("@tp1", e.TakeProfit1),
            ("@tp2", e.TakeProfit2),
            ("@breakdown", e.BreakdownJson()));
}
