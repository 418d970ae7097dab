using Arbitrage.Binance.Rest;
using Arbitrage.Binance.Rest.Models;
using Arbitrage.Core.Execution;

namespace Arbitrage.Engine.Execution.Live;

/// <summary>
/// Leverage and margin type the account must have on each traded symbol (configuration <c>Execution</c>):
/// a default for every symbol and per-symbol overrides.
/// </summary>
public sealed record AccountSettings(
    IReadOnlyList<string> Symbols,
    int Leverage = AccountSettings.DefaultLeverage,
    MarginType MarginType = MarginType.Isolated,
    IReadOnlyDictionary<string, int>? LeverageBySymbol = null,
    IReadOnlyDictionary<string, MarginType>? MarginTypeBySymbol = null)
{
    public const int DefaultLeverage = 5;

    public int LeverageOf(string symbol) => LeverageBySymbol?.GetValueOrDefault(symbol) is { } l and > 0 ? l : Leverage;

    public MarginType MarginTypeOf(string symbol) => MarginTypeBySymbol?.TryGetValue(symbol, out var m) == true ? m : MarginType;

    /// <summary>Binance's spelling in positionRisk: <c>isolated</c> / <c>cross</c>.</summary>
    public static string Wire(MarginType type) => type == MarginType.Isolated ? "isolated" : "cross";
}

/// <summary>Why the account is not fit to trade <paramref name="Symbol"/> (<c>*</c>: any symbol), with a stable <paramref name="Code"/>.</summary>
public sealed record AccountProblem(string Symbol, RejectCode Code, string Reason)
{
    public const string AnySymbol = "*";

    public override string ToString() => $"{Symbol}: {Reason} ({Code.Code()})";
}

/// <summary>The outcome of <see cref="LiveAccountSetup.ApplyAsync"/>: empty <see cref="Problems"/> = ready.</summary>
public sealed record AccountCheck(IReadOnlyList<AccountProblem> Problems)
{
    public bool Ok => Problems.Count == 0;

    /// <summary>The problem that blocks <paramref name="symbol"/>, if any (account-wide problems block every symbol).</summary>
    public AccountProblem? Blocking(string symbol) =>
        Problems.FirstOrDefault(p => p.Symbol == AccountProblem.AnySymbol || string.Equals(p.Symbol, symbol, StringComparison.Ordinal));
}

/// <summary>
/// Puts the account in the state the executor assumes, then checks it: one-way position mode (set when the
/// account is in hedge mode and holds no position), leverage (<c>POST /fapi/v1/leverage</c>) and margin type
/// (<c>POST /fapi/v1/marginType</c>, -4046 "no need to change" is success) per symbol, then reads them back
/// from <c>positionRisk</c>. Nothing is assumed: a value the exchange reports differently is a problem.
/// </summary>
public static class LiveAccountSetup
{
    public const RejectCode HedgeMode = RejectCode.HedgeMode;
    public const RejectCode LeverageMismatch = RejectCode.LeverageMismatch;
    public const RejectCode MarginTypeMismatch = RejectCode.MarginTypeMismatch;
    public const RejectCode SetFailed = RejectCode.AccountSettingFailed;
    public const RejectCode Unverified = RejectCode.AccountUnverified;
    public const RejectCode NotReported = RejectCode.AccountNotReported;

    public static async Task<AccountCheck> ApplyAsync(BinanceRestClient rest, AccountSettings settings, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(rest);
        ArgumentNullException.ThrowIfNull(settings);
        var problems = new List<AccountProblem>();
        var account = rest.Account;

        var dual = await account.GetHedgeModeAsync(ct).ConfigureAwait(false);
        if (!dual.Success)
        {
            problems.Add(new(AccountProblem.AnySymbol, Unverified, $"position mode could not be read (GET /fapi/v1/positionSide/dual: {dual.Error})"));
        }
        else if (dual.Data)
        {
            var set = await account.SetHedgeModeAsync(false, ct).ConfigureAwait(false);
            var again = set.Success ? await account.GetHedgeModeAsync(ct).ConfigureAwait(false) : default;
            if (!set.Success || !again.Success || again.Data)
            {
                problems.Add(new(AccountProblem.AnySymbol, HedgeMode,
                    $"the account is in hedge mode and could not be switched to one-way mode ({(set.Success ? again.Error?.ToString() ?? "still hedge mode" : set.Error.ToString())}): switch it to one-way in the exchange's settings"));
            }
        }

        foreach (var symbol in settings.Symbols)
        {
            var leverage = settings.LeverageOf(symbol);
            var lev = await account.SetLeverageAsync(symbol, leverage, ct).ConfigureAwait(false);
            if (!lev.Success) problems.Add(new(symbol, SetFailed, $"setting leverage {leverage} failed: {lev.Error}"));
            var type = settings.MarginTypeOf(symbol);
            var mt = await account.SetMarginTypeAsync(symbol, type, ct).ConfigureAwait(false);
            if (!mt.Success) problems.Add(new(symbol, SetFailed, $"setting margin type {AccountSettings.Wire(type)} failed: {mt.Error}"));
        }

        var risk = await account.GetPositionRiskAsync(null, ct).ConfigureAwait(false);
        if (!risk.Success)
        {
            problems.Add(new(AccountProblem.AnySymbol, Unverified, $"leverage and margin type could not be verified (positionRisk: {risk.Error})"));
            return new AccountCheck(problems);
        }

        foreach (var symbol in settings.Symbols)
        {
            var rows = risk.Data.Where(p => string.Equals(p.Symbol, symbol, StringComparison.Ordinal)).ToArray();
            if (rows.Length == 0)
            {
                problems.Add(new(symbol, NotReported, "positionRisk has no row for this symbol: leverage and margin type unverified"));
                continue;
            }

            var wantLeverage = settings.LeverageOf(symbol);
            var wantType = AccountSettings.Wire(settings.MarginTypeOf(symbol));
            foreach (var row in rows)
            {
                if (row.Leverage != wantLeverage)
                    problems.Add(new(symbol, LeverageMismatch, $"leverage is {row.Leverage}, configured {wantLeverage}"));
                if (!string.Equals(row.MarginType, wantType, StringComparison.OrdinalIgnoreCase))
                    problems.Add(new(symbol, MarginTypeMismatch, $"margin type is {row.MarginType ?? "unknown"}, configured {wantType}"));
                if (row.PositionSide != "BOTH")
                    problems.Add(new(AccountProblem.AnySymbol, HedgeMode, $"positionRisk reports position side {row.PositionSide}: the account is not in one-way mode"));
            }
        }

        return new AccountCheck(problems.Distinct().ToArray());
    }
}

/// <summary>A gateway that must prepare and verify the account before the executor may trade (live).</summary>
public interface IAccountPreparingGateway
{
    /// <summary>Sets and verifies position mode, leverage and margin type; the problems found (none = ready).</summary>
    Task<AccountCheck> PrepareAccountAsync(CancellationToken ct = default);
}
