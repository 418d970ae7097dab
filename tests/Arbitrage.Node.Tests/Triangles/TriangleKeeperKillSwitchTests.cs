using Akka.Actor;
using Akka.Cluster.Tools.PublishSubscribe;
using Arbitrage.Core.Risk;
using Arbitrage.Engine.Risk;
using Arbitrage.Engine.Triangles;
using Arbitrage.Node.Triangles;
using Xunit.Abstractions;

namespace Arbitrage.Node.Tests.Triangles;

/// <summary>
/// The keeper carries the risk guard's kill switch to every venue's detector: nothing may trade until the guard has
/// answered, the switch goes before the configs (a restarted detector learns it first), and the guard's published
/// kill and release reach every venue.
/// </summary>
public sealed class TriangleKeeperKillSwitchTests(ITestOutputHelper output) : Akka.TestKit.Xunit2.TestKit(output: output)
{
    private readonly string _dir = Directory.CreateTempSubdirectory("tri-keeper-").FullName;

    protected override void Dispose(bool disposing)
    {
        if (disposing && Directory.Exists(_dir)) Directory.Delete(_dir, recursive: true);
        base.Dispose(disposing);
    }

    [Fact]
    public void The_guards_kill_switch_reaches_every_venue_before_its_configs_and_follows_kill_and_release()
    {
        File.WriteAllText(Path.Combine(_dir, "a.json"), """
            { "id": "tri_a", "venue": "venue-a", "symbols": ["BTC/USDT", "ETH/USDT", "ETH/BTC"], "start_assets": { "USDT": 100 },
              "taker_fee": 0.001, "min_net_return": 0.0005 }
            """);
        File.WriteAllText(Path.Combine(_dir, "b.json"), """
            { "id": "tri_b", "venue": "venue-b", "symbols": ["BTC/USD", "ETH/USD", "ETH/BTC"], "start_assets": { "USD": 100 },
              "taker_fee": 0.001, "min_net_return": 0.0005 }
            """);
        var region = CreateTestProbe();
        var mediator = CreateTestProbe();
        var guard = CreateTestProbe();
        var settings = new TriangleKeeperSettings(_dir, _ => 0.001, TimeSpan.FromHours(1), Watch: false);
        var keeper = Sys.ActorOf(TriangleKeeper.Props(settings, region.Ref, venues: null, mediator.Ref, guard.Ref));

        Assert.Equal(RiskTopics.Risk, mediator.ExpectMsg<Subscribe>().Topic);
        guard.ExpectMsg<GetRiskStatus>();

        // Before the guard answers: each venue is told "no trading", then its configs.
        var first = region.ReceiveN(4, TimeSpan.FromSeconds(10));
        foreach (var venue in new[] { "venue-a", "venue-b" })
        {
            var mine = first.Where(m => m is SetTriangleTrading t ? t.Venue == venue : ((ConfigureTriangles)m).Venue == venue).ToList();
            Assert.Equal(new SetTriangleTrading(venue, false), mine[0]);
            Assert.IsType<ConfigureTriangles>(mine[1]);
        }

        // The guard's state has the kill switch released: trading on at both venues.
        guard.Reply(new RiskStatus(RiskState.Initial(new RiskParameters(), 0), ExecutorReady: true, [], 0));
        Assert.Equal(
            [new SetTriangleTrading("venue-a", true), new SetTriangleTrading("venue-b", true)],
            region.ReceiveN(2, TimeSpan.FromSeconds(10)).Cast<SetTriangleTrading>().OrderBy(t => t.Venue).ToList());

        // The operator's kill switch, published by the guard: off everywhere; released: on again. Other risk events pass by.
        keeper.Tell(new TradingEnabledSet(false, "ops", 1));
        keeper.Tell(new KillSwitchEngaged("ops", "manual", 2));
        Assert.Equal(
            [new SetTriangleTrading("venue-a", false), new SetTriangleTrading("venue-b", false)],
            region.ReceiveN(2, TimeSpan.FromSeconds(10)).Cast<SetTriangleTrading>().OrderBy(t => t.Venue).ToList());
        keeper.Tell(new KillSwitchEngaged("ops", "again", 3));
        keeper.Tell(new KillSwitchReleased("ops", 4));
        Assert.Equal(
            [new SetTriangleTrading("venue-a", true), new SetTriangleTrading("venue-b", true)],
            region.ReceiveN(2, TimeSpan.FromSeconds(10)).Cast<SetTriangleTrading>().OrderBy(t => t.Venue).ToList());
        region.ExpectNoMsg(TimeSpan.FromMilliseconds(200)); // a repeated kill changed nothing
    }
}
