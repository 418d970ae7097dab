using System.Text.Json;
using Arbitrage.Simulator.Exchange;

namespace Arbitrage.Simulator.Http;

/// <summary>Balances, positions, account settings, API restrictions and listenKeys.</summary>
public sealed class AccountEndpoints(SimulatorState state, RestPipeline pipeline)
{
    private SimExchange Exchange => state.Exchange;

    public void Map(IEndpointRouteBuilder app)
    {
        foreach (var v in new[] { "/fapi/v2/balance", "/fapi/v3/balance" })
            app.MapGet(v, pipeline.Endpoint(5, EndpointSecurity.Signed, _ => Answer.Ok(Balances())));
        foreach (var v in new[] { "/fapi/v2/positionRisk", "/fapi/v3/positionRisk" })
            app.MapGet(v, pipeline.Endpoint(5, EndpointSecurity.Signed, PositionRisk));
        foreach (var v in new[] { "/fapi/v2/account", "/fapi/v3/account" })
            app.MapGet(v, pipeline.Endpoint(5, EndpointSecurity.Signed, _ => Answer.Ok(AccountInfo())));
        app.MapPost("/fapi/v1/leverage", pipeline.Endpoint(1, EndpointSecurity.Signed, Leverage));
        app.MapPost("/fapi/v1/marginType", pipeline.Endpoint(1, EndpointSecurity.Signed, MarginType));
        app.MapGet("/fapi/v1/positionSide/dual", pipeline.Endpoint(30, EndpointSecurity.Signed, _ => Answer.Ok("{\"dualSidePosition\":false}")));
        app.MapPost("/fapi/v1/positionSide/dual", pipeline.Endpoint(1, EndpointSecurity.Signed, r =>
            r.Bool("dualSidePosition")
                ? Answer.Error(SimError.Rejected(-4068, "The simulator supports one-way position mode only."))
                : Answer.Error(SimError.Rejected(-4059, "No need to change position side."))));
        app.MapGet("/sapi/v1/account/apiRestrictions", pipeline.Endpoint(1, EndpointSecurity.Signed, _ => Answer.Ok(ApiRestrictions())));
        foreach (var prefix in new[] { "/fapi/v1", "/api/v3" })
        {
            app.MapPost(prefix + "/listenKey", pipeline.Endpoint(1, EndpointSecurity.ApiKey, _ => Answer.Ok($"{{\"listenKey\":\"{state.CreateListenKey()}\"}}")));
            app.MapPut(prefix + "/listenKey", pipeline.Endpoint(1, EndpointSecurity.ApiKey, _ =>
                state.KeepAliveListenKey() is { } key ? Answer.Ok($"{{\"listenKey\":\"{key}\"}}") : Answer.Error(SimError.ListenKeyMissing)));
            app.MapDelete(prefix + "/listenKey", pipeline.Endpoint(1, EndpointSecurity.ApiKey, _ =>
            {
                state.CloseListenKey();
                return Answer.Ok("{}");
            }));
        }
    }

    private string Balances() => JsonText.Write(w =>
    {
        var time = state.TapeNowMs;
        w.WriteStartArray();
        foreach (var asset in state.Options.InitialBalances.Keys.Order(StringComparer.Ordinal))
        {
            var wallet = Exchange.WalletBalance(asset);
            var unrealized = asset == "USDT" ? Exchange.Positions.Sum(p => Exchange.UnrealizedPnl(p.Symbol)) : 0m;
            var available = Exchange.AvailableBalance(asset);
            w.WriteStartObject();
            w.WriteString("accountAlias", "SimAccount");
            w.WriteString("asset", asset);
            w.Dec("balance", wallet);
            w.Dec("crossWalletBalance", wallet);
            w.Dec("crossUnPnl", unrealized);
            w.Dec("availableBalance", available);
            w.Dec("maxWithdrawAmount", Math.Max(0, Math.Min(wallet, available)));
            w.WriteBoolean("marginAvailable", true);
            w.WriteNumber("updateTime", time);
            w.WriteEndObject();
        }
        w.WriteEndArray();
    });

    private string AccountInfo() => JsonText.Write(w =>
    {
        var wallet = Exchange.WalletBalance();
        var unrealized = Exchange.Positions.Sum(p => Exchange.UnrealizedPnl(p.Symbol));
        w.WriteStartObject();
        w.Dec("totalWalletBalance", wallet);
        w.Dec("totalUnrealizedProfit", unrealized);
        w.Dec("totalMarginBalance", wallet + unrealized);
        w.Dec("availableBalance", Exchange.AvailableBalance());
        w.Dec("maxWithdrawAmount", Math.Max(0, Exchange.AvailableBalance()));
        w.WriteBoolean("canTrade", true);
        w.WriteBoolean("canDeposit", true);
        w.WriteBoolean("canWithdraw", state.Options.ApiRestrictions.EnableWithdrawals);
        w.WriteEndObject();
    });

    private Answer PositionRisk(BinanceRequest r)
    {
        var symbol = r.Get("symbol")?.ToUpperInvariant();
        lock (state.Sync)
        {
            var symbols = symbol is not null ? [symbol] : state.Symbols.Order(StringComparer.Ordinal).ToArray();
            return Answer.Ok(JsonText.Write(w =>
            {
                w.WriteStartArray();
                foreach (var s in symbols)
                {
                    if (state.Market(s) is not { } market) continue;
                    var p = Exchange.Position(s);
                    var mark = market.Mark ?? 0m;
                    w.WriteStartObject();
                    w.WriteString("symbol", s);
                    w.Dec("positionAmt", p.Amount);
                    w.Dec("entryPrice", p.EntryPrice);
                    w.Dec("breakEvenPrice", p.EntryPrice);
                    w.Dec("markPrice", mark);
                    w.Dec("unRealizedProfit", Exchange.UnrealizedPnl(s));
                    w.WriteString("liquidationPrice", "0");
                    w.WriteString("leverage", p.Leverage.ToString(System.Globalization.CultureInfo.InvariantCulture));
                    w.WriteString("maxNotionalValue", "1000000000");
                    w.WriteString("marginType", p.MarginType);
                    w.WriteString("isolatedMargin", "0");
                    w.WriteString("isAutoAddMargin", "false");
                    w.WriteString("positionSide", "BOTH");
                    w.Dec("notional", p.Amount * mark);
                    w.WriteString("isolatedWallet", "0");
                    w.WriteNumber("updateTime", p.UpdateTime);
                    w.WriteEndObject();
                }
                w.WriteEndArray();
            }));
        }
    }

    private Answer Leverage(BinanceRequest r)
    {
        var symbol = r.Symbol();
        var leverage = r.Long("leverage") ?? throw new SimRequestException(SimError.Mandatory("leverage"));
        if (leverage is < 1 or > 125) return Answer.Error(SimError.Rejected(-4028, $"Leverage {leverage} is not valid"));
        if (state.Market(symbol) is null) return Answer.Error(SimError.Rejected(-1121, "Invalid symbol."));
        var p = Exchange.SetLeverage(symbol, (int)leverage);
        return Answer.Ok(JsonText.Write(w =>
        {
            w.WriteStartObject();
            w.WriteNumber("leverage", p.Leverage);
            w.WriteString("maxNotionalValue", "1000000000");
            w.WriteString("symbol", symbol);
            w.WriteEndObject();
        }));
    }

    private Answer MarginType(BinanceRequest r)
    {
        var symbol = r.Symbol();
        var type = r.Required("marginType").ToUpperInvariant();
        if (type is not ("ISOLATED" or "CROSSED")) return Answer.Error(SimError.BadParameter("marginType"));
        if (state.Market(symbol) is null) return Answer.Error(SimError.Rejected(-1121, "Invalid symbol."));
        return Exchange.SetMarginType(symbol, type)
            ? Answer.Ok("{\"code\":200,\"msg\":\"success\"}")
            : Answer.Error(SimError.Rejected(-4046, "No need to change margin type."));
    }

    private string ApiRestrictions() => JsonText.Write(w =>
    {
        var a = state.Options.ApiRestrictions;
        w.WriteStartObject();
        w.WriteBoolean("ipRestrict", a.IpRestrict);
        w.WriteNumber("createTime", 1_700_000_000_000);
        w.WriteBoolean("enableReading", a.EnableReading);
        w.WriteBoolean("enableWithdrawals", a.EnableWithdrawals);
        w.WriteBoolean("enableInternalTransfer", false);
        w.WriteBoolean("enableMargin", false);
        w.WriteBoolean("enableFutures", a.EnableFutures);
        w.WriteBoolean("permitsUniversalTransfer", false);
        w.WriteBoolean("enableVanillaOptions", false);
        w.WriteBoolean("enableFixApiTrade", false);
        w.WriteBoolean("enableFixReadOnly", false);
        w.WriteBoolean("enableSpotAndMarginTrading", a.EnableSpotAndMarginTrading);
        w.WriteBoolean("enablePortfolioMarginTrading", false);
        w.WriteEndObject();
    });
}
