using Arbitrage.Core.Risk;
using CsCheck;
using static Arbitrage.Core.Tests.Risk.RiskFixture;

namespace Arbitrage.Core.Tests.Risk;

/// <summary>The persisted transitions alone rebuild the durable state (what recovery relies on).</summary>
public class RiskReplayTests
{
    private enum Op { Trade, Tick, Disconnect, Connect, Kill, Resume }

    [Fact]
    public void Property_replaying_transitions_rebuilds_the_durable_state()
    {
        var step = Gen.Select(Gen.Enum<Op>(), Gen.Long[0, 20 * Min], Gen.Int[-30, 10]);
        step.Array[1, 80].Sample(ops =>
        {
            var now = T0;
            var live = Healthy(T0);
            var journal = new List<RiskTransition>();
            foreach (var (op, dt, r) in ops)
            {
                now += dt;
                HeldPosition[] open = [new(Btc, T0)];
                RiskOutcome? o = op switch
                {
                    Op.Trade => RiskRules.OnTradeClosed(live, r / 10m, now),
                    Op.Tick => RiskRules.OnTick(live, now, open),
                    Op.Connect => RiskRules.OnExchangeConnected(live, now),
                    Op.Kill => RiskRules.EngageKillSwitch(live, "ops", "prop", now),
                    Op.Resume => RiskRules.Resume(live, "ops", now),
                    _ => null,
                };
                if (o is null) live = RiskRules.OnExchangeDisconnected(live, now);
                else
                {
                    journal.AddRange(o.Transitions);
                    live = o.State;
                }
            }

            var recovered = Healthy(T0).ApplyAll(journal);
            Assert.Equal(live.DailyUtcDay, recovered.DailyUtcDay);
            Assert.Equal(live.DailyRealisedR, recovered.DailyRealisedR);
            Assert.Equal(live.ConsecutiveLosses, recovered.ConsecutiveLosses);
            Assert.Equal(live.KillSwitch, recovered.KillSwitch);
            Assert.Equal(live.Breakers.OrderBy(kv => kv.Key), recovered.Breakers.OrderBy(kv => kv.Key));
            // Every transition is stamped with event time, never later than the last input.
            Assert.All(journal, t => Assert.InRange(t.AtMs, T0, now));
        });
    }
}
