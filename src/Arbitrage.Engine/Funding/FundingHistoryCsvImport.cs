using Arbitrage.Core.Funding;

namespace Arbitrage.Engine.Funding;

/// <summary>Imports a funding CSV (<see cref="FundingRateHistoryCsv"/>) into <c>funding_history</c>; idempotent.</summary>
public static class FundingHistoryCsvImport
{
    /// <summary>Symbols are stored without separators (<c>ETH-USDT</c> → <c>ETHUSDT</c>), as the exchange names them.</summary>
    public static async Task<int> ImportAsync(FundingStore store, string path, TimeSpan sourceUtcOffset, CancellationToken ct = default)
    {
        var rows = FundingRateHistoryCsv.Read(path, sourceUtcOffset);
        var normalised = new List<FundingRateRecord>(rows.Count);
        foreach (var r in rows)
        {
            normalised.Add(r with { Symbol = NormaliseSymbol(r.Symbol) });
        }

        var n = 0;
        foreach (var chunk in normalised.Chunk(2000))
        {
            n += await store.UpsertConfirmedAsync(chunk, "csv", null, ct).ConfigureAwait(false);
        }

        return n;
    }

    public static string NormaliseSymbol(string symbol) =>
        symbol.Replace("-", "", StringComparison.Ordinal).Replace("_", "", StringComparison.Ordinal).Replace("/", "", StringComparison.Ordinal).ToUpperInvariant();
}
