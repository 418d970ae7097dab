using System.Net;
using Arbitrage.Binance.Rest;
using Arbitrage.Binance.Signing;
using Arbitrage.Binance.Tapes;
using Arbitrage.Core.Funding.Carry;
using Arbitrage.Engine.Funding.Carry;
using Arbitrage.Simulator;
using Arbitrage.Simulator.Control;
using static Arbitrage.Engine.Tests.Funding.Carry.CarryTestData;

namespace Arbitrage.Engine.Tests.Funding.Carry;

/// <summary><see cref="LiveCarryLegGateway"/> alone against the simulator, with a transport that can lose the order queries.</summary>
public sealed class LiveCarryLegGatewayTests
{
    private const string Key = "gwKey0123456789abcdefABCDEF0123456789abcdefABCDEF0123456789abcde";
    private const string Secret = "gwSecret0123456789abcdefABCDEF0123456789abcdefABCDEF0123456789a";

    /// <summary>Answers 500 to <c>GET /api/v3/order</c> while <see cref="FailQueries"/> is set; everything else goes to the simulator.</summary>
    private sealed class LosingQueries() : DelegatingHandler(new SocketsHttpHandler())
    {
        public volatile bool FailQueries;

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken) =>
            FailQueries && request.Method == HttpMethod.Get && request.RequestUri!.AbsolutePath == "/api/v3/order"
                ? Task.FromResult(new HttpResponseMessage(HttpStatusCode.InternalServerError)
                {
                    Content = new StringContent("""{"code":-1001,"msg":"Internal error; unable to process your request. Please try again."}"""),
                })
                : base.SendAsync(request, cancellationToken);
    }

    [Fact]
    public async Task A_leg_whose_outcome_stayed_unknown_is_queried_on_the_next_call_and_not_sent_again()
    {
        var mark = $$"""{"e":"markPriceUpdate","E":{{T0}},"s":"BTCUSDT","p":"20010","P":"20010","i":"20000","r":"0.0001","T":{{NextFunding(T0)}}}""";
        await using var host = await SimulatorHost.StartAsync(new SimulatorOptions
        {
            Frames = [new TapeFrame(T0, "btcusdt@markPrice@1s", mark)],
            Start = PlaybackStart.Manual,
            ApiKey = Key,
            ApiSecret = Secret,
        });
        host.Control.PlayToEnd();
        using var transport = new LosingQueries { FailQueries = true };
        using var rest = new BinanceRestClient(BinanceRestOptions.ForSingleOrigin(host.BaseUrl), new BinanceCredentials(Key, Secret), transport);
        var gateway = new LiveCarryLegGateway(rest, new LiveCarryLegSettings { MaxQueries = 2, QueryInterval = TimeSpan.FromMilliseconds(1) });
        var order = new CarryLegOrder(Btc, "BTCUSDT-7-open-spot", CarryLeg.Spot, CarrySide.Buy, 0.05m, 20_000m, T0);
        host.Control.FailNext(new FaultRule(FaultKind.Unknown503, PathContains: "/api/v3/order", AfterAccept: true));

        var first = await gateway.ExecuteAsync(order); // accepted, 503, and the queries fail too
        Assert.False(first.Success);
        Assert.Contains("outcome unknown", first.Error, StringComparison.Ordinal);
        Assert.Equal("FILLED", Assert.Single(host.Spot.FindByClientId(order.ClientId)).Status);

        transport.FailQueries = false;
        var second = await gateway.ExecuteAsync(order); // the carry's retry of the same leg
        Assert.True(second.Success, second.Error);
        // Fee from myTrades: 0.1 % of 0.05 BTC, paid in BTC (1 USD at 20 000); the leg holds what the account received.
        Assert.Equal((0.04995m, 20_000m, 1m), (second.Fill!.Quantity, second.Fill.Price, second.Fill.FeeUsd));
        Assert.Single(host.Spot.FindByClientId(order.ClientId));
        Assert.Equal(0.04995m, host.Spot.Balance("BTC").Free);

        var third = await gateway.ExecuteAsync(order with { ClientId = "BTCUSDT-7-close-spot", Side = CarrySide.Sell, Quantity = second.Fill.Quantity });
        Assert.True(third.Success, third.Error);
        Assert.Equal(0m, host.Spot.Balance("BTC").Free);
    }

    [Fact]
    public void Client_ids_outside_what_both_markets_accept_are_hashed_stably()
    {
        Assert.Equal("BTCUSDT-1-open-spot", LiveCarryLegGateway.ExchangeClientId("BTCUSDT-1-open-spot"));
        var longId = LiveCarryLegGateway.ExchangeClientId("1000000BABYDOGEUSDT-12345-unwind-perp");
        Assert.Equal(35, longId.Length);
        Assert.StartsWith("cl-", longId, StringComparison.Ordinal);
        Assert.Equal(longId, LiveCarryLegGateway.ExchangeClientId("1000000BABYDOGEUSDT-12345-unwind-perp"));
        Assert.NotEqual(longId, LiveCarryLegGateway.ExchangeClientId("1000000BABYDOGEUSDT-12345-unwind-spot"));
    }
}
