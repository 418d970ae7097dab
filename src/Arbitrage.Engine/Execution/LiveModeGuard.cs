using Arbitrage.Binance.Rest.Models;

namespace Arbitrage.Engine.Execution;

/// <summary>What live mode is about to trade with.</summary>
/// <param name="ConfirmProduction">The explicit setting an operator must set to trade real money on production URLs.</param>
public sealed record LiveModeOptions(string? ApiKey, string? ApiSecret, Uri UsdmRestBaseUrl, bool ConfirmProduction);

/// <summary>
/// Refuses live trading that an operator would not want by accident: no keys, a key that may withdraw,
/// or production Binance without an explicit confirmation. Pure; call it before any order is possible.
/// </summary>
public static class LiveModeGuard
{
    private static readonly string[] ProductionHosts = ["fapi.binance.com", "api.binance.com", "dapi.binance.com"];

    /// <summary>Null when live mode may start; otherwise every reason it may not, each naming what to change.</summary>
    /// <param name="restrictions">The key's apiRestrictions (null = not fetched yet: checked after keys are present).</param>
    public static IReadOnlyList<string>? Check(LiveModeOptions options, ApiRestrictions? restrictions)
    {
        ArgumentNullException.ThrowIfNull(options);
        var errors = new List<string>();
        if (string.IsNullOrWhiteSpace(options.ApiKey) || string.IsNullOrWhiteSpace(options.ApiSecret))
            errors.Add("live mode needs ARB__Exchange__ApiKey and ARB__Exchange__ApiSecret (from the environment or user secrets)");
        else if (restrictions is null)
            errors.Add("the API key's restrictions (GET /sapi/v1/account/apiRestrictions) could not be read; refusing to trade blind");
        else
        {
            if (restrictions.EnableWithdrawals)
                errors.Add("the API key has withdrawals enabled: create a key without withdrawal permission");
            if (!restrictions.EnableFutures)
                errors.Add("the API key cannot trade futures: enable futures on the key");
        }

        if (IsProduction(options.UsdmRestBaseUrl) && !options.ConfirmProduction)
            errors.Add($"{options.UsdmRestBaseUrl} is Binance production: set ARB__Exchange__ConfirmProduction=true to trade real money");
        return errors.Count == 0 ? null : errors;
    }

    public static bool IsProduction(Uri url) =>
        ProductionHosts.Contains(url.Host, StringComparer.OrdinalIgnoreCase);
}
