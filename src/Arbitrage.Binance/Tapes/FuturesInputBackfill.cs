using System.Globalization;
using System.Text;
using System.Text.Json;
using Arbitrage.Binance.Rest;
using Arbitrage.Binance.Rest.Models;

namespace Arbitrage.Binance.Tapes;

/// <summary>How far a backfill series has come (for a progress line).</summary>
public sealed record BackfillProgress(string Series, long FromMs, long ToMs, long ReachedMs, int Written);

/// <summary>What one backfill run appended, per series, and where the files are.</summary>
public sealed record BackfillResult(string MetricsFile, int MetricsWritten, long? MetricsLastMs, string FundingFile, int FundingWritten, long? FundingLastMs);

/// <summary>A REST call of the backfill failed; what was written before it stays and a rerun resumes after it.</summary>
public sealed class BackfillException(string message) : Exception(message);

/// <summary>
/// Fetches the strategies' market inputs for a symbol over a time range into two JSONL tapes (README.md here):
/// <list type="bullet">
/// <item><c>SYMBOL-futures-metrics-5m.jsonl</c>: Binance's 5-minute <c>/futures/data/*</c> series (open interest, top-trader
/// account and position long/short ratios, global account long/short ratio, taker buy/sell volume), joined per period
/// into one <c>futuresMetrics</c> frame (<see cref="MetricsFrame"/>), stream <c>symbol@futuresMetrics</c>.</item>
/// <item><c>SYMBOL-funding.jsonl</c>: the settled funding rates of <c>/fapi/v1/fundingRate</c> as <c>fundingRate</c> frames,
/// stream <c>symbol@fundingRate</c>.</item>
/// </list>
/// Paged (500 periods a request window; funding 1,000 a page), in time order, each page appended and flushed before the
/// next is asked for. <b>Resumable and idempotent</b>: a run starts after the last point already in the file (a torn
/// last line from a crash is cut off first), so a rerun over the same range appends nothing and an interrupted run
/// continues where it stopped; a point is never written twice. <c>recv_ms</c> = the point's time.
/// </summary>
public sealed class FuturesInputBackfill(BinanceExchangeDataApi api)
{
    public const int MetricsPageSize = 500;
    public const int FundingPageSize = 1000;
    public const string MetricsEvent = "futuresMetrics";
    public const string FundingEvent = "fundingRate";

    public static string MetricsFileName(string symbol) => $"{symbol}-futures-metrics-5m.jsonl";

    public static string FundingFileName(string symbol) => $"{symbol}-funding.jsonl";

    /// <summary>Backfills [<paramref name="fromMs"/>, <paramref name="toMs"/>] into <paramref name="outDir"/> (created).</summary>
    public async Task<BackfillResult> RunAsync(string symbol, long fromMs, long toMs, string outDir, bool funding = true,
        IProgress<BackfillProgress>? progress = null, CancellationToken ct = default)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan(fromMs, toMs);
        Directory.CreateDirectory(outDir);
        var metricsFile = Path.Combine(outDir, MetricsFileName(symbol));
        var fundingFile = Path.Combine(outDir, FundingFileName(symbol));
        var (metricsWritten, metricsLast) = await MetricsAsync(symbol, fromMs, toMs, metricsFile, progress, ct).ConfigureAwait(false);
        var (fundingWritten, fundingLast) = funding
            ? await FundingAsync(symbol, fromMs, toMs, fundingFile, progress, ct).ConfigureAwait(false)
            : (0, LastTime(fundingFile));
        return new BackfillResult(metricsFile, metricsWritten, metricsLast, fundingFile, fundingWritten, fundingLast);
    }

    private async Task<(int Written, long? Last)> MetricsAsync(string symbol, long fromMs, long toMs, string file,
        IProgress<BackfillProgress>? progress, CancellationToken ct)
    {
        const long period = FuturesMetricPoint.PeriodMs;
        var last = LastTime(file);
        var cursor = Math.Max(fromMs, last is { } l ? l + 1 : long.MinValue);
        var written = 0;
        using var writer = new JsonlTapeWriter(file, append: true);
        var stream = symbol.ToLowerInvariant() + "@" + MetricsEvent;
        while ((cursor = Ceiling(cursor, period)) <= toMs)
        {
            var windowEnd = Math.Min(toMs, cursor + (MetricsPageSize - 1) * period); // 500 period boundaries
            var oi = Need("openInterestHist", await api.GetOpenInterestHistoryAsync(symbol, "5m", MetricsPageSize, cursor, windowEnd, ct).ConfigureAwait(false));
            var topAccounts = Need("topLongShortAccountRatio", await api.GetTopLongShortAccountRatioAsync(symbol, "5m", MetricsPageSize, cursor, windowEnd, ct).ConfigureAwait(false));
            var topPositions = Need("topLongShortPositionRatio", await api.GetTopLongShortPositionRatioAsync(symbol, "5m", MetricsPageSize, cursor, windowEnd, ct).ConfigureAwait(false));
            var global = Need("globalLongShortAccountRatio", await api.GetGlobalLongShortAccountRatioAsync(symbol, "5m", MetricsPageSize, cursor, windowEnd, ct).ConfigureAwait(false));
            var taker = Need("takerlongshortRatio", await api.GetTakerBuySellVolumeAsync(symbol, "5m", MetricsPageSize, cursor, windowEnd, ct).ConfigureAwait(false));

            var times = new SortedSet<long>();
            times.UnionWith(oi.Select(x => x.Timestamp));
            times.UnionWith(topAccounts.Select(x => x.Timestamp));
            times.UnionWith(topPositions.Select(x => x.Timestamp));
            times.UnionWith(global.Select(x => x.Timestamp));
            times.UnionWith(taker.Select(x => x.Timestamp));
            var oiAt = oi.ToDictionary(x => x.Timestamp);
            var topAccountsAt = topAccounts.ToDictionary(x => x.Timestamp);
            var topPositionsAt = topPositions.ToDictionary(x => x.Timestamp);
            var globalAt = global.ToDictionary(x => x.Timestamp);
            var takerAt = taker.ToDictionary(x => x.Timestamp);
            foreach (var t in times)
            {
                if (t < cursor || t > windowEnd || (last is { } prev && t <= prev)) continue;
                writer.Write(t, stream, MetricsFrame(symbol, t, oiAt.GetValueOrDefault(t), topAccountsAt.GetValueOrDefault(t),
                    topPositionsAt.GetValueOrDefault(t), globalAt.GetValueOrDefault(t), takerAt.GetValueOrDefault(t)));
                last = t;
                written++;
            }

            writer.Flush();
            progress?.Report(new BackfillProgress("metrics", fromMs, toMs, windowEnd, written));
            cursor = windowEnd + 1;
        }

        return (written, last);
    }

    private async Task<(int Written, long? Last)> FundingAsync(string symbol, long fromMs, long toMs, string file,
        IProgress<BackfillProgress>? progress, CancellationToken ct)
    {
        var last = LastTime(file);
        var cursor = Math.Max(fromMs, last is { } l ? l + 1 : long.MinValue);
        var written = 0;
        using var writer = new JsonlTapeWriter(file, append: true);
        var stream = symbol.ToLowerInvariant() + "@" + FundingEvent;
        while (cursor <= toMs)
        {
            var page = Need("fundingRate", await api.GetFundingRatesAsync(symbol, cursor, toMs, FundingPageSize, ct).ConfigureAwait(false));
            foreach (var f in page.OrderBy(x => x.FundingTime))
            {
                if (f.FundingTime < cursor || f.FundingTime > toMs || (last is { } prev && f.FundingTime <= prev)) continue;
                writer.Write(f.FundingTime, stream, FundingFrame(symbol, f));
                last = f.FundingTime;
                written++;
            }

            writer.Flush();
            progress?.Report(new BackfillProgress("funding", fromMs, toMs, page.Count < FundingPageSize ? toMs : last ?? toMs, written));
            if (page.Count < FundingPageSize || last is not { } reached) break;
            cursor = reached + 1;
        }

        return (written, last);
    }

    /// <summary>The first multiple of <paramref name="period"/> at or after <paramref name="ms"/> (Unix ms, so ≥ 0 in practice).</summary>
    private static long Ceiling(long ms, long period) => ms <= 0 ? 0 : (ms + period - 1) / period * period;

    /// <summary>
    /// <c>{"e":"futuresMetrics","E":T,"s":SYMBOL,"i":"5m","sumOpenInterest":..,"sumOpenInterestValue":..,"topAccountRatio":..,
    /// "topPositionRatio":..,"globalAccountRatio":..,"takerBuySellRatio":..,"takerBuyVol":..,"takerSellVol":..}</c>; numbers
    /// as decimal strings, as Binance sends them; a series Binance did not answer for this period is left out.
    /// </summary>
    public static byte[] MetricsFrame(string symbol, long timeMs, OpenInterestHistRecord? oi, LongShortRatioRecord? topAccounts,
        LongShortRatioRecord? topPositions, LongShortRatioRecord? global, TakerVolumeRecord? taker)
    {
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            w.WriteString("e", MetricsEvent);
            w.WriteNumber("E", timeMs);
            w.WriteString("s", symbol);
            w.WriteString("i", "5m");
            if (oi is not null)
            {
                Dec(w, "sumOpenInterest", oi.SumOpenInterest);
                Dec(w, "sumOpenInterestValue", oi.SumOpenInterestValue);
            }

            if (topAccounts is not null) Dec(w, "topAccountRatio", topAccounts.LongShortRatio);
            if (topPositions is not null) Dec(w, "topPositionRatio", topPositions.LongShortRatio);
            if (global is not null) Dec(w, "globalAccountRatio", global.LongShortRatio);
            if (taker is not null)
            {
                Dec(w, "takerBuySellRatio", taker.BuySellRatio);
                Dec(w, "takerBuyVol", taker.BuyVolume);
                Dec(w, "takerSellVol", taker.SellVolume);
            }

            w.WriteEndObject();
        }

        return buffer.ToArray();
    }

    /// <summary><c>{"e":"fundingRate","E":fundingTime,"s":SYMBOL,"r":rate[,"p":mark]}</c>: one settled funding rate.</summary>
    public static byte[] FundingFrame(string symbol, FundingRateRecord f)
    {
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            w.WriteString("e", FundingEvent);
            w.WriteNumber("E", f.FundingTime);
            w.WriteString("s", symbol);
            Dec(w, "r", f.FundingRate);
            if (f.MarkPrice is { Length: > 0 } mark) w.WriteString("p", mark);
            w.WriteEndObject();
        }

        return buffer.ToArray();
    }

    private static void Dec(Utf8JsonWriter w, string name, decimal value) => w.WriteString(name, value.ToString(CultureInfo.InvariantCulture));

    private static IReadOnlyList<T> Need<T>(string endpoint, BinanceResult<IReadOnlyList<T>> result) =>
        result.Success ? result.Data! : throw new BackfillException($"{endpoint}: {result.Error}");

    /// <summary>
    /// The event time of the file's last complete line, or null for a missing/empty file. A torn last line (a crash in
    /// the middle of a write) is cut off, so appending continues on a line boundary.
    /// </summary>
    public static long? LastTime(string file)
    {
        if (!File.Exists(file)) return null;
        using (var fs = new FileStream(file, FileMode.Open, FileAccess.ReadWrite))
        {
            var length = fs.Length;
            if (length == 0) return null;
            fs.Seek(-1, SeekOrigin.End);
            if (fs.ReadByte() != '\n')
            {
                // Find the last newline and truncate after it.
                var keep = length - 1;
                while (keep > 0)
                {
                    fs.Seek(keep - 1, SeekOrigin.Begin);
                    if (fs.ReadByte() == '\n') break;
                    keep--;
                }

                fs.SetLength(keep);
            }
        }

        string? lastLine = null;
        foreach (var line in File.ReadLines(file, Encoding.UTF8))
        {
            if (line.Length > 0) lastLine = line;
        }

        if (lastLine is null) return null;
        try
        {
            using var doc = JsonDocument.Parse(lastLine);
            return doc.RootElement.GetProperty("frame").GetProperty("E").GetInt64();
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException)
        {
            throw new TapeFormatException(file, 0, $"the last line is not a backfill frame ({e.Message}); move the file away to start again");
        }
    }
}
