using Akka.Actor;
using Arbitrage.Core.Triangles;
using Arbitrage.Core.Triangles.Execution;
using Arbitrage.Engine.Tests.Symbols;
using Arbitrage.Engine.Triangles.Execution;
using Xunit.Abstractions;

namespace Arbitrage.Engine.Tests.Triangles;

/// <summary>
/// The attempt actor on a SQLite journal, stopped while a leg is out (its intent journaled, no answer): started again,
/// it asks the venue for books and queries that leg by client id — it never sends a leg twice — and goes on from the
/// answer. Once per leg.
/// </summary>
public sealed class TriangleAttemptRestartTests(ITestOutputHelper output) : SqliteTestKit(output)
{
    private const long T0 = 1_700_000_000_000;
    private const double Fee = 0.001;

    private static readonly TriangleUniverse Universe = TriangleUniverse.Create(
        new[] { "BTC/USDT", "ETH/BTC", "ETH/USDT" }.Select(s => TradingPair.TryParse(s, out var p) ? p : null!), [("USDT", 100.0)]);

    // 100 USDT → BTC at 50000 → ETH at 0.05 BTC → USDT at 2550: about +1.7 % after three 0.1 % fees.
    internal static TriangleBookSet Books() => new TriangleBookSet()
        .Set("BTC/USDT", new PairBook([new(49990, 1)], [new(50000, 1)], T0))
        .Set("ETH/BTC", new PairBook([new(0.0499, 10)], [new(0.05, 10)], T0))
        .Set("ETH/USDT", new PairBook([new(2550, 10)], [new(2551, 10)], T0));

    internal static TriangleSagaInput.Start Start(string attemptId)
    {
        var cycle = CycleSpec.Of(Universe, Universe.Cycles.Single(c => c.Id == "USDT>BTC>ETH"));
        var settings = new TriangleExecutionSettings();
        var plan = CyclePlanner.Plan(cycle, Books(), 100m, Fee, settings, 0.001m, T0, 5000);
        Assert.True(plan.Ok, plan.Detail);
        return new TriangleSagaInput.Start(attemptId, "paper", cycle, plan.Value!, Fee, TriangleAttemptPolicy.From(settings), 1m, T0);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void A_restart_with_a_leg_out_queries_it_by_client_id_and_never_sends_it_again(int killedAtLeg)
    {
        var attemptId = $"restart{killedAtLeg}";
        var venue = CreateTestProbe();
        var paper = new PaperTriangleVenue(new Dictionary<string, decimal> { ["USDT"] = 1000m }, (decimal)Fee, 0);
        var sent = new List<string>();
        var attempt = Sys.ActorOf(TriangleAttemptActor.Props(attemptId, venue.Ref, 60_000));
        attempt.Tell(new TriangleAttemptInput(Start(attemptId), Books(), T0));

        // Legs before the killed one are answered by the paper venue; the killed one is journaled and left out.
        TriangleOrderRequest? outstanding = null;
        for (int leg = 1; leg <= killedAtLeg; leg++)
        {
            var order = SentOrder(venue.ExpectMsg<TriangleAttemptStepped>(TimeSpan.FromSeconds(10)));
            sent.Add(order.ClientOrderId);
            Assert.Equal(TriangleOrderIds.Leg(attemptId, leg), order.ClientOrderId);
            if (leg == killedAtLeg)
            {
                outstanding = order;
                break;
            }

            var report = paper.Execute(order, Books().Book(order.Symbol)!, PairFilters.None, T0 + leg);
            attempt.Tell(new TriangleAttemptInput(report, Books(), T0 + leg));
        }

        Watch(attempt);
        Sys.Stop(attempt);
        ExpectTerminated(attempt);
        venue.ExpectNoMsg(TimeSpan.FromMilliseconds(200));

        // Started again: it asks for books, then queries the leg that was out — no send.
        var restarted = Sys.ActorOf(TriangleAttemptActor.Props(attemptId, venue.Ref, 60_000));
        venue.ExpectMsg<TriangleAttemptRecovered>(TimeSpan.FromSeconds(10));
        restarted.Tell(new TriangleAttemptInput(null, Books(), T0 + 100));
        var resumed = venue.ExpectMsg<TriangleAttemptStepped>(TimeSpan.FromSeconds(10));
        var query = Assert.IsType<TriangleSagaCommand.QueryOrder>(Assert.Single(resumed.Commands));
        Assert.Equal(outstanding!.ClientOrderId, query.ClientOrderId);

        // The venue had filled it before the crash: the attempt goes on from that fill to the end, each leg sent once.
        paper.Execute(outstanding, Books().Book(outstanding.Symbol)!, PairFilters.None, T0 + 50);
        var now = T0 + 200;
        restarted.Tell(new TriangleAttemptInput(paper.Query(outstanding.ClientOrderId, now), Books(), now));
        TriangleAttemptResult? result = null;
        while (result is null)
        {
            var step = venue.ExpectMsg<TriangleAttemptStepped>(TimeSpan.FromSeconds(10));
            result = step.Ended;
            foreach (var order in step.Commands.OfType<TriangleSagaCommand.SendOrder>().Select(s => s.Request))
            {
                sent.Add(order.ClientOrderId);
                now++;
                restarted.Tell(new TriangleAttemptInput(paper.Execute(order, Books().Book(order.Symbol)!, PairFilters.None, now), Books(), now));
            }
        }

        Assert.Equal(TriangleAttemptOutcome.Completed, result.Outcome);
        Assert.Equal(3, result.LegsFilled);
        Assert.Equal([TriangleOrderIds.Leg(attemptId, 1), TriangleOrderIds.Leg(attemptId, 2), TriangleOrderIds.Leg(attemptId, 3)], sent);
    }

    private static TriangleOrderRequest SentOrder(TriangleAttemptStepped step) =>
        Assert.IsType<TriangleSagaCommand.SendOrder>(Assert.Single(step.Commands)).Request;
}
