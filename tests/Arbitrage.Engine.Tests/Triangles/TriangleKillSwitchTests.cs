using Akka.Actor;
using Akka.Cluster.Tools.PublishSubscribe;
using Arbitrage.Core.Triangles;
using Arbitrage.Core.Triangles.Execution;
using Arbitrage.Engine.Tests.Symbols;
using Arbitrage.Engine.Triangles;
using Xunit.Abstractions;

namespace Arbitrage.Engine.Tests.Triangles;

/// <summary>
/// The venue's trading switch (the risk guard's kill switch, carried by the node's keeper): stopped while a leg is
/// out, the attempt waits for that leg, sends no further cycle leg and unwinds what it holds into the start asset;
/// no new attempt starts while it is off (<c>risk:kill_switch</c>); the switch repeated changes nothing.
/// </summary>
public sealed class TriangleKillSwitchTests(ITestOutputHelper output) : SqliteTestKit(output)
{
    private const string Venue = "paper-venue";

    // Single-level books; at 2000 ms ETH/USD bids 3030 and USD>BTC>ETH returns ≈ +0.7 % after three 0.1 % fees.
    private static TriangleBook Book(string symbol, long t, double bid, double ask, double qty = 10) => new(symbol, t, [new(bid, qty)], [new(ask, qty)]);

    [Fact]
    public void A_kill_while_leg_one_is_out_unwinds_after_it_fills_and_no_attempt_starts_until_trading_is_back()
    {
        var mediator = CreateTestProbe();
        var config = new TriangleConfig("tri_exec", Venue, null, [new StartAsset("USD", 1000m)], 0.001m, 0.0005m,
            Execution: new TriangleExecutionSettings(PaperLatencyMs: 500, Execute: true));
        var detector = Sys.ActorOf(TriangleActor.Props(Venue, mediator.Ref));
        detector.Tell(new ConfigureTriangles(Venue, [config], ["BTC/USD", "ETH/BTC", "ETH/USD"], null));
        ExpectMsg<TrianglesConfigured>(TimeSpan.FromSeconds(10));
        detector.Tell(new SetTriangleTrading(Venue, true));
        ExpectMsg<TriangleTradingSet>();

        detector.Tell(new TriangleBooks(Venue, [Book("BTC/USD", 1000, 49990, 50000, 1), Book("ETH/BTC", 1000, 0.0599, 0.06), Book("ETH/USD", 1000, 2990, 3001)], 0));
        ExpectMsg<TriangleBooksAck>(TimeSpan.FromSeconds(10));
        detector.Tell(new TriangleBooks(Venue, [Book("ETH/USD", 2000, 3030, 3031)], 1)); // the attempt starts; leg 1 fills at 2500
        ExpectMsg<TriangleBooksAck>(TimeSpan.FromSeconds(10));

        detector.Tell(new SetTriangleTrading(Venue, false));
        Assert.Equal(1, ExpectMsg<TriangleTradingSet>().InFlight);
        detector.Tell(new SetTriangleTrading(Venue, false)); // repeated by the keeper: nothing more happens
        ExpectMsg<TriangleTradingSet>();

        // Leg 1 fills on the book of 2600; the saga sends no leg 2 and sells the BTC back at market.
        detector.Tell(new TriangleBooks(Venue, [Book("BTC/USD", 2600, 49990, 50000, 1)], 2));
        ExpectMsg<TriangleBooksAck>(TimeSpan.FromSeconds(10));
        // Still profitable at 4000, but trading is off: no attempt.
        detector.Tell(new TriangleBooks(Venue, [Book("ETH/USD", 4000, 3040, 3041)], 3));
        ExpectMsg<TriangleBooksAck>(TimeSpan.FromSeconds(10));
        detector.Tell(new DrainTriangleAttempts(Venue));
        ExpectMsg<TriangleAttemptsDrained>(TimeSpan.FromSeconds(10));

        var attempts = mediator.ReceiveWhile(TimeSpan.FromMilliseconds(500), m => ((Publish)m).Message)
            .OfType<TriangleAttemptChanged>().Select(c => c.Result).ToList();
        var result = Assert.Single(attempts);
        Assert.Equal((TriangleAttemptOutcome.Unwound, 1), (result.Outcome, result.LegsFilled));
        Assert.Contains("kill switch", result.Detail, StringComparison.Ordinal);
        Assert.All(result.Held, h => Assert.True(h.Value < 0.00001m, $"{h.Value} {h.Key} left"));
    }
}
