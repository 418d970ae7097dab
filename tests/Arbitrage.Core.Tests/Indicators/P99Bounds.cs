using Arbitrage.Core.Indicators;

namespace Arbitrage.Core.Tests.Indicators;

/// <summary>The §4 acceptance property of the P99: exact 98.5th ≤ P99 ≤ exact 99.5th percentile (nearest rank).</summary>
internal static class P99Bounds
{
    /// <summary>Nearest-rank percentile: the ⌈p·n⌉-th smallest (p as a decimal, so exact).</summary>
    public static double NearestRank(List<double> sorted, decimal p) => sorted[(int)Math.Ceiling(p * sorted.Count) - 1];

    public static void CheckAllTicks(List<TapeEvent> events, int everyNthTick)
    {
        var s = new SymbolIndicators();
        var sink = new BoundsSink(everyNthTick);
        foreach (var e in events)
        {
            if (e.IsHeartbeat)
            {
                s.AdvanceTo(e.NowMs, sink);
            }
            else
            {
                s.OnTrade(e.Trade, sink);
                sink.Ingested.Add(e.Trade);
            }
        }

        Assert.True(sink.Checked > 0 || events.Count < 2 || sink.Seen == 0, "no tick checked");
    }

    private sealed class BoundsSink(int everyNth) : ITickSink
    {
        public List<Arbitrage.Core.MarketData.Trade> Ingested { get; } = [];
        public int Seen { get; private set; }
        public int Checked { get; private set; }

        public void OnTick(in IndicatorValues v)
        {
            if (Seen++ % everyNth != 0)
            {
                return;
            }

            long t = v.TimeMs;
            var window = new List<double>();
            foreach (var x in Ingested)
            {
                if (x.TimeMs >= t - 86_400_000 && x.TimeMs < t)
                {
                    window.Add(x.Quantity);
                }
            }

            if (window.Count == 0)
            {
                Assert.Null(v.P99Qty);
                return;
            }

            window.Sort();
            double lo = NearestRank(window, 0.985m);
            double hi = NearestRank(window, 0.995m);
            Assert.True(v.P99Qty is { } p && lo <= p && p <= hi, $"t={t}: P99 {v.P99Qty} outside [{lo}, {hi}] of n={window.Count}");
            Checked++;
        }
    }
}
