using System.Text;
using Akka.Streams.Dsl;
using Arbitrage.Binance.Rest;
using Arbitrage.Binance.Streams;
using Arbitrage.Core.MarketData;
using static Arbitrage.Binance.Streams.FeedEvent;
using FrameErrorCounter = Arbitrage.Binance.Protocol.FrameErrorCounter;

namespace Arbitrage.Binance.Tests.Streams;

/// <summary>The catch-up logic in isolation: scripted socket events and a fake REST history.</summary>
public class AggTradeContinuityTests : StreamTestBase
{
    private const string Symbol = "ETHUSDT";
    private static readonly Uri Url = new("ws://127.0.0.1/stream");
    private static readonly DateTimeOffset T0 = DateTimeOffset.UnixEpoch;

    private sealed class FakeHistory(long lastId, int failFirst = 0, Func<int, BinanceError>? failure = null, Func<long, bool>? served = null) : IAggTradeHistory
    {
        public readonly List<long> Requests = [];
        public readonly List<DateTimeOffset> Times = [];
        public readonly List<BinanceError> Errors = [];

        public Task<BinanceResult<IReadOnlyList<Trade>>> GetFromAsync(string symbol, long fromId, int limit, CancellationToken ct)
        {
            lock (Requests)
            {
                Requests.Add(fromId);
                Times.Add(DateTimeOffset.UtcNow);
                if (Requests.Count <= failFirst)
                {
                    var error = failure?.Invoke(Requests.Count)
                        ?? new BinanceError(-1001, "Internal error", System.Net.HttpStatusCode.InternalServerError, BinanceErrorKind.ServerError);
                    Errors.Add(error);
                    return Task.FromResult(BinanceResult<IReadOnlyList<Trade>>.Fail(error));
                }
            }

            var page = new List<Trade>();
            for (var id = fromId; id <= lastId && page.Count < limit; id++)
            {
                if (served?.Invoke(id) ?? true)
                {
                    page.Add(TradeOf(id));
                }
            }

            return Task.FromResult(BinanceResult<IReadOnlyList<Trade>>.Ok(page));
        }
    }

    private static BinanceError RateLimited(TimeSpan retryAfter) =>
        new(-1003, "Too many requests", System.Net.HttpStatusCode.TooManyRequests, BinanceErrorKind.RateLimited) { RetryAt = DateTimeOffset.UtcNow + retryAfter };

    private static BinanceError Rejected() =>
        new(-1100, "Illegal characters found in parameter 'fromId'", System.Net.HttpStatusCode.BadRequest, BinanceErrorKind.Rejected);

    private static Trade TradeOf(long id) => new(id, 2_000 + id, 0.1, 1_700_000_000_000 + id, id % 3 == 0);

    private static WsFrame Frame(long id)
    {
        var t = TradeOf(id);
        var json = $"{{\"e\":\"aggTrade\",\"E\":{t.TimeMs},\"a\":{id},\"s\":\"{Symbol}\",\"p\":\"{t.Price}\",\"q\":\"0.1\",\"f\":{id},\"l\":{id},\"T\":{t.TimeMs},\"m\":{(t.IsBuyerMaker ? "true" : "false")}}}";
        return WsFrame.Copy(Encoding.UTF8.GetBytes(json), T0);
    }

    private static IEnumerable<WsEvent> Trades(long from, long to)
    {
        for (var id = from; id <= to; id++)
        {
            yield return Frame(id);
        }
    }

    private async Task<IReadOnlyList<FeedEvent>> RunAsync(IEnumerable<WsEvent> socket, IAggTradeHistory history, SymbolFeedSettings? settings = null) =>
        await Source.From(socket.ToList())
            .Via(SymbolFeed.Flow(settings ?? Settings(), history, new FrameErrorCounter()))
            .RunWith(Sink.Seq<FeedEvent>(), Materializer)
            .WaitAsync(Timeout);

    private static SymbolFeedSettings Settings() => new(Symbol)
    {
        CatchUpPageSize = 3,
        CatchUpRetryDelay = TimeSpan.FromMilliseconds(1),
        MaxCatchUpRetryDelay = TimeSpan.FromMilliseconds(5),
        MaxCatchUpAttempts = 4,
    };

    private static long[] Ids(IEnumerable<FeedEvent> events) => events.OfType<TradeEvent>().Select(t => t.Trade.AggId).ToArray();

    private static WsEvent Up(int attempt) => new WsConnected(Url, attempt, T0);

    private static WsEvent Down() => new WsDisconnected(Url, DisconnectKind.Error, "reset", T0);

    [Fact]
    public async Task After_a_reconnect_the_missing_ids_come_from_rest_in_pages_and_replayed_live_trades_are_dropped()
    {
        var history = new FakeHistory(lastId: 30);
        var socket = new[] { Up(1) }.Concat(Trades(1, 10)).Append(Down()).Append(Up(2)).Concat(Trades(9, 30)); // 9, 10 again; 11.. live too
        var events = await RunAsync(socket, history);

        Assert.Equal(Enumerable.Range(1, 30).Select(i => (long)i), Ids(events));
        Assert.Equal(11, history.Requests[0]);
        Assert.Equal(3, events.Count(e => e is FeedStatusEvent)); // up, down, up
    }

    [Fact]
    public async Task Live_trades_arriving_long_after_the_reconnect_are_bridged_too()
    {
        var history = new FakeHistory(lastId: 40);
        var socket = new[] { Up(1) }.Concat(Trades(1, 5)).Append(Down()).Append(Up(2)).Concat(Trades(31, 40)); // 6..30 only over REST
        var events = await RunAsync(socket, history);

        Assert.Equal(Enumerable.Range(1, 40).Select(i => (long)i), Ids(events));
        Assert.Equal([6, 9, 12, 15, 18, 21, 24, 27, 30], history.Requests.Take(9));
    }

    [Fact]
    public async Task Rest_failures_are_retried()
    {
        var history = new FakeHistory(lastId: 20, failFirst: 2);
        var socket = new[] { Up(1) }.Concat(Trades(1, 5)).Append(Down()).Append(Up(2)).Concat(Trades(15, 20));
        var events = await RunAsync(socket, history);

        Assert.Equal(Enumerable.Range(1, 20).Select(i => (long)i), Ids(events));
        Assert.Equal([6, 6, 6], history.Requests.Take(3));
        Assert.DoesNotContain(events, e => e is TradeGapEvent);
    }

    [Fact]
    public async Task A_rate_limit_storm_past_the_attempt_budget_is_waited_out_honouring_retry_after_and_nothing_is_lost()
    {
        var retryAfter = TimeSpan.FromMilliseconds(40);
        var history = new FakeHistory(lastId: 20, failFirst: 12, failure: _ => RateLimited(retryAfter)); // 3 × the budget of 4
        var socket = new[] { Up(1) }.Concat(Trades(1, 5)).Append(Down()).Append(Up(2)).Concat(Trades(15, 20));
        var events = await RunAsync(socket, history);

        Assert.Equal(Enumerable.Range(1, 20).Select(i => (long)i), Ids(events));
        Assert.DoesNotContain(events, e => e is TradeGapEvent);
        Assert.Equal(12 + 3, history.Requests.Count); // then 6-8, 9-11, 12-14 in pages of 3
        for (var i = 1; i <= history.Errors.Count; i++)
        {
            // Each retry waits for the Retry-After of the 429 before it (not the 1-5 ms back-off of the settings).
            Assert.True(history.Times[i] >= history.Errors[i - 1].RetryAt!.Value, $"request {i + 1} came before the Retry-After of the one before");
        }

        var waiting = events.OfType<TradeCatchUpEvent>().Where(c => c.Phase == CatchUpPhase.Waiting).ToList();
        Assert.Equal(12, waiting.Count);
        Assert.All(waiting, w => Assert.Contains("Retry-After", w.Detail, StringComparison.Ordinal));
        Assert.All(waiting, w => Assert.Equal((6L, (long?)15L), (w.NextId, w.LiveId)));
    }

    [Fact]
    public async Task Server_errors_past_the_attempt_budget_are_retried_until_they_pass()
    {
        var history = new FakeHistory(lastId: 20, failFirst: 9); // more than twice the budget of 4
        var socket = new[] { Up(1) }.Concat(Trades(1, 5)).Append(Down()).Append(Up(2)).Concat(Trades(15, 20));
        var events = await RunAsync(socket, history);

        Assert.Equal(Enumerable.Range(1, 20).Select(i => (long)i), Ids(events));
        Assert.DoesNotContain(events, e => e is TradeGapEvent);
        Assert.Equal(9 + 3, history.Requests.Count); // then 6-8, 9-11, 12-14 in pages of 3
    }

    [Fact]
    public async Task When_the_exchange_keeps_refusing_the_request_the_hole_is_reported_and_the_live_stream_continues()
    {
        var history = new FakeHistory(lastId: 20, failFirst: int.MaxValue, failure: _ => Rejected());
        var socket = new[] { Up(1) }.Concat(Trades(1, 5)).Append(Down()).Append(Up(2)).Concat(Trades(15, 20));
        var events = await RunAsync(socket, history);

        Assert.Equal(new long[] { 1, 2, 3, 4, 5, 15, 16, 17, 18, 19, 20 }, Ids(events));
        var gap = Assert.Single(events.OfType<TradeGapEvent>());
        Assert.Equal((6, 14), (gap.FirstMissingId, gap.LastMissingId));
        Assert.Contains("Illegal characters", gap.Reason, StringComparison.Ordinal);
        Assert.Equal(4, history.Requests.Count);
    }

    [Theory]
    [InlineData(15)] // the hole ends just before the first live trade after the reconnect
    [InlineData(18)] // REST resumes before the live stream does
    public async Task Ids_the_exchange_does_not_serve_are_reported_as_a_gap_at_once(long liveFrom)
    {
        var history = new FakeHistory(lastId: 20, served: id => id is < 8 or > 14); // 8..14 do not exist on the exchange
        var socket = new[] { Up(1) }.Concat(Trades(1, 5)).Append(Down()).Append(Up(2)).Concat(Trades(liveFrom, 20));
        var events = await RunAsync(socket, history);

        Assert.Equal(new long[] { 1, 2, 3, 4, 5, 6, 7, 15, 16, 17, 18, 19, 20 }, Ids(events));
        var gap = Assert.Single(events.OfType<TradeGapEvent>());
        Assert.Equal((8, 14), (gap.FirstMissingId, gap.LastMissingId));
        Assert.Contains("serves no trades with these ids", gap.Reason, StringComparison.Ordinal);
        Assert.Equal(history.Requests.Distinct(), history.Requests); // no retries: the answer itself says the ids are gone
    }

    [Fact]
    public async Task A_catch_up_is_announced_before_the_connection_and_its_end_after_the_last_missing_trade()
    {
        var history = new FakeHistory(lastId: 12);
        var socket = new[] { Up(1) }.Concat(Trades(1, 5)).Append(Down()).Append(Up(2)).Concat(Trades(11, 12));
        var events = await RunAsync(socket, history);

        Assert.Equal(Enumerable.Range(1, 12).Select(i => (long)i), Ids(events));
        var afterDown = events.SkipWhile(e => e is not FeedStatusEvent { Status: FeedStatus.Disconnected }).Skip(1).ToList();
        var started = Assert.IsType<TradeCatchUpEvent>(afterDown[0]);
        Assert.Equal((CatchUpPhase.Started, 6L), (started.Phase, started.NextId));
        Assert.IsType<FeedStatusEvent>(afterDown[1]); // connected comes after: no instant with the gap open and "connected"
        var completed = afterDown.OfType<TradeCatchUpEvent>().Single(c => c.Phase == CatchUpPhase.Completed);
        var at = afterDown.IndexOf(completed);
        Assert.Equal(Enumerable.Range(6, 5).Select(i => (long)i), Ids(afterDown.Take(at)));
        Assert.Equal(new long[] { 11, 12 }, Ids(afterDown.Skip(at)));
    }

    [Fact]
    public async Task Live_events_beyond_the_hold_limit_are_dropped_and_their_trades_come_from_rest()
    {
        var history = new FakeHistory(lastId: 60, failFirst: 3, failure: _ => RateLimited(TimeSpan.FromMilliseconds(30)));
        var socket = new[] { Up(1) }.Concat(Trades(1, 5)).Append(Down()).Append(Up(2)).Concat(Trades(20, 60));
        var events = await RunAsync(socket, history, Settings() with { MaxHeldEvents = 10 });

        Assert.Equal(Enumerable.Range(1, 60).Select(i => (long)i), Ids(events));
        Assert.DoesNotContain(events, e => e is TradeGapEvent);
    }

    [Fact]
    public async Task From_agg_id_starts_exactly_there_even_when_the_live_stream_is_ahead()
    {
        var history = new FakeHistory(lastId: 25);
        var socket = new[] { Up(1) }.Concat(Trades(21, 25));
        var events = await RunAsync(socket, history, Settings() with { FromAggId = 7 });

        Assert.Equal(Enumerable.Range(7, 19).Select(i => (long)i), Ids(events));
        Assert.Equal(7, history.Requests[0]);
    }

    [Fact]
    public async Task Without_a_start_id_the_first_live_trade_starts_the_stream_and_nothing_is_fetched()
    {
        var history = new FakeHistory(lastId: 100);
        var events = await RunAsync(new[] { Up(1) }.Concat(Trades(50, 60)), history);

        Assert.Equal(Enumerable.Range(50, 11).Select(i => (long)i), Ids(events));
        Assert.Empty(history.Requests);
    }
}
