using Akka.Actor;
using Akka.Cluster.Tools.PublishSubscribe;
using Arbitrage.Engine.Funding;
using Arbitrage.Testing;

namespace Arbitrage.Engine.Tests.Funding;

public sealed class FundingActorTests : Akka.TestKit.Xunit2.TestKit
{
    private const long Rollover = 1_680_652_800_000;    // 2023-04-05 00:00 UTC
    private const long NextFunding = 1_680_681_600_000; // 08:00 UTC

    private static readonly FundingSettings Settings = FundingSettings.Default with { BatchRows = 64, FlushInterval = null };

    [SkippableTheory]
    [InlineData("sqlite")]
    [InlineData("postgres")]
    public async Task Real_recording_rollover_is_detected_once_and_snapshots_are_downsampled(string backend)
    {
        var db = TestDatabases.ByName(backend, out var dir);
        var symbol = backend == "sqlite" ? "BTCUSDT" : "T" + Guid.NewGuid().ToString("N")[..10].ToUpperInvariant();
        try
        {
            var updates = FundingTestData.ReadMarkPrices(FundingTestData.MarkPriceTape).Select(u => u with { Symbol = symbol }).ToList();
            Assert.True(updates.Count >= 10, $"only {updates.Count} markPrice frames");
            Assert.Equal(Rollover, updates[0].NextFundingTimeMs);
            var store = new FundingStore(db);
            var mediator = CreateTestProbe();
            var actor = Sys.ActorOf(FundingActor.Props(symbol, store, Settings, mediator.Ref));

            foreach (var u in updates)
            {
                actor.Tell(u);
            }

            var flushed = await actor.Ask<FundingSnapshotsFlushed>(new FlushFundingSnapshots(symbol), TimeSpan.FromSeconds(30));
            var state = await actor.Ask<FundingStateReply>(new GetFundingState(symbol), TimeSpan.FromSeconds(10));

            // Exactly one settlement: at the old next-funding time, with the rate predicted just before the roll.
            var settlement = Assert.Single(state.Settlements);
            Assert.Equal(Rollover, settlement.TimeMs);
            Assert.Equal(0.00002760m, settlement.Rate);
            Assert.True(settlement.Estimated);
            Assert.Equal(8, state.ObservedIntervalHours);
            Assert.Equal(updates[^1], state.Latest);
            Assert.Equal((updates[^1].MarkPrice - updates[^1].IndexPrice) / updates[^1].IndexPrice, state.Basis);
            Assert.Null(state.LastWriteError);
            var published = new[] { mediator.ExpectMsg<Publish>(), mediator.ExpectMsg<Publish>() };
            Assert.Equal([FundingTopics.Settlements, FundingTopics.SettlementsOf(symbol)], published.Select(p => p.Topic));
            mediator.ExpectNoMsg(TimeSpan.FromMilliseconds(100));

            // The estimate is in funding_history; the interval observed on the stream in funding_intervals.
            var model = new FundingReadModel(db);
            var history = await model.GetHistoryAsync(symbol, 0, long.MaxValue, 100);
            var row = Assert.Single(history);
            Assert.Equal((Rollover, 0.00002760m, true, "stream"), (row.TimeMs, row.Rate, row.Estimated, row.Source));
            Assert.Equal((8, "stream"), await model.GetIntervalAsync(symbol, updates[^1].EventTimeMs));

            // Downsampled: one row per second bucket, per minute, per hour; each tier holds every update once.
            var from = updates[0].EventTimeMs - 3_600_000;
            var to = updates[^1].EventTimeMs + 3_600_000;
            foreach (var res in new[] { 1000L, 60_000L, 3_600_000L })
            {
                var rows = await model.GetSnapshotsAsync(symbol, res, from, to);
                var buckets = updates.Select(u => u.EventTimeMs / res * res).Distinct().ToList();
                Assert.Equal(buckets, rows.Select(r => r.TimeMs));
                Assert.Equal(updates.Count, rows.Sum(r => r.Updates));
                Assert.All(rows, r => Assert.Equal(updates.Last(u => u.EventTimeMs / res * res == r.TimeMs).MarkPrice, r.Mark));
            }

            Assert.True(flushed.RowsWritten >= updates.Select(u => u.EventTimeMs / 1000).Distinct().Count());

            // Mark candles from the snapshots equal OHLC computed straight from the updates.
            var series = await model.GetCandlesAsync(symbol, CandleField.Mark, 60_000, from, to);
            Assert.Equal(1000, series.ResolutionMs);
            var expected = updates.GroupBy(u => u.EventTimeMs / 60_000 * 60_000).Select(g => new FundingCandle(
                g.Key, g.First().MarkPrice, g.Max(u => u.MarkPrice), g.Min(u => u.MarkPrice), g.Last().MarkPrice, g.Count())).ToList();
            Assert.Equal(expected, series.Candles);

            // Rates view: latest per symbol, annualised with the observed 8 h interval (3 settlements a day).
            var rate = Assert.Single(await model.GetRatesAsync(), r => r.Symbol == symbol);
            Assert.Equal(updates[^1].PredictedRate * 3m * 365m, rate.AnnualisedPredicted);
            Assert.Equal(NextFunding, rate.NextFundingTimeMs);
        }
        finally
        {
            TestDatabases.DeleteQuietly(dir);
        }
    }

    [Fact]
    public async Task Duplicate_and_stale_updates_do_not_detect_a_second_settlement()
    {
        var db = TestDatabases.NewSqliteFile(out var dir);
        try
        {
            var updates = FundingTestData.ReadMarkPrices(FundingTestData.MarkPriceTape);
            var actor = Sys.ActorOf(FundingActor.Props("BTCUSDT", new FundingStore(db), Settings));
            foreach (var u in updates.Take(5).Concat(updates.Take(5)))
            {
                actor.Tell(u); // replayed overlap, as after a reconnect
            }

            await actor.Ask<FundingSnapshotsFlushed>(new FlushFundingSnapshots("BTCUSDT"), TimeSpan.FromSeconds(30));
            var state = await actor.Ask<FundingStateReply>(new GetFundingState("BTCUSDT"), TimeSpan.FromSeconds(10));
            Assert.Single(state.Settlements);
            Assert.Equal(5, state.Updates);
        }
        finally
        {
            TestDatabases.DeleteQuietly(dir);
        }
    }

    [Fact]
    public async Task Rows_older_than_their_tier_retention_are_thinned()
    {
        var db = TestDatabases.NewSqliteFile(out var dir);
        try
        {
            var settings = new FundingSettings([new SnapshotTier(1000, 60_000), new SnapshotTier(60_000, null)], BatchRows: 50, ThinEveryMs: 1000);
            var actor = Sys.ActorOf(FundingActor.Props("XUSDT", new FundingStore(db), settings));
            const long t0 = 1_700_000_000_000;
            for (var i = 0; i < 300; i++) // 5 minutes at 1 update/s
            {
                actor.Tell(new MarkPriceUpdate("XUSDT", t0 + i * 1000L, 100m + i, 100m, 100m, 0.0001m, t0 + 28_800_000));
            }

            await actor.Ask<FundingSnapshotsFlushed>(new FlushFundingSnapshots("XUSDT"), TimeSpan.FromSeconds(30));
            actor.Tell(new MarkPriceUpdate("XUSDT", t0 + 300_000, 400m, 100m, 100m, 0.0001m, t0 + 28_800_000));
            await actor.Ask<FundingSnapshotsFlushed>(new FlushFundingSnapshots("XUSDT"), TimeSpan.FromSeconds(30));

            var model = new FundingReadModel(db);
            var seconds = await model.GetSnapshotsAsync("XUSDT", 1000, 0, long.MaxValue);
            Assert.All(seconds, r => Assert.True(r.TimeMs >= t0 + 300_000 - 60_000, $"1 s row at {r.TimeMs} outlived its 60 s retention"));
            Assert.InRange(seconds.Count, 55, 61);
            var minutes = await model.GetSnapshotsAsync("XUSDT", 60_000, 0, long.MaxValue);
            Assert.Equal(301, minutes.Sum(r => r.Updates));
        }
        finally
        {
            TestDatabases.DeleteQuietly(dir);
        }
    }
}
