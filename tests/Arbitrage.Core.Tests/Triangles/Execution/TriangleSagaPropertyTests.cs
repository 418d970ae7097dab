using Arbitrage.Core.Triangles.Execution;
using CsCheck;
using static Arbitrage.Core.Tests.Triangles.Execution.TriangleExecFixture;

namespace Arbitrage.Core.Tests.Triangles.Execution;

/// <summary>Whatever the venue fills, an attempt with <c>unwind: market</c> ends holding only its start asset (up to dust).</summary>
public sealed class TriangleSagaPropertyTests
{
    /// <summary>Per leg: fill nothing (expired or rejected), a random part, or all of it.</summary>
    private static readonly Gen<(int Kind, decimal Fraction)[]> Fills =
        Gen.Select(Gen.Int[0, 4], Gen.Int[1, 99], (k, f) => (k, f / 100m)).Array[3];

    [Fact]
    public void Over_random_fill_fractions_the_attempt_ends_in_the_start_asset_up_to_dust() =>
        Gen.Select(Fills, Gen.Bool, Gen.Int[0, 3]).Sample((fills, market, killAt) =>
        {
            var settings = Settings(market ? LegOrderType.Market : LegOrderType.LimitIoc);
            var run = new SagaRun();
            run.Feed(Start(settings: settings));
            var seen = 0;
            run.RunToEnd(o =>
            {
                if (!o.ClientOrderId.Contains('L', StringComparison.Ordinal)) return null; // unwind orders: the venue fills them
                var (kind, fraction) = fills[seen++];
                if (seen == killAt) run.Feed(new TriangleSagaInput.KillSwitch(run.Now));
                return kind switch
                {
                    0 => new(o.ClientOrderId, LegReportStatus.Rejected, 0m, 0m, 0m, "", "refused", run.Now),
                    1 or 2 => run.Partial(o, fraction),
                    _ => null,
                };
            });

            Assert.True(run.State.IsEnded);
            var r = run.Result;
            var allFilled = fills.All(f => f.Kind >= 3) && killAt is 0 or 3; // a kill while leg 3 is out stops nothing
            Assert.Equal(allFilled ? TriangleAttemptOutcome.Completed : r.Outcome, r.Outcome);
            if (!allFilled) Assert.NotEqual(TriangleAttemptOutcome.Completed, r.Outcome);
            Assert.Equal(run.Venue.Balance("USDT") - 1000m, r.PnlStartAsset);
            Assert.Equal(run.Venue.Balance("BTC"), run.State.Held("BTC"));
            Assert.Equal(run.Venue.Balance("ETH"), run.State.Held("ETH"));
            TriangleSagaTests.AssertOnlyDust(run);
            Assert.Equal(run.Sent.Count, run.Sent.Distinct().Count()); // no order twice
        }, iter: 500);
}
