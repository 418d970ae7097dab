using System.Globalization;
using System.Text.Json;
using Arbitrage.Core.Triangles;

namespace Arbitrage.Binance.Tests.Tapes;

/// <summary>
/// A plain order book for checking the tape readers: sorted dictionaries of decimal levels set by snapshot and diff
/// texts (quantity 0 removes), written independently of LocalOrderBook and BookSynchronizer.
/// </summary>
internal sealed class IndependentBook
{
    private readonly SortedDictionary<decimal, decimal> _bids = new(Comparer<decimal>.Create(static (a, b) => b.CompareTo(a)));
    private readonly SortedDictionary<decimal, decimal> _asks = new();

    public void Snapshot(JsonElement bids, JsonElement asks)
    {
        _bids.Clear();
        _asks.Clear();
        Apply(bids, asks);
    }

    public void Apply(JsonElement bids, JsonElement asks)
    {
        Set(_bids, bids);
        Set(_asks, asks);
    }

    public BookLevel[] Bids(int max) => Top(_bids, max);

    public BookLevel[] Asks(int max) => Top(_asks, max);

    private static void Set(SortedDictionary<decimal, decimal> side, JsonElement levels)
    {
        foreach (var l in levels.EnumerateArray())
        {
            var price = decimal.Parse(l[0].GetString()!, CultureInfo.InvariantCulture);
            var qty = decimal.Parse(l[1].GetString()!, CultureInfo.InvariantCulture);
            if (qty == 0m)
            {
                side.Remove(price);
            }
            else
            {
                side[price] = qty;
            }
        }
    }

    private static BookLevel[] Top(SortedDictionary<decimal, decimal> side, int max) =>
        side.Take(max).Select(static kv => new BookLevel((double)kv.Key, (double)kv.Value)).ToArray();
}
