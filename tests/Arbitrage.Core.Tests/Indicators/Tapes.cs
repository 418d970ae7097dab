using Arbitrage.Core.Indicators;
using Arbitrage.Core.MarketData;

namespace Arbitrage.Core.Tests.Indicators;

/// <summary>One input event: a trade, or a live heartbeat at <see cref="NowMs"/>.</summary>
internal readonly record struct TapeEvent(Trade Trade, long NowMs, bool IsHeartbeat)
{
    public static TapeEvent Of(Trade t) => new(t, 0, false);

    public static TapeEvent Heartbeat(long now) => new(default, now, true);
}

/// <summary>Collects every tick it is given.</summary>
internal sealed class CollectingSink : ITickSink
{
    public List<IndicatorValues> Ticks { get; } = [];

    public void OnTick(in IndicatorValues values) => Ticks.Add(values);
}

/// <summary>Quantity shapes of random tapes.</summary>
internal enum QtyStyle
{
    IntegerContracts,
    Decimals3,
    MostlyOneSize,
    FewSizes,
    ContinuousDoubles,
}

/// <summary>Random tapes with the awkward cases of §4: silent gaps over 15 s, 5 min, 30 min, 4 h and 24 h;
/// bursts of equal timestamps; trades exactly on tick boundaries and window edges (and 1 ms before).</summary>
internal static class Tapes
{
    public const long Start = 1_778_198_400_000; // 2026-05-08T00:00:00Z, a multiple of 15 s and 5 min

    public static List<TapeEvent> Random(int seed, int trades, QtyStyle style, bool heartbeats, bool lateTrades)
    {
        var rng = new Random(seed);
        var events = new List<TapeEvent>(trades + trades / 8);
        long time = Start + (rng.Next(3) == 0 ? 0 : rng.Next(0, 600_000));
        double price = 100 + rng.NextDouble() * 60_000;
        for (int i = 0; i < trades; i++)
        {
            int r = rng.Next(1000);
            time += r switch
            {
                < 350 => 0,
                < 700 => rng.Next(1, 3_000),
                < 850 => rng.Next(3_000, 15_000),
                < 920 => rng.Next(15_001, 60_000),
                < 960 => rng.Next(300_000, 420_000),
                < 985 => rng.Next(1_800_000, 2_400_000),
                < 990 => rng.Next(14_400_000, 15_000_000),
                < 992 => 86_400_000 + rng.Next(-15_000, 15_000),
                _ => 0,
            };
            if (rng.Next(8) == 0)
            {
                // Exactly on a tick boundary, i.e. on the edge of every window of a later tick, or 1 ms before it.
                long edge = (time / 15_000 + 1) * 15_000 - (rng.Next(3) == 0 ? 1 : 0);
                time = Math.Max(time, edge);
            }

            price = Math.Round(price * (1 + (rng.NextDouble() - 0.5) * 0.004), 1);
            double qty = style switch
            {
                QtyStyle.IntegerContracts => Math.Floor(Math.Exp(rng.NextDouble() * 8)),
                QtyStyle.Decimals3 => Math.Round(Math.Exp(rng.NextDouble() * 9 - 6), 3) + 0.001,
                QtyStyle.MostlyOneSize => rng.Next(50) == 0 ? 1 + rng.Next(1, 40) : 1,
                QtyStyle.FewSizes => new[] { 0.5, 1, 2, 5, 10 }[rng.Next(5)],
                _ => rng.NextDouble() * rng.NextDouble() * 100 + 1e-9,
            };
            long tradeTime = time;
            if (lateTrades && rng.Next(15) == 0)
            {
                tradeTime = Math.Max(0, time - rng.Next(0, 3_000_000));
            }

            events.Add(TapeEvent.Of(new Trade(i + 1, price, qty, tradeTime, rng.Next(2) == 0)));
            if (heartbeats && rng.Next(12) == 0)
            {
                // A heartbeat may pass ticks the next trades belong before: those trades arrive late.
                events.Add(TapeEvent.Heartbeat(time + rng.Next(0, 40_000)));
            }
        }

        return events;
    }

    public static List<IndicatorValues> RunIncremental(IEnumerable<TapeEvent> events, SymbolIndicators? s = null)
    {
        s ??= new SymbolIndicators();
        var sink = new CollectingSink();
        foreach (var e in events)
        {
            if (e.IsHeartbeat)
            {
                s.AdvanceTo(e.NowMs, sink);
            }
            else
            {
                s.OnTrade(e.Trade, sink);
            }
        }

        return sink.Ticks;
    }

    public static NaiveIndicators RunNaive(IEnumerable<TapeEvent> events)
    {
        var n = new NaiveIndicators();
        foreach (var e in events)
        {
            if (e.IsHeartbeat)
            {
                n.AdvanceTo(e.NowMs);
            }
            else
            {
                n.OnTrade(e.Trade);
            }
        }

        return n;
    }
}
