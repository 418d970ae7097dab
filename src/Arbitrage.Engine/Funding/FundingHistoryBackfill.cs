namespace Arbitrage.Engine.Funding;

/// <summary>What a backfill did. <paramref name="Error"/> set when the source failed part-way (rows before it are kept; run again to resume).</summary>
public sealed record BackfillResult(string Symbol, int Pages, int Rows, long? ResumedAfterMs, long? LastTimeMs, int? IntervalHours, string? Error);

/// <summary>
/// Copies settled funding history into <c>funding_history</c>: resumable (starts after the newest
/// confirmed row), idempotent (key (symbol, time)), one transaction per page so a crash loses at most a page.
/// </summary>
public sealed class FundingHistoryBackfill(FundingStore store, IFundingHistorySource source, int pageSize = 1000)
{
    public async Task<BackfillResult> RunAsync(string symbol, long startMs, long endMs, long nowMs, CancellationToken ct = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(pageSize, 1);
        var resumedAfter = await store.MaxConfirmedTimeAsync(symbol, ct).ConfigureAwait(false);
        var from = resumedAfter is { } max ? Math.Max(startMs, max + 1) : startMs;
        int pages = 0, rows = 0;
        long? last = resumedAfter;
        int? interval = null;
        try
        {
            interval = await source.GetIntervalHoursAsync(symbol, ct).ConfigureAwait(false);
            if (interval is { } h)
            {
                await store.SetIntervalAsync(symbol, h, IntervalSources.Exchange, nowMs, ct).ConfigureAwait(false);
            }

            while (from <= endMs)
            {
                var page = await source.GetPageAsync(symbol, from, endMs, pageSize, ct).ConfigureAwait(false);
                pages++;
                if (page.Count == 0) break;
                await store.UpsertConfirmedAsync(page, "rest", symbol, ct).ConfigureAwait(false);
                rows += page.Count;
                last = page[^1].TimeMs;
                if (page.Count < pageSize) break;
                from = page[^1].TimeMs + 1;
            }
        }
        catch (FundingSourceException e)
        {
            return new BackfillResult(symbol, pages, rows, resumedAfter, last, interval, e.Message);
        }

        return new BackfillResult(symbol, pages, rows, resumedAfter, last, interval, null);
    }
}
