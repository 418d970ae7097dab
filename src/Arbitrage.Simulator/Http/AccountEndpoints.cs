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
        app.MapGet("/fapi/v2/positionRisk", pipeline.Endpoint(5, EndpointSecurity.Signed, r => PositionRisk(r, v3: false)));
        app.MapGet("/fapi/v3/positionRisk", pipeline.Endpoint(5, EndpointSecurity.Signed, r => PositionRisk(r, v3: true)));
        app.MapGet("/fapi/v2/account", pipeline.Endpoint(5, EndpointSecurity.Signed, _ => Answer.Ok(AccountInfo(v3: false))));
        app.MapGet("/fapi/v3/account", pipeline.Endpoint(5, EndpointSecurity.Signed, _ => Answer.Ok(AccountInfo(v3: true))));
        app.MapGet("/fapi/v1/leverageBracket", pipeline.Endpoint(1, EndpointSecurity.Signed, LeverageBracket));
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

    /// <summary>One maintenance bracket per symbol: up to 125×, 0.4 % maintenance margin (Binance's first BTCUSDT bracket).</summary>
    private const decimal MaintMarginRatio = 0.004m;
    private const decimal NotionalCap = 1_000_000_000m;

    /// <summary>
    /// <c>/fapi/v2/account</c> and <c>/fapi/v3/account</c> in Binance's shapes: totals, <c>assets</c> per wallet
    /// asset and <c>positions</c> (v2: every symbol with leverage and mode; v3: only symbols with a position).
    /// Open orders reserve no margin in the simulator, so the open-order margins are 0.
    /// </summary>
    private string AccountInfo(bool v3) => JsonText.Write(w =>
    {
        lock (state.Sync)
        {
            var wallet = Exchange.WalletBalance();
            var unrealized = Exchange.Positions.Sum(p => Exchange.UnrealizedPnl(p.Symbol));
            var available = Exchange.AvailableBalance();
            var symbols = state.Symbols.Order(StringComparer.Ordinal).ToArray();
            decimal initial = 0, maint = 0;
            foreach (var s in symbols)
            {
                var p = Exchange.Position(s);
                var notional = Math.Abs(p.Amount * (state.Market(s)?.Mark ?? 0m));
                initial += notional / p.Leverage;
                maint += notional * MaintMarginRatio;
            }
            w.WriteStartObject();
            if (!v3)
            {
                w.WriteNumber("feeTier", 0);
                w.WriteBoolean("canTrade", true);
                w.WriteBoolean("canDeposit", true);
                w.WriteBoolean("canWithdraw", state.Options.ApiRestrictions.EnableWithdrawals);
                w.WriteNumber("updateTime", 0);
                w.WriteBoolean("multiAssetsMargin", false);
                w.WriteNumber("tradeGroupId", -1);
            }
            w.Dec("totalInitialMargin", initial);
            w.Dec("totalMaintMargin", maint);
            w.Dec("totalWalletBalance", wallet);
            w.Dec("totalUnrealizedProfit", unrealized);
            w.Dec("totalMarginBalance", wallet + unrealized);
            w.Dec("totalPositionInitialMargin", initial);
            w.WriteString("totalOpenOrderInitialMargin", "0");
            w.Dec("totalCrossWalletBalance", wallet);
            w.Dec("totalCrossUnPnl", unrealized);
            w.Dec("availableBalance", available);
            w.Dec("maxWithdrawAmount", Math.Max(0, Math.Min(wallet, available)));
            w.WriteStartArray("assets");
            foreach (var asset in state.Options.InitialBalances.Keys.Order(StringComparer.Ordinal))
            {
                var usdt = asset == "USDT";
                var aw = Exchange.WalletBalance(asset);
                var au = usdt ? unrealized : 0m;
                var aa = Exchange.AvailableBalance(asset);
                w.WriteStartObject();
                w.WriteString("asset", asset);
                w.Dec("walletBalance", aw);
                w.Dec("unrealizedProfit", au);
                w.Dec("marginBalance", aw + au);
                w.Dec("maintMargin", usdt ? maint : 0m);
                w.Dec("initialMargin", usdt ? initial : 0m);
                w.Dec("positionInitialMargin", usdt ? initial : 0m);
                w.WriteString("openOrderInitialMargin", "0");
                w.Dec("crossWalletBalance", aw);
                w.Dec("crossUnPnl", au);
                w.Dec("availableBalance", aa);
                w.Dec("maxWithdrawAmount", Math.Max(0, Math.Min(aw, aa)));
                if (!v3) w.WriteBoolean("marginAvailable", true);
                w.WriteNumber("updateTime", state.TapeNowMs);
                w.WriteEndObject();
            }
            w.WriteEndArray();
            w.WriteStartArray("positions");
            foreach (var s in symbols)
            {
                var p = Exchange.Position(s);
                if (v3 && p.Amount == 0) continue;
                var mark = state.Market(s)?.Mark ?? 0m;
                var notional = p.Amount * mark;
                w.WriteStartObject();
                w.WriteString("symbol", s);
                w.WriteString("positionSide", "BOTH");
                w.Dec("positionAmt", p.Amount);
                w.Dec("unrealizedProfit", Exchange.UnrealizedPnl(s));
                w.WriteString("isolatedMargin", "0");
                w.Dec("notional", notional);
                w.WriteString("isolatedWallet", "0");
                w.Dec("initialMargin", Math.Abs(notional) / p.Leverage);
                w.Dec("maintMargin", Math.Abs(notional) * MaintMarginRatio);
                if (!v3)
                {
                    w.Dec("positionInitialMargin", Math.Abs(notional) / p.Leverage);
                    w.WriteString("openOrderInitialMargin", "0");
                    w.WriteString("leverage", p.Leverage.ToString(System.Globalization.CultureInfo.InvariantCulture));
                    w.WriteBoolean("isolated", p.MarginType == "isolated");
                    w.Dec("entryPrice", p.EntryPrice);
                    w.Dec("breakEvenPrice", p.EntryPrice);
                    w.Dec("maxNotional", NotionalCap);
                    w.WriteString("bidNotional", "0");
                    w.WriteString("askNotional", "0");
                }
                w.WriteNumber("updateTime", p.UpdateTime);
                w.WriteEndObject();
            }
            w.WriteEndArray();
            w.WriteEndObject();
        }
    });

    /// <summary>
    /// <c>/fapi/v1/leverageBracket</c>: an array of every symbol, or (with <c>symbol</c>) that symbol's object, as Binance answers.
    /// </summary>
    private Answer LeverageBracket(BinanceRequest r)
    {
        var symbol = r.Get("symbol")?.ToUpperInvariant();
        lock (state.Sync)
        {
            if (symbol is not null && state.Market(symbol) is null) return Answer.Error(SimError.Rejected(-1121, "Invalid symbol."));
            return Answer.Ok(JsonText.Write(w =>
            {
                if (symbol is not null)
                {
                    Bracket(w, symbol);
                    return;
                }
                w.WriteStartArray();
                foreach (var s in state.Symbols.Order(StringComparer.Ordinal)) Bracket(w, s);
                w.WriteEndArray();
            }));
        }

        static void Bracket(Utf8JsonWriter w, string symbol)
        {
            w.WriteStartObject();
            w.WriteString("symbol", symbol);
            w.WriteStartArray("brackets");
            w.WriteStartObject();
            w.WriteNumber("bracket", 1);
            w.WriteNumber("initialLeverage", 125);
            w.WriteNumber("notionalCap", NotionalCap);
            w.WriteNumber("notionalFloor", 0);
            w.WriteNumber("maintMarginRatio", MaintMarginRatio);
            w.WriteNumber("cum", 0);
            w.WriteEndObject();
            w.WriteEndArray();
            w.WriteEndObject();
        }
    }

    /// <summary>
    /// v2: one row per symbol with leverage and margin type; v3 (Binance 2024): only symbols with a position,
    /// with the margins instead of leverage and margin type.
    /// </summary>
    private Answer PositionRisk(BinanceRequest r, bool v3)
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
                    if (v3 && p.Amount == 0) continue;
                    var mark = market.Mark ?? 0m;
                    var notional = p.Amount * mark;
                    w.WriteStartObject();
                    w.WriteString("symbol", s);
                    if (v3) w.WriteString("positionSide", "BOTH");
                    w.Dec("positionAmt", p.Amount);
                    w.Dec("entryPrice", p.EntryPrice);
                    w.Dec("breakEvenPrice", p.EntryPrice);
                    w.Dec("markPrice", mark);
                    w.Dec("unRealizedProfit", Exchange.UnrealizedPnl(s));
                    w.WriteString("liquidationPrice", "0");
                    if (v3)
                    {
                        w.WriteString("isolatedMargin", "0");
                        w.Dec("notional", notional);
                        w.WriteString("marginAsset", "USDT");
                        w.WriteString("isolatedWallet", "0");
                        w.Dec("initialMargin", Math.Abs(notional) / p.Leverage);
                        w.Dec("maintMargin", Math.Abs(notional) * MaintMarginRatio);
                        w.Dec("positionInitialMargin", Math.Abs(notional) / p.Leverage);
                        w.WriteString("openOrderInitialMargin", "0");
                        w.WriteNumber("adl", 0);
                        w.WriteString("bidNotional", "0");
                        w.WriteString("askNotional", "0");
                    }
                    else
                    {
                        w.WriteString("leverage", p.Leverage.ToString(System.Globalization.CultureInfo.InvariantCulture));
                        w.WriteString("maxNotionalValue", "1000000000");
                        w.WriteString("marginType", p.MarginType);
                        w.WriteString("isolatedMargin", "0");
                        w.WriteString("isAutoAddMargin", "false");
                        w.WriteString("positionSide", "BOTH");
                        w.Dec("notional", notional);
                        w.WriteString("isolatedWallet", "0");
                    }
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
