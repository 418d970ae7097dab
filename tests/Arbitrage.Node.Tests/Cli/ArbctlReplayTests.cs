using System.Globalization;
using Arbitrage.Testing;

namespace Arbitrage.Node.Tests.Cli;

/// <summary>
/// A new user's first backtest, as the README shows it: <c>arbctl replay</c> of the bundled fixture with the shipped
/// strategies/ folder trades, and its summary says what came of it and why the other strategies stayed silent.
/// </summary>
public sealed class ArbctlReplayTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "arb-tests", "arbctl-replay-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        try
        {
            Directory.Delete(_dir, recursive: true);
        }
        catch (IOException)
        {
            // A temp directory.
        }
    }

    [Fact]
    public async Task Replaying_the_bundled_fixture_with_the_shipped_strategies_trades_and_explains_each_strategy()
    {
        Directory.CreateDirectory(_dir);
        var signalsCsv = Path.Combine(_dir, "signals.csv");
        var tradesCsv = Path.Combine(_dir, "trades.csv");
        var (exit, _, stderr) = await ArbctlProcess.RunAsync(
            Path.Combine(_dir, "arbctl.json"), null,
            "replay", "--tape", Path.Combine(RepoPaths.Fixtures, "BTCUSD_PERP-aggTrades-2026-05-08.head20000.zip"),
            "--strategies", RepoPaths.Strategies, "--hocon", RepoPaths.Hocon, "--signals-out", signalsCsv, "--trades-out", tradesCsv);
        Assert.True(exit == 0, stderr);

        var signals = File.ReadAllLines(signalsCsv).Length - 1;
        var trades = File.ReadAllLines(tradesCsv)[1..].Select(l => l.Split(',')).ToArray();
        Assert.True(signals > 0 && trades.Length > 0, stderr);
        var lines = stderr.Split('\n', StringSplitOptions.TrimEntries).Where(l => l.StartsWith("replay: ", StringComparison.Ordinal)).ToArray();
        var done = Array.FindIndex(lines, l => l.StartsWith("replay: done: ", StringComparison.Ordinal));
        Assert.True(done >= 0, stderr);
        Assert.Contains($", {signals} signals, {trades.Length} closed trades in ", lines[done], StringComparison.Ordinal);

        // One line per strategy, then the backtest.
        Assert.StartsWith($"replay: strategy example_trades_only: {signals} signals; best score ", lines[done + 1], StringComparison.Ordinal);
        Assert.StartsWith(
            "replay: strategy v51_baseline: 0 signals: best score 55 < threshold 75 (BTCUSD_PERP at 2026-05-08T",
            lines[done + 2],
            StringComparison.Ordinal);
        Assert.EndsWith(
            "inputs missing on every scored tick: ls_ratio (20 points), oi (15), coinbase_premium (10), so at most 55 was reachable",
            lines[done + 2],
            StringComparison.Ordinal);
        Assert.StartsWith("replay: strategy v52_8signals: 0 signals: best score 45 < threshold 75", lines[done + 3], StringComparison.Ordinal);

        var pnl = trades.Sum(t => decimal.Parse(t[13], CultureInfo.InvariantCulture));
        var fees = trades.Sum(t => decimal.Parse(t[15], CultureInfo.InvariantCulture));
        Assert.StartsWith(
            string.Create(CultureInfo.InvariantCulture, $"replay: backtest: {trades.Length} trades, {trades.Count(t => decimal.Parse(t[13], CultureInfo.InvariantCulture) > 0)} wins ("),
            lines[done + 4],
            StringComparison.Ordinal);
        Assert.Contains(string.Create(CultureInfo.InvariantCulture, $"net PnL {pnl:0.00} USD ("), lines[done + 4], StringComparison.Ordinal);
        Assert.Contains(string.Create(CultureInfo.InvariantCulture, $"fees {fees:0.00} USD, max drawdown "), lines[done + 4], StringComparison.Ordinal);
    }
}
