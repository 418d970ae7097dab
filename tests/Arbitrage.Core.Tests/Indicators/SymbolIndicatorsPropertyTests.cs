using System.Text.Json;
using Arbitrage.Core.Indicators;
using CsCheck;

namespace Arbitrage.Core.Tests.Indicators;

public class SymbolIndicatorsPropertyTests
{
    private static readonly Gen<(int Seed, int Trades, QtyStyle Style)> Tape =
        Gen.Select(Gen.Int, Gen.Int[1, 400], Gen.Enum<QtyStyle>());

    [Fact]
    public void Incremental_equals_naive_on_random_in_order_tapes() =>
        Tape.Sample((seed, n, style) =>
        {
            var events = Tapes.Random(seed, n, style, heartbeats: false, lateTrades: false);
            IndicatorAssert.Equal(Tapes.RunNaive(events), Tapes.RunIncremental(events), $"seed {seed} n {n} {style}");
        }, iter: 80);

    [Fact]
    public void Incremental_equals_naive_with_heartbeats_and_late_trades() =>
        Tape.Sample((seed, n, style) =>
        {
            var events = Tapes.Random(seed, n, style, heartbeats: true, lateTrades: true);
            IndicatorAssert.Equal(Tapes.RunNaive(events), Tapes.RunIncremental(events), $"seed {seed} n {n} {style}");
        }, iter: 80);

    [Fact]
    public void Restore_of_a_json_round_tripped_capture_continues_bit_identically() =>
        Gen.Select(Tape, Gen.Double[0, 1], Gen.Bool).Sample((tape, cutAt, messy) =>
        {
            var events = Tapes.Random(tape.Seed, tape.Trades, tape.Style, heartbeats: messy, lateTrades: messy);
            var uninterrupted = new SymbolIndicators();
            var expected = Tapes.RunIncremental(events, uninterrupted);

            int cut = (int)(cutAt * events.Count);
            var first = new SymbolIndicators();
            var ticks = Tapes.RunIncremental(events.Take(cut), first);
            string json = JsonSerializer.Serialize(first.Capture());
            var restored = SymbolIndicators.Restore(JsonSerializer.Deserialize<SymbolIndicatorsState>(json)!);
            Assert.Equal(first.Last, restored.Last);
            Assert.Equal(first.NextTickMs, restored.NextTickMs);
            ticks.AddRange(Tapes.RunIncremental(events.Skip(cut), restored));

            Assert.Equal(expected.Count, ticks.Count);
            for (int i = 0; i < ticks.Count; i++)
            {
                // Record-struct equality: every field, doubles compared exactly.
                Assert.True(expected[i].Equals(ticks[i]), $"tick #{i}: {expected[i]} vs {ticks[i]}");
            }

            Assert.Equal(uninterrupted.Last, restored.Last);
        }, iter: 60);

    [Fact]
    public void P99_lies_between_the_exact_98_5th_and_99_5th_percentiles_on_random_tapes() =>
        Tape.Sample((seed, n, style) =>
        {
            var events = Tapes.Random(seed, n, style, heartbeats: true, lateTrades: true);
            P99Bounds.CheckAllTicks(events, everyNthTick: 1);
        }, iter: 60);

    [Fact]
    public void Long_tapes_do_not_drift()
    {
        // Ten days of dense trading with large, cancelling flows: the running sums stay on the naive ones.
        var rng = new Random(7);
        var trades = new List<Arbitrage.Core.MarketData.Trade>();
        long time = Tapes.Start;
        for (int i = 0; i < 400_000; i++)
        {
            time += rng.Next(0, 4_300);
            double qty = rng.Next(10) == 0 ? Math.Round(rng.NextDouble() * 1e6, 3) : Math.Round(rng.NextDouble() * 3, 3) + 0.001;
            trades.Add(new(i, Math.Round(60_000 + rng.NextDouble() * 1_000, 1), qty, time, rng.Next(2) == 0));
        }

        var s = new SymbolIndicators();
        var sink = new CollectingSink();
        s.OnTrades(trades.ToArray(), sink);
        s.AdvanceTo(time + 1, sink);
        var last = s.Last!.Value;
        long t = last.TimeMs;
        Assert.True(t - Tapes.Start > 9L * 86_400_000);

        (double cvd, double vol, double notional) Window(long w)
        {
            double c = 0, v = 0, pq = 0;
            foreach (var x in trades)
            {
                if (x.TimeMs >= t - w && x.TimeMs < t)
                {
                    c += x.Delta;
                    v += x.Quantity;
                    pq += x.Price * x.Quantity;
                }
            }

            return (c, v, pq);
        }

        foreach (var (w, cvd, vwap) in new[] { (1_800_000L, last.Cvd30m, last.Vwap30m), (14_400_000L, last.Cvd4h, last.Vwap4h), (86_400_000L, last.Cvd24h, last.Vwap24h) })
        {
            var (c, v, pq) = Window(w);
            Assert.True(Math.Abs(c - cvd) <= 1e-9 * v, $"window {w}: cvd {cvd} naive {c}");
            Assert.True(Math.Abs(pq / v - vwap!.Value) <= 1e-9 * (pq / v), $"window {w}: vwap {vwap} naive {pq / v}");
        }
    }
}
