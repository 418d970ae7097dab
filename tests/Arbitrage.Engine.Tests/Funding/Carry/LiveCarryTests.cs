using System.Globalization;
using Akka.Actor;
using Arbitrage.Binance.Rest;
using Arbitrage.Binance.Signing;
using Arbitrage.Binance.Tapes;
using Arbitrage.Core.Funding.Carry;
using Arbitrage.Engine.Funding.Carry;
using Arbitrage.Engine.Tests.Symbols;
using Arbitrage.Simulator;
using Arbitrage.Simulator.Control;
using Xunit.Abstractions;
using static Arbitrage.Engine.Tests.Funding.Carry.CarryTestData;

namespace Arbitrage.Engine.Tests.Funding.Carry;

/// <summary>
/// The carry actor with <see cref="LiveCarryLegGateway"/> against the in-process simulator: spot leg on
/// <c>/api/v3/order</c>, perp leg on <c>/fapi/v1/order</c>. Balances and positions are read from the simulator.
/// </summary>
public sealed class LiveCarryTests(ITestOutputHelper output) : SqliteTestKit(output)
{
    private const string Key = "carryKey0123456789abcdefABCDEF0123456789abcdefABCDEF0123456789ab";
    private const string Secret = "carrySecret0123456789abcdefABCDEF0123456789abcdefABCDEF01234567";
    private const decimal PerpFee = 0.0005m; // the simulator's futures taker fee (5 bps) = the gateway's estimate
    private const decimal SpotFee = 0.001m;  // the simulator's spot default (10 bps), reported in the fills
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(15);

    /// <summary>Sim on loopback; tape: perp trades 20 010 with index 20 000, later perp 20 100 with index 20 080.</summary>
    private sealed class Venue : IAsyncDisposable
    {
        private Venue(SimulatorHost host, BinanceRestClient rest)
        {
            Host = host;
            Rest = rest;
        }

        public SimulatorHost Host { get; }
        public BinanceRestClient Rest { get; }

        public static async Task<Venue> StartAsync()
        {
            var frames = new List<TapeFrame>();
            var t = T0;
            void Trade(decimal p) => frames.Add(new TapeFrame(t += 1000, "btcusdt@aggTrade",
                $$"""{"e":"aggTrade","E":{{t}},"a":{{t / 1000}},"s":"BTCUSDT","p":"{{S(p)}}","q":"0.5","f":1,"l":1,"T":{{t}},"m":false}"""));
            void Mark(decimal mark, decimal index) => frames.Add(new TapeFrame(t += 1000, "btcusdt@markPrice@1s",
                $$"""{"e":"markPriceUpdate","E":{{t}},"s":"BTCUSDT","p":"{{S(mark)}}","P":"{{S(mark)}}","i":"{{S(index)}}","r":"0.0003","T":{{NextFunding(t)}}}"""));
            Trade(20_010m);
            Mark(20_010m, 20_000m);
            Trade(20_100m);
            Mark(20_100m, 20_080m);
            var host = await SimulatorHost.StartAsync(new SimulatorOptions
            {
                Frames = frames,
                Start = PlaybackStart.Manual,
                Speed = double.PositiveInfinity,
                ApiKey = Key,
                ApiSecret = Secret,
                Fees = new FeeSchedule(MakerBps: 2m, TakerBps: 5m),
            });
            host.Control.Step(2);
            return new Venue(host, new BinanceRestClient(BinanceRestOptions.ForSingleOrigin(host.BaseUrl), new BinanceCredentials(Key, Secret)));
        }

        public decimal SpotUsdt => Host.Spot.Balance("USDT").Free;
        public decimal SpotBtc => Host.Spot.Balance("BTC").Free;
        public decimal Perp => Host.Exchange.Position(Btc).Amount;
        public decimal FuturesWallet => Host.Exchange.WalletBalance();

        public async ValueTask DisposeAsync()
        {
            Rest.Dispose();
            await Host.DisposeAsync();
        }

        private static string S(decimal d) => d.ToString(CultureInfo.InvariantCulture);
    }

    private IActorRef Start(Venue venue) =>
        Sys.ActorOf(CarryActor.Props(Btc, Config(), new LiveCarryLegGateway(venue.Rest, new LiveCarryLegSettings { QueryInterval = TimeSpan.FromMilliseconds(20) })));

    private async Task<CarryCommandReply> AskAsync(IActorRef carry, ICarryMessage m)
    {
        carry.Tell(m);
        return await ExpectMsgAsync<CarryCommandReply>(Wait);
    }

    private async Task<CarryStatus> StatusOfAsync(IActorRef carry)
    {
        carry.Tell(new GetCarryStatus(Btc));
        return await ExpectMsgAsync<CarryStatus>(Wait);
    }

    [Fact]
    public async Task A_carry_opened_and_closed_live_leaves_the_simulator_flat_and_records_the_pnl_the_exchange_booked()
    {
        await using var venue = await Venue.StartAsync();
        var (usdt0, wallet0) = (venue.SpotUsdt, venue.FuturesWallet);
        var carry = Start(venue);
        carry.Tell(Update(T0 + 2000, rate: 0.00005m, mark: 20_010m, index: 20_000m)); // below the entry rate: the operator opens

        var opened = await AskAsync(carry, new OpenCarry(Btc, 1000m, "ops"));
        Assert.True(opened.Accepted, opened.Message);
        Assert.Equal(0.05m - 0.05m * SpotFee, venue.SpotBtc);  // 1000 / 20 000 index, less the buy's fee in BTC (as Binance)
        Assert.Equal(0.04995m, (await StatusOfAsync(carry)).Open!.Position.SpotQuantity); // the carry holds what the account holds
        Assert.Equal(-0.049m, venue.Perp);                     // 1000 / 20 010 → 0.001 step
        var open = (await StatusOfAsync(carry)).Open!;
        Assert.Equal((20_000m, 20_010m), (open.Position.SpotEntryPrice, open.Position.PerpEntryPrice));
        Assert.Equal(1000m * SpotFee + 0.049m * 20_010m * PerpFee, open.Position.FeesUsd);
        Assert.Single(venue.Host.Spot.FindByClientId($"{open.CarryId}-open-spot"));
        Assert.Single(venue.Host.Exchange.FindByClientId($"{open.CarryId}-open-perp"));

        venue.Host.Control.PlayToEnd(); // perp 20 100, index 20 080
        carry.Tell(Update(T0 + 4000, rate: 0.00005m, mark: 20_100m, index: 20_080m));
        var closed = await AskAsync(carry, new CloseCarry(Btc, "test", "ops"));
        Assert.True(closed.Accepted, closed.Message);

        Assert.Equal(0m, venue.SpotBtc);                        // spot base back to start
        Assert.Equal(0m, venue.Perp);                           // perp flat
        var result = Assert.Single((await StatusOfAsync(carry)).Closed);
        Assert.Equal(0.04995m * 80m + 0.049m * -90m, result.BasisPnlUsd); // spot +3.996, perp −4.41
        // What the carry recorded is what the two accounts booked (no funding settled in between).
        Assert.Equal((venue.SpotUsdt - usdt0) + (venue.FuturesWallet - wallet0), result.NetUsd);
        Assert.Equal(2, venue.Host.Spot.Orders.Count);          // open and close, nothing resent
        Assert.Equal(2, venue.Host.Exchange.Orders.Count);
    }

    /// <summary>
    /// Binance takes a buy's fee from the base received, so the held quantity is rarely a multiple of the lot step:
    /// the close sells what is held down to the step (an order the exchange accepts) and leaves dust, never more.
    /// </summary>
    [Fact]
    public async Task A_close_sells_the_held_spot_down_to_the_lot_step_after_a_fee_paid_in_the_base_asset()
    {
        await using var venue = await Venue.StartAsync();
        var carry = Start(venue);
        carry.Tell(Update(T0 + 2000, rate: 0.00005m, mark: 20_010m, index: 20_000m));

        var opened = await AskAsync(carry, new OpenCarry(Btc, 246.8m, "ops")); // 0.01234 BTC at the 20 000 index
        Assert.True(opened.Accepted, opened.Message);
        var held = 0.01234m - 0.01234m * SpotFee;                               // 0.01232766: not a multiple of 0.00001
        Assert.Equal(held, venue.SpotBtc);
        Assert.Equal(held, (await StatusOfAsync(carry)).Open!.Position.SpotQuantity);

        var closed = await AskAsync(carry, new CloseCarry(Btc, "test", "ops"));
        Assert.True(closed.Accepted, closed.Message);
        var close = Assert.Single(venue.Host.Spot.Orders, o => o.ClientOrderId.EndsWith("-close-spot", StringComparison.Ordinal));
        Assert.Equal(("FILLED", 0.01232m), (close.Status, close.ExecutedQty));
        Assert.Equal(held - 0.01232m, venue.SpotBtc);                          // dust below one step stays
        Assert.Equal(0m, venue.Perp);
        Assert.Single((await StatusOfAsync(carry)).Closed);
    }

    [Fact]
    public async Task A_spot_leg_refused_by_the_exchange_unwinds_the_perp_leg_and_records_the_failure()
    {
        await using var venue = await Venue.StartAsync();
        venue.Host.Control.FailNext(new FaultRule(FaultKind.WafBlocked, PathContains: "/api/v3/order"));
        var carry = Start(venue);
        carry.Tell(Update(T0 + 2000, rate: 0.00005m, mark: 20_010m, index: 20_000m));

        var reply = await AskAsync(carry, new OpenCarry(Btc, 1000m, "ops"));
        Assert.False(reply.Accepted);
        Assert.Contains("Spot leg failed", reply.Message, StringComparison.Ordinal);

        Assert.Equal(0m, venue.Perp);                           // sold, then bought back
        Assert.Equal(["SELL", "BUY"], venue.Host.Exchange.Orders.Select(o => o.Side));
        Assert.Empty(venue.Host.Spot.Orders);
        Assert.Equal(0m, venue.SpotBtc);

        // The failure is journaled: a fresh actor on the same journal recovers it.
        Watch(carry);
        Sys.Stop(carry);
        await ExpectTerminatedAsync(carry, Wait);
        var recovered = await StatusOfAsync(Start(venue));
        var failure = Assert.Single(recovered.Failures);
        Assert.Equal(CarryLeg.Spot, failure.FailedLeg);
        Assert.Contains("WafBlocked", failure.Error, StringComparison.Ordinal);
        Assert.Equal(CarryLeg.Perp, failure.Filled!.Leg);
        Assert.Equal(0.049m, failure.Unwound!.Quantity);
        Assert.Null(recovered.Open);
        Assert.Null(recovered.Stranded);
    }

    [Theory]
    [InlineData("/fapi/v1/order", "open-perp")]
    [InlineData("/api/v3/order", "open-spot")]
    public async Task A_503_after_the_exchange_accepted_a_leg_is_resolved_by_query_and_never_sent_twice(string path, string leg)
    {
        await using var venue = await Venue.StartAsync();
        venue.Host.Control.FailNext(new FaultRule(FaultKind.Unknown503, PathContains: path, AfterAccept: true));
        var carry = Start(venue);
        carry.Tell(Update(T0 + 2000, rate: 0.00005m, mark: 20_010m, index: 20_000m));

        var reply = await AskAsync(carry, new OpenCarry(Btc, 1000m, "ops"));
        Assert.True(reply.Accepted, reply.Message);
        var id = (await StatusOfAsync(carry)).Open!.CarryId;
        var orders = leg == "open-spot" ? venue.Host.Spot.FindByClientId($"{id}-{leg}").Count : venue.Host.Exchange.FindByClientId($"{id}-{leg}").Count;
        Assert.Equal(1, orders);
        Assert.Equal((0.04995m, -0.049m), (venue.SpotBtc, venue.Perp));
    }

    [Fact]
    public async Task A_503_before_the_exchange_saw_the_order_is_queried_then_placed_once()
    {
        await using var venue = await Venue.StartAsync();
        venue.Host.Control.FailNext(new FaultRule(FaultKind.Unknown503, PathContains: "/api/v3/order")); // the placement never arrives
        var carry = Start(venue);
        carry.Tell(Update(T0 + 2000, rate: 0.00005m, mark: 20_010m, index: 20_000m));

        var reply = await AskAsync(carry, new OpenCarry(Btc, 1000m, "ops"));
        Assert.True(reply.Accepted, reply.Message);
        Assert.Single(venue.Host.Spot.Orders);
        Assert.Equal(0.04995m, venue.SpotBtc);
    }
}
