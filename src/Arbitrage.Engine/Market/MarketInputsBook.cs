using Arbitrage.Binance.Streams;
using Arbitrage.Core.Strategies;
using Arbitrage.Engine.Strategies;

namespace Arbitrage.Engine.Market;

/// <summary>
/// The strategies' non-trade inputs per symbol, folded from the feeds' events in the order given: the predicted funding
/// rate (markPrice; for a symbol without mark prices, a settled rate from a funding-history tape stands in for it from its
/// funding time on), liquidated USD
/// per side over a sliding event-time window (forceOrder), and from Binance's 5-minute statistics (futuresMetrics) the
/// global long/short account ratio, its change and the open-interest change against the period 5 minutes before (null
/// when that period is not there: a gap is not a change). Pure and single-threaded: the live <see cref="MarketInputsActor"/>
/// and a replay fold the same events the same way, and each change comes out with its event time.
/// </summary>
public sealed class MarketInputsBook(long liquidationWindowMs = MarketInputsBook.DefaultLiquidationWindowMs)
{
    public const long DefaultLiquidationWindowMs = 5 * 60_000;
    public const long MetricsPeriodMs = 5 * 60_000;

    private readonly Dictionary<string, MarketInputs> _inputs = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Queue<Liquidation>> _liquidations = new(StringComparer.Ordinal);
    private readonly Dictionary<string, FeedEvent.FuturesMetricsEvent> _lastMetrics = new(StringComparer.Ordinal);
    private readonly HashSet<string> _markPriced = new(StringComparer.Ordinal); // symbols with a markPrice stream: its predicted rate wins

    private sealed record Liquidation(long TimeMs, bool LongLiquidated, double Usd);

    /// <summary>The symbol's inputs after <paramref name="e"/> with its event time; null when the event is not an input or changed nothing.</summary>
    public MarketInputsUpdated? Apply(FeedEvent e) => e switch
    {
        FeedEvent.MarkPriceEvent m => OnMarkPrice(m),
        FeedEvent.FundingSettledEvent f => _markPriced.Contains(f.Symbol) ? null : Update(f.Symbol, Get(f.Symbol) with { FundingRate = (double)f.FundingRate }, f.FundingTimeMs),
        FeedEvent.LiquidationEvent l => OnLiquidation(l),
        FeedEvent.FuturesMetricsEvent m => OnMetrics(m),
        _ => null,
    };

    /// <summary>A polled positioning sample (live), applied as of <paramref name="timeMs"/> (0: at once).</summary>
    public MarketInputsUpdated? Apply(string symbol, SentimentSample s, long timeMs) => Update(symbol, Get(symbol) with
    {
        LongShortRatio = s.LongShortRatio,
        LongShortRatioChangePct = s.LongShortRatioChangePct,
        OpenInterestChangePct = s.OpenInterestChangePct,
    }, timeMs);

    private MarketInputsUpdated? OnMarkPrice(FeedEvent.MarkPriceEvent m)
    {
        _markPriced.Add(m.Symbol);
        return Update(m.Symbol, Get(m.Symbol) with { FundingRate = (double)m.FundingRate }, m.EventTimeMs);
    }

    private MarketInputs Get(string symbol) => _inputs.TryGetValue(symbol, out var i) ? i : MarketInputs.Empty;

    private MarketInputsUpdated? OnMetrics(FeedEvent.FuturesMetricsEvent m)
    {
        var previous = _lastMetrics.TryGetValue(m.Symbol, out var p) && p.EventTimeMs == m.EventTimeMs - MetricsPeriodMs ? p : null;
        _lastMetrics[m.Symbol] = m;
        return Update(m.Symbol, Get(m.Symbol) with
        {
            LongShortRatio = m.GlobalAccountRatio is { } r ? (double)r : null,
            LongShortRatioChangePct = SentimentSample.ChangePct(previous?.GlobalAccountRatio, m.GlobalAccountRatio),
            OpenInterestChangePct = SentimentSample.ChangePct(previous?.SumOpenInterest, m.SumOpenInterest),
        }, m.EventTimeMs);
    }

    private MarketInputsUpdated? OnLiquidation(FeedEvent.LiquidationEvent l)
    {
        if (!_liquidations.TryGetValue(l.Symbol, out var window))
        {
            window = new Queue<Liquidation>();
            _liquidations[l.Symbol] = window;
        }

        window.Enqueue(new Liquidation(l.TimeMs, l.IsSell, (double)(l.AveragePrice > 0 ? l.AveragePrice : l.Price) * (double)l.Quantity));
        while (window.Count > 0 && window.Peek().TimeMs <= l.TimeMs - liquidationWindowMs)
        {
            window.Dequeue();
        }

        double longUsd = 0, shortUsd = 0;
        foreach (var x in window)
        {
            if (x.LongLiquidated)
            {
                longUsd += x.Usd;
            }
            else
            {
                shortUsd += x.Usd;
            }
        }

        return Update(l.Symbol, Get(l.Symbol) with { LiquidatedLongUsd = longUsd, LiquidatedShortUsd = shortUsd }, l.TimeMs);
    }

    private MarketInputsUpdated? Update(string symbol, MarketInputs inputs, long timeMs)
    {
        if (_inputs.TryGetValue(symbol, out var old) && old == inputs)
        {
            return null;
        }

        _inputs[symbol] = inputs;
        return new MarketInputsUpdated(symbol, inputs, timeMs);
    }
}
