using Arbitrage.Core.Funding;
using Arbitrage.Engine.Funding;
using Arbitrage.Testing;

namespace Arbitrage.Engine.Tests.Funding;

public sealed class FundingHistoryTests
{
    private const long T0 = 1_672_531_200_000; // 2023-01-01 00:00 UTC
    private const long EightHours = 28_800_000;

    /// <summary>A paged fundingRate fake: ascending pages, optionally failing once at a given page.</summary>
    private sealed class FakeSource(IReadOnlyList<FundingRateRecord> all, int? failAtPage = null, int? intervalHours = null) : IFundingHistorySource
    {
        private int? _failAtPage = failAtPage;

        public List<long> Requests { get; } = [];

        public Task<IReadOnlyList<FundingRateRecord>> GetPageAsync(string symbol, long fromMs, long toMs, int limit, CancellationToken ct)
        {
            Requests.Add(fromMs);
            if (_failAtPage is { } f && Requests.Count == f)
            {
                _failAtPage = null;
                throw new FundingSourceException("HTTP 429 too many requests");
            }

            IReadOnlyList<FundingRateRecord> page = all.Where(r => r.Symbol == symbol && r.TimeMs >= fromMs && r.TimeMs <= toMs).Take(limit).ToList();
            return Task.FromResult(page);
        }

        public Task<int?> GetIntervalHoursAsync(string symbol, CancellationToken ct) => Task.FromResult(intervalHours);
    }

    private static List<FundingRateRecord> Settlements(string symbol, int n) =>
        Enumerable.Range(0, n).Select(i => new FundingRateRecord(symbol, T0 + i * EightHours, 0.0001m + (i % 7) * 0.00001m - (i % 3) * 0.00004m)).ToList();

    private static async Task<List<FundingHistoryRow>> AllRows(FundingReadModel model, string symbol) =>
        [.. await model.GetHistoryAsync(symbol, 0, long.MaxValue, 100_000)];

    [SkippableTheory]
    [InlineData("sqlite")]
    [InlineData("postgres")]
    public async Task Backfill_pages_resumes_after_a_failure_and_is_idempotent(string backend)
    {
        var db = TestDatabases.ByName(backend, out var dir);
        var symbol = "B" + Guid.NewGuid().ToString("N")[..10].ToUpperInvariant();
        try
        {
            var all = Settlements(symbol, 2500);
            var store = new FundingStore(db);
            var model = new FundingReadModel(db);

            // First run: page 2 fails (rate limit) → page 1 is kept, the error is reported.
            var failing = new FakeSource(all, failAtPage: 2);
            var first = await new FundingHistoryBackfill(store, failing, pageSize: 1000).RunAsync(symbol, 0, long.MaxValue, T0);
            Assert.NotNull(first.Error);
            Assert.Equal(1000, first.Rows);
            Assert.Equal(1000, (await AllRows(model, symbol)).Count);

            // Second run resumes right after the newest stored row.
            var second = await new FundingHistoryBackfill(store, failing, pageSize: 1000).RunAsync(symbol, 0, long.MaxValue, T0);
            Assert.Null(second.Error);
            Assert.Equal(all[999].TimeMs, second.ResumedAfterMs);
            Assert.Equal(all[999].TimeMs + 1, failing.Requests[2]);
            Assert.Equal(1500, second.Rows);
            var rows = await AllRows(model, symbol);
            Assert.Equal(all.Select(r => (r.TimeMs, r.Rate)), rows.Select(r => (r.TimeMs, r.Rate)));
            Assert.All(rows, r => Assert.False(r.Estimated));

            // Run twice more from scratch sources: nothing new, same rows.
            var again = await new FundingHistoryBackfill(store, new FakeSource(all), pageSize: 1000).RunAsync(symbol, 0, long.MaxValue, T0);
            Assert.Equal(0, again.Rows);
            await store.UpsertConfirmedAsync(all, "rest"); // a full re-import is harmless too
            Assert.Equal(rows, await AllRows(model, symbol));
        }
        finally
        {
            TestDatabases.DeleteQuietly(dir);
        }
    }

    [Fact]
    public async Task A_confirmed_settlement_replaces_the_streams_estimate_and_an_estimate_never_overwrites_it()
    {
        var db = TestDatabases.NewSqliteFile(out var dir);
        try
        {
            var store = new FundingStore(db);
            var model = new FundingReadModel(db);
            await store.RecordEstimatedSettlementAsync("BTCUSDT", T0, 0.0003m);
            await store.RecordEstimatedSettlementAsync("BTCUSDT", T0 + EightHours + 3, 0.0002m); // the exchange stamps it 3 ms late
            await store.UpsertConfirmedAsync([new FundingRateRecord("BTCUSDT", T0, 0.00025m), new FundingRateRecord("BTCUSDT", T0 + EightHours, 0.0001m)], "rest");
            await store.RecordEstimatedSettlementAsync("BTCUSDT", T0, 0.9m);

            var rows = await AllRows(model, "BTCUSDT");
            Assert.Equal([new FundingHistoryRow("BTCUSDT", T0, 0.00025m, false, "rest"), new FundingHistoryRow("BTCUSDT", T0 + EightHours, 0.0001m, false, "rest")], rows);
        }
        finally
        {
            TestDatabases.DeleteQuietly(dir);
        }
    }

    [Fact]
    public async Task Stats_from_the_table_equal_core_FundingStats_on_the_real_csv()
    {
        var db = TestDatabases.NewSqliteFile(out var dir);
        try
        {
            var store = new FundingStore(db);
            var utc3 = TimeSpan.FromHours(3);
            var imported = await FundingHistoryCsvImport.ImportAsync(store, FundingTestData.EthFundingCsv, utc3);
            Assert.Equal(imported, await FundingHistoryCsvImport.ImportAsync(store, FundingTestData.EthFundingCsv, utc3)); // idempotent

            var records = FundingRateHistoryCsv.Read(FundingTestData.EthFundingCsv, utc3);
            var settlements = records.Select(r => r.Settlement).ToList();
            var model = new FundingReadModel(db);
            Assert.Equal(records.Count, (await AllRows(model, "ETHUSDT")).Count);
            // 03:00 in the file is 00:00 UTC.
            Assert.Equal(new DateTimeOffset(2020, 1, 1, 0, 0, 0, TimeSpan.Zero).ToUnixTimeMilliseconds(), settlements[0].TimeMs);

            var last = settlements[^1].TimeMs;
            foreach (var now in new[] { settlements[10].TimeMs, settlements[settlements.Count / 2].TimeMs + 1234, last, last + 86_400_000 })
            {
                var view = await model.GetStatsAsync("ETHUSDT", now);
                Assert.NotNull(view);
                Assert.Equal(FundingStats.Compute(settlements, now), view.Stats);
                Assert.Equal("history", view.IntervalSource);
            }

            var ytd = (await model.GetStatsAsync("ETHUSDT", last))!.Stats;
            Assert.Equal(8, ytd.IntervalHours);
            Assert.NotNull(ytd.YtdAnnualised);
            Assert.Equal(ytd.YtdMean * 3m * 365m, ytd.YtdAnnualised);

            // An exchange-reported interval wins over inference.
            await store.SetIntervalAsync("ETHUSDT", 4, IntervalSources.Exchange, last);
            var withExchange = (await model.GetStatsAsync("ETHUSDT", last))!;
            Assert.Equal(("exchange", 4), (withExchange.IntervalSource, withExchange.Stats.IntervalHours));
            Assert.Equal(FundingStats.Compute(settlements, last, 4), withExchange.Stats);
        }
        finally
        {
            TestDatabases.DeleteQuietly(dir);
        }
    }
}
