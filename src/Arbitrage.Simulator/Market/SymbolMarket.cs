using System.Globalization;
using System.Text.Json;
using Arbitrage.Simulator.Tape;

namespace Arbitrage.Simulator.Market;

/// <summary>What the tape has shown so far for one symbol: book, top of book, trades, mark price, funding.</summary>
public sealed class SymbolMarket(string symbol)
{
    public string Symbol { get; } = symbol;
    public OrderBook Book { get; } = new();
    public List<TradeTick> Trades { get; } = [];
    public List<SimFundingRate> Funding { get; } = [];

    public decimal? LastPrice { get; private set; }
    public decimal? BestBid { get; private set; }
    public decimal? BestAsk { get; private set; }

    public decimal? MarkPrice { get; private set; }
    public decimal? IndexPrice { get; private set; }
    public decimal? EstimatedSettlePrice { get; private set; }
    public decimal? FundingRate { get; private set; }
    public long? NextFundingTime { get; private set; }
    public long MarkTime { get; private set; }

    public void OnTrade(TradeTick t)
    {
        Trades.Add(t);
        LastPrice = t.Price;
    }

    public void OnBookTicker(JsonElement r)
    {
        BestBid = Dec(r, "b") ?? BestBid;
        BestAsk = Dec(r, "a") ?? BestAsk;
    }

    public void OnMarkPrice(JsonElement r, long time)
    {
        var next = r.TryGetProperty("T", out var t) && t.TryGetInt64(out var tl) ? tl : (long?)null;
        // A roll of the next funding time means the previous one settled at the rate shown until now.
        if (NextFundingTime is { } prev && next is { } n && n > prev && FundingRate is { } settled)
            Funding.Add(new SimFundingRate(Symbol, settled, prev, MarkPrice ?? 0m));
        MarkPrice = Dec(r, "p") ?? MarkPrice;
        IndexPrice = Dec(r, "i") ?? IndexPrice;
        EstimatedSettlePrice = Dec(r, "P") ?? EstimatedSettlePrice;
        FundingRate = Dec(r, "r") ?? FundingRate;
        NextFundingTime = next ?? NextFundingTime;
        MarkTime = time;
    }

    /// <summary>Mark price for PnL: the tape's mark price, else the last trade.</summary>
    public decimal? Mark => MarkPrice ?? LastPrice;

    public void Reset()
    {
        Book.Clear();
        Trades.Clear();
        Funding.Clear();
        LastPrice = BestBid = BestAsk = MarkPrice = IndexPrice = EstimatedSettlePrice = FundingRate = null;
        NextFundingTime = null;
        MarkTime = 0;
    }

    private static decimal? Dec(JsonElement r, string name) =>
        r.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String
            && decimal.TryParse(v.GetString(), NumberStyles.Float, CultureInfo.InvariantCulture, out var d) ? d : null;
}
