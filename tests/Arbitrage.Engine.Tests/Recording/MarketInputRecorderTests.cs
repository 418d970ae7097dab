using Akka.Actor;
using Akka.Cluster.Tools.PublishSubscribe;
using Arbitrage.Binance.Rest;
using Arbitrage.Binance.Streams;
using Arbitrage.Binance.Tapes;
using Arbitrage.Engine.Recording;
using Arbitrage.Engine.Topics;
using Arbitrage.Simulator;
using Arbitrage.Testing;

namespace Arbitrage.Engine.Tests.Recording;

/// <summary>
/// The live node's input recording (issue 19, item 1): the <c>market_inputs</c> table (SQLite and PostgreSQL), and the
/// recorder fetching Binance's real 5-minute statistics (the 2026-01-01 fixture, served by the simulator on 127.0.0.1) into
/// the input tapes and publishing the new points for the strategies.
/// </summary>
public sealed class MarketInputRecorderTests : Akka.TestKit.Xunit2.TestKit, IDisposable
{
    private const string MetricsFixture = "binance_usdm_BTCUSDT_klines5m_metrics_2026-01-01_to_2026-01-02.head576.csv";
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(20);
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "arb-tests", "inputs-rec-" + Guid.NewGuid().ToString("N"));

    public new void Dispose()
    {
        base.Dispose();
        TestDatabases.DeleteQuietly(_dir);
    }

    [SkippableTheory]
    [InlineData("sqlite")]
    [InlineData("postgres")]
    public async Task Every_kind_of_input_is_stored_once_with_its_event_time_and_read_back_in_time_order(string backend)
    {
        var db = TestDatabases.ByName(backend, out var dir);
        try
        {
            await db.PrepareAsync(TimeSpan.FromSeconds(10));
            var store = new MarketInputStore(db);
            await store.EnsureSchemaAsync();
            var symbol = "T" + Guid.NewGuid().ToString("N")[..10].ToUpperInvariant();
            FeedEvent[] events =
            [
                new FeedEvent.MarkPriceEvent(symbol, 87_000.1m, 86_990.5m, 0.0001m, 1_767_254_400_000, 1_767_225_601_000),
                new FeedEvent.LiquidationEvent(symbol, true, 86_900m, 86_905.5m, 0.25m, 1_767_225_602_000, 1_767_225_602_010),
                new FeedEvent.LiquidationEvent(symbol, false, 86_950m, 86_950m, 0.1m, 1_767_225_602_000, 1_767_225_602_020), // same ms, other side
                new FeedEvent.FuturesMetricsEvent(symbol, 1_767_225_900_000, 94_262.03m, 3.06705305m, 2.479259m, 2.60911334m, 0.874116m),
                new FeedEvent.FundingSettledEvent(symbol, -0.00002m, 1_767_225_600_000),
                new FeedEvent.BookTickerEvent(symbol, 1, 1m, 1m, 2m, 1m, 1_767_225_601_000), // not an input
            ];

            Assert.Equal(5, await store.InsertAsync(events));
            Assert.Equal(0, await store.InsertAsync(events)); // a recorder overlapping after a restart adds nothing

            var liquidations = await store.ReadAsync(symbol, MarketInputStore.Liquidation, 0, long.MaxValue);
            Assert.Equal(["BUY:86950:0.1", "SELL:86900:0.25"], liquidations.Select(r => r.Key));
            Assert.Contains("\"average_price\":\"86905.5\"", liquidations[1].Data, StringComparison.Ordinal);
            var metrics = Assert.Single(await store.ReadAsync(symbol, MarketInputStore.FuturesMetrics, 0, long.MaxValue));
            Assert.Equal(1_767_225_900_000, metrics.TimeMs);
            Assert.Contains("\"global_account_ratio\":\"2.60911334\"", metrics.Data, StringComparison.Ordinal);
            var mark = Assert.Single(await store.ReadAsync(symbol, MarketInputStore.MarkPrice, 0, long.MaxValue));
            Assert.Contains("\"funding_rate\":\"0.0001\"", mark.Data, StringComparison.Ordinal);
            Assert.Single(await store.ReadAsync(symbol, MarketInputStore.Funding, 0, long.MaxValue));
            Assert.Empty(await store.ReadAsync(symbol, MarketInputStore.FuturesMetrics, 0, 1_767_225_900_000)); // [from, to)
        }
        finally
        {
            TestDatabases.DeleteQuietly(dir);
        }
    }

    [Fact]
    public async Task The_recorder_fetches_the_statistics_into_the_input_tape_publishes_the_new_points_and_stores_what_comes_back()
    {
        var points = FuturesMetricsCsv.Read(Path.Combine(RepoPaths.Fixtures, MetricsFixture));
        await using var sim = await SimulatorHost.StartAsync(new SimulatorOptions
        {
            Frames = [],
            Start = PlaybackStart.Manual,
            Metrics = new Dictionary<string, IReadOnlyList<FuturesMetricPoint>> { ["BTCUSDT"] = points },
            FundingHistory = [new SimFundingRate("BTCUSDT", 0.00005m, 1_767_256_200_000, 87_000m)], // 2026-01-01 08:30
            Symbols = new Dictionary<string, SymbolSpec> { ["BTCUSDT"] = new() { TickSize = 0.1m, StepSize = 0.001m, MinQty = 0.001m, MinNotional = 5m, MinPrice = 0.1m } },
        });
        var rest = new BinanceRestClient(BinanceRestOptions.ForSingleOrigin(sim.BaseUrl));
        var db = TestDatabases.NewSqliteFile(out var dbDir);
        try
        {
            await db.PrepareAsync(TimeSpan.FromSeconds(10));
            var store = new MarketInputStore(db);
            var mediator = CreateTestProbe();
            var now = new ManualClock(DateTimeOffset.Parse("2026-01-01T09:02:00Z", System.Globalization.CultureInfo.InvariantCulture));
            var settings = new InputRecordingSettings(_dir, ["BTCUSDT"], TimeSpan.FromMinutes(5), TimeSpan.FromHours(1));
            var recorder = Sys.ActorOf(MarketInputRecorderActor.Props(mediator.Ref, store, new FuturesInputBackfill(rest.ExchangeData), settings, now));

            Assert.Equal(EngineTopics.MarketEvents, mediator.ExpectMsg<Subscribe>(Patience).Topic);
            // The last hour: 12 periods (08:05 … 09:00) and the 08:30 funding, published in event time.
            var published = Enumerable.Range(0, 13).Select(_ => mediator.ExpectMsg<Publish>(Patience)).ToArray();
            Assert.All(published, p => Assert.Equal(EngineTopics.MarketEvents, p.Topic));
            var metrics = published.Select(p => p.Message).OfType<FeedEvent.FuturesMetricsEvent>().ToArray();
            var first = DateTimeOffset.Parse("2026-01-01T08:05:00Z", System.Globalization.CultureInfo.InvariantCulture).ToUnixTimeMilliseconds();
            Assert.Equal(Enumerable.Range(0, 12).Select(i => first + i * 300_000L), metrics.Select(m => m.EventTimeMs));
            foreach (var m in metrics)
            {
                var p = points.Single(x => x.TimeMs == m.EventTimeMs);
                Assert.Equal((p.SumOpenInterest, p.GlobalAccountRatio, p.TopAccountRatio), (m.SumOpenInterest!.Value, m.GlobalAccountRatio!.Value, m.TopAccountRatio!.Value));
            }

            Assert.Equal(0.00005m, Assert.Single(published.Select(p => p.Message).OfType<FeedEvent.FundingSettledEvent>()).FundingRate);
            Assert.Equal(12, File.ReadLines(Path.Combine(_dir, FuturesInputBackfill.MetricsFileName("BTCUSDT"))).Count());

            // What the topic brings back (the published points, a mark price from the feed) lands in market_inputs.
            foreach (var p in published)
            {
                recorder.Tell(p.Message);
            }

            recorder.Tell(new FeedEvent.MarkPriceEvent("BTCUSDT", 87_100m, 87_090m, 0.0001m, 1_767_283_200_000, 1_767_258_000_000));
            await AwaitAssertAsync(async () =>
            {
                Assert.Equal(12, (await store.ReadAsync("BTCUSDT", MarketInputStore.FuturesMetrics, 0, long.MaxValue)).Count);
                Assert.Single(await store.ReadAsync("BTCUSDT", MarketInputStore.MarkPrice, 0, long.MaxValue));
                Assert.Single(await store.ReadAsync("BTCUSDT", MarketInputStore.Funding, 0, long.MaxValue));
            }, Patience, TimeSpan.FromMilliseconds(100));
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            TestDatabases.DeleteQuietly(dbDir);
        }
    }

    private sealed class ManualClock(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }
}
