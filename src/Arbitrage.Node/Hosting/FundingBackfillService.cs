using Arbitrage.Engine.Funding;

namespace Arbitrage.Node.Hosting;

/// <summary>
/// Keeps <c>funding_history</c> filled from REST <c>fundingRate</c> for the traded symbols: at start (the
/// last 400 days on first run, then resuming after the newest stored settlement) and every hour after.
/// Idempotent and resumable, so a restart or a failed page costs nothing but a retry.
/// </summary>
public sealed class FundingBackfillService(ExchangeConnection exchange, FundingStore store, ILogger<FundingBackfillService> log) : BackgroundService
{
    private const string EveryText = "1 h";
    private static readonly TimeSpan Every = TimeSpan.FromHours(1);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var backfill = new FundingHistoryBackfill(store, new BinanceFundingHistorySource(exchange.PublicClient.ExchangeData));
        using var timer = new PeriodicTimer(Every);
        do
        {
            var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
            foreach (var symbol in exchange.Symbols)
            {
                try
                {
                    var result = await backfill.RunAsync(symbol, now - (400L * 86_400_000), now, now, stoppingToken).ConfigureAwait(false);
                    if (result.Error is not null)
                    {
                        log.LogWarning(
                            "Funding history backfill of {Symbol} from {Exchange} stopped after {Rows} new row(s): {Error}. Trading is not affected; funding statistics (/api/stats, /api/history) miss the settlements not stored yet. Next attempt in {Every}; if it keeps failing, check that the node reaches the exchange's REST API (Exchange:RestUrl).",
                            symbol, exchange.Describe(), result.Rows, result.Error.TrimEnd('.'), EveryText);
                    }
                    else
                    {
                        log.LogInformation("Funding history of {Symbol}: {Rows} new settlement(s) in {Pages} page(s)", symbol, result.Rows, result.Pages);
                    }
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    log.LogWarning(e, "Funding history backfill of {Symbol} from {Exchange} failed; trading is not affected, next attempt in {Every}", symbol, exchange.Describe(), EveryText);
                }
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false));
    }
}
