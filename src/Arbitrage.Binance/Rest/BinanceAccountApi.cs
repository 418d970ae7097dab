using System.Text.Json;
using Arbitrage.Binance.Rest.Models;

namespace Arbitrage.Binance.Rest;

/// <summary>Balances, positions, account settings, API-key restrictions and the user-data listenKey.</summary>
public sealed class BinanceAccountApi
{
    private readonly BinanceRestTransport _t;

    internal BinanceAccountApi(BinanceRestTransport transport) => _t = transport;

    private Uri Fapi => _t.Options.UsdmRestBaseUrl;

    /// <summary><c>GET /fapi/v3/balance</c> (<paramref name="v2"/>: <c>/fapi/v2/balance</c>).</summary>
    public Task<BinanceResult<IReadOnlyList<AssetBalance>>> GetBalancesAsync(bool v2 = false, CancellationToken ct = default) =>
        _t.SendAsync(HttpMethod.Get, Fapi, v2 ? "/fapi/v2/balance" : "/fapi/v3/balance", new RestParameters(),
            Security.Signed, CallKind.Read, BinanceExchangeDataApi.ParseList<AssetBalance>, ct);

    /// <summary><c>GET /fapi/v2/positionRisk</c> (one-way mode: one row per symbol, side BOTH).</summary>
    public Task<BinanceResult<IReadOnlyList<PositionRisk>>> GetPositionRiskAsync(string? symbol = null, CancellationToken ct = default) =>
        _t.SendAsync(HttpMethod.Get, Fapi, "/fapi/v2/positionRisk", new RestParameters().Add("symbol", symbol),
            Security.Signed, CallKind.Read, BinanceExchangeDataApi.ParseList<PositionRisk>, ct);

    /// <summary><c>POST /fapi/v1/leverage</c>.</summary>
    public Task<BinanceResult<LeverageInfo>> SetLeverageAsync(string symbol, int leverage, CancellationToken ct = default) =>
        _t.SendAsync(HttpMethod.Post, Fapi, "/fapi/v1/leverage", new RestParameters().Add("symbol", symbol).Add("leverage", leverage),
            Security.Signed, CallKind.Read, b => JsonSerializer.Deserialize<LeverageInfo>(b, BinanceRestTransport.Json)!, ct);

    /// <summary><c>POST /fapi/v1/marginType</c>. "No need to change" (-4046) counts as success.</summary>
    public async Task<BinanceResult<bool>> SetMarginTypeAsync(string symbol, MarginType type, CancellationToken ct = default)
    {
        var r = await _t.SendAsync(HttpMethod.Post, Fapi, "/fapi/v1/marginType",
            new RestParameters().Add("symbol", symbol).Add("marginType", type == MarginType.Isolated ? "ISOLATED" : "CROSSED"),
            Security.Signed, CallKind.Read, _ => true, ct).ConfigureAwait(false);
        return !r.Success && r.Error.Code == -4046 ? true : r;
    }

    /// <summary><c>GET /fapi/v1/positionSide/dual</c>: true in hedge mode.</summary>
    public Task<BinanceResult<bool>> GetHedgeModeAsync(CancellationToken ct = default) =>
        _t.SendAsync(HttpMethod.Get, Fapi, "/fapi/v1/positionSide/dual", new RestParameters(), Security.Signed, CallKind.Read,
            b => { using var d = JsonDocument.Parse(b); return d.RootElement.GetProperty("dualSidePosition").GetBoolean(); }, ct);

    /// <summary><c>POST /fapi/v1/positionSide/dual</c>. "No need to change" (-4059) counts as success.</summary>
    public async Task<BinanceResult<bool>> SetHedgeModeAsync(bool hedge, CancellationToken ct = default)
    {
        var r = await _t.SendAsync(HttpMethod.Post, Fapi, "/fapi/v1/positionSide/dual", new RestParameters().Add("dualSidePosition", hedge),
            Security.Signed, CallKind.Read, _ => true, ct).ConfigureAwait(false);
        return !r.Success && r.Error.Code == -4059 ? true : r;
    }

    /// <summary><c>GET /sapi/v1/account/apiRestrictions</c> (spot host).</summary>
    public Task<BinanceResult<ApiRestrictions>> GetApiRestrictionsAsync(CancellationToken ct = default) =>
        _t.SendAsync(HttpMethod.Get, _t.Options.SpotRestBaseUrl, "/sapi/v1/account/apiRestrictions", new RestParameters(),
            Security.Signed, CallKind.Read, b => JsonSerializer.Deserialize<ApiRestrictions>(b, BinanceRestTransport.Json)!, ct);

    /// <summary><c>POST /fapi/v1/listenKey</c>: a new key, or the active one extended (valid 60 min).</summary>
    public Task<BinanceResult<string>> CreateListenKeyAsync(CancellationToken ct = default) =>
        _t.SendAsync(HttpMethod.Post, Fapi, "/fapi/v1/listenKey", new RestParameters(), Security.ApiKey, CallKind.Read, ParseListenKey, ct);

    /// <summary><c>PUT /fapi/v1/listenKey</c>: extends the key 60 min; -1125 (<see cref="BinanceErrorKind.ListenKeyNotFound"/>) means create a new one.</summary>
    public Task<BinanceResult<string>> KeepAliveListenKeyAsync(CancellationToken ct = default) =>
        _t.SendAsync(HttpMethod.Put, Fapi, "/fapi/v1/listenKey", new RestParameters(), Security.ApiKey, CallKind.Read, ParseListenKey, ct);

    /// <summary><c>DELETE /fapi/v1/listenKey</c>: closes the user-data stream.</summary>
    public Task<BinanceResult<bool>> CloseListenKeyAsync(CancellationToken ct = default) =>
        _t.SendAsync(HttpMethod.Delete, Fapi, "/fapi/v1/listenKey", new RestParameters(), Security.ApiKey, CallKind.Read, _ => true, ct);

    private static string ParseListenKey(byte[] body)
    {
        using var d = JsonDocument.Parse(body);
        return d.RootElement.TryGetProperty("listenKey", out var k) ? k.GetString() ?? "" : "";
    }
}
