using System.Text;
using Akka.Actor;
using Arbitrage.Binance.Protocol;
using Arbitrage.Binance.Tapes;
using Arbitrage.Core.Execution;
using Arbitrage.Core.Strategies;
using Arbitrage.Core.Triangles;
using Arbitrage.Engine.Execution;
using Arbitrage.Engine.Funding;
using Arbitrage.Engine.Funding.Carry;

namespace Arbitrage.Engine.Replay;

/// <summary>
/// The replay's CSV files besides the indicators (<see cref="IndicatorCsvRows"/>, written as the ticks arrive): signals,
/// trades and the carry backtest, each written to a temp file and moved into place, so a reader never sees half a file.
/// </summary>
internal static class ReplayOutputs
{
    /// <summary>The signals by (time, symbol, strategy), each as the row the collector formatted when it arrived.</summary>
    public static void WriteSignals(string path, IReadOnlyList<int> order, IReadOnlyList<string> rows)
    {
        var sb = new StringBuilder(ReplayCsv.SignalsHeader).Append('\n');
        foreach (var i in order)
        {
            sb.Append(rows[i]);
        }

        WriteAtomically(path, sb);
    }

    /// <summary>The closed trades in exit order (<see cref="TradesCsv"/>).</summary>
    public static void WriteTrades(string path, IReadOnlyList<TradeClosed> trades)
    {
        var sb = new StringBuilder();
        using (var writer = new StringWriter(sb) { NewLine = "\n" })
        {
            TradesCsv.Write(writer, trades);
        }

        WriteAtomically(path, sb);
    }

    /// <summary>The triangle episodes (<see cref="TriangleEpisodesCsv"/>: its header, sorted by (start_ms, cycle)).</summary>
    public static void WriteTriangles(string path, IEnumerable<TriangleEpisodeRecord> episodes) =>
        WriteAtomically(path, new StringBuilder(TriangleEpisodesCsv.Format(episodes)));

    /// <summary>The triangle attempts (<see cref="Core.Triangles.Execution.TriangleAttemptsCsv"/>, sorted by (start_ms, attempt_id)).</summary>
    public static void WriteTriangleAttempts(string path, IEnumerable<Core.Triangles.Execution.TriangleAttemptResult> attempts) =>
        WriteAtomically(path, new StringBuilder(Core.Triangles.Execution.TriangleAttemptsCsv.Format(attempts)));

    /// <summary>
    /// The carry backtest (<see cref="CarryBacktest"/>, config strategies/carry/carry_funding.json) over the tapes'
    /// markPriceUpdate frames, in the replay's actor system; returns the carries and the span of the updates (a report needs both).
    /// </summary>
    public static async Task<CarryRun> WriteCarryAsync(string path, ActorSystem system, ReplayOptions options, CancellationToken ct)
    {
        var carryFile = Path.Combine(options.StrategiesDirectory, "carry", "carry_funding.json");
        var carryLoad = CarryConfigLoader.Load(carryFile);
        if (!carryLoad.IsValid)
        {
            throw new InvalidDataException(string.Join(Environment.NewLine, carryLoad.Errors));
        }

        long? firstMs = null, lastMs = null;
        IEnumerable<MarkPriceUpdate> Spanned()
        {
            foreach (var u in MarkPrices(options.Tapes))
            {
                firstMs = Math.Min(firstMs ?? u.EventTimeMs, u.EventTimeMs);
                lastMs = Math.Max(lastMs ?? u.EventTimeMs, u.EventTimeMs);
                yield return u;
            }
        }

        var carries = await CarryBacktest.RunAsync(system, Spanned(), carryLoad.Config!, ct: ct).ConfigureAwait(false);
        var sb = new StringBuilder();
        using (var writer = new StringWriter(sb) { NewLine = "\n" })
        {
            CarryCsv.Write(writer, carries);
        }

        WriteAtomically(path, sb);
        return new CarryRun(carries, firstMs is { } f && lastMs is { } l ? (f, l) : null);
    }

    /// <summary>The tapes' markPriceUpdate frames in tape order (the 2023 recording has them; trade-only tapes none).</summary>
    private static IEnumerable<MarkPriceUpdate> MarkPrices(IReadOnlyList<string> tapes)
    {
        var symbols = new SymbolTable();
        foreach (var tape in tapes)
        {
            foreach (var frame in TapeReader.ReadFrames(tape))
            {
                if (!frame.Json.Contains("\"markPriceUpdate\"", StringComparison.Ordinal))
                {
                    continue;
                }

                if (MarkPriceFrame.TryParse(Encoding.UTF8.GetBytes(frame.Json), symbols, out var evt, out _))
                {
                    yield return MarkPriceUpdate.From(evt);
                }
            }
        }
    }

    private static void WriteAtomically(string path, StringBuilder content)
    {
        var full = Path.GetFullPath(path);
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        var tmp = full + ".tmp";
        using (var stream = new FileStream(tmp, FileMode.Create, FileAccess.Write, FileShare.None, bufferSize: 1))
        using (var writer = new StreamWriter(stream, new UTF8Encoding(false), 1 << 16))
        {
            foreach (var chunk in content.GetChunks())
            {
                writer.Write(chunk.Span);
            }
        }

        File.Move(tmp, full, overwrite: true);
    }
}

/// <summary>A replay's carry backtest: the carries (the carry CSV's rows) and the event times of the first and last markPrice update (null without one).</summary>
public sealed record CarryRun(IReadOnlyList<Core.Funding.Carry.CarryResult> Carries, (long FirstMs, long LastMs)? Span);
