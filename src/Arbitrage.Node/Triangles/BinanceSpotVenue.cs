using Arbitrage.Binance.Rest;
using Arbitrage.Binance.Rest.Models;

namespace Arbitrage.Node.Triangles;

/// <summary>Binance spot as a triangle venue (<c>binance-spot</c>): its pairs from <c>GET /api/v3/exchangeInfo</c> (status TRADING).</summary>
public sealed class BinanceSpotVenue(BinanceRestClient client) : ITriangleVenuePairs
{
    /// <summary>The <c>venue</c> of a triangle config that Binance spot feeds.</summary>
    public const string Name = Engine.Triangles.Execution.Live.BinanceSpotTriangleAccount.Venue;

    /// <summary>The pairs that trade now (exchangeInfo weight 20); throws with Binance's error when it does not answer.</summary>
    public async Task<IReadOnlyList<SpotPair>> TradingPairsAsync(CancellationToken ct)
    {
        var info = await client.Spot.GetExchangeInfoAsync(null, ct).ConfigureAwait(false);
        return info.Success
            ? info.Data!.Trading
            : throw new InvalidOperationException($"spot exchangeInfo ({client.Options.SpotRestBaseUrl}) failed: {info.Error}");
    }

    public async Task<IReadOnlyList<string>?> PairsAsync(string venue, CancellationToken ct)
    {
        if (venue != Name) return null;
        var pairs = await TradingPairsAsync(ct).ConfigureAwait(false);
        return pairs.Select(p => p.Name).Order(StringComparer.Ordinal).ToArray();
    }
}
