using System.Globalization;
using Arbitrage.Simulator.Http;

namespace Arbitrage.Simulator.Control;

/// <summary>
/// <see cref="SimulatorControl"/> over HTTP for the standalone process (no auth: loopback only):
/// <c>POST /sim/control/drop-websockets[?stream=]</c> (all connections, or those carrying that stream), <c>latency?ms=</c>, <c>fail?kind=429|418|403|500|503&amp;count=&amp;path=&amp;retryAfter=&amp;afterAccept=</c>,
/// <c>clear-faults</c>, <c>depth-gap?symbol=</c>, <c>expire-listen-key</c>, <c>play</c>, <c>pause</c>,
/// <c>step?frames=</c>, <c>rewind?play=</c>, <c>hold-orders[?afterAccept=true&amp;skip=N]</c>, <c>release-orders</c>,
/// <c>expire-spot-listen-key</c>; <c>GET /sim/state</c> (with the spot balances and orders).
/// </summary>
public static class ControlEndpoints
{
    public static void Map(IEndpointRouteBuilder app, SimulatorState state, SimulatorControl control)
    {
        var g = app.MapGroup("/sim/control");
        g.MapPost("/drop-websockets", (string? stream) =>
            Results.Json(new { dropped = stream is null ? control.DropAllWebSockets() : control.DropWebSockets(stream) }));
        g.MapPost("/latency", (int ms) =>
        {
            control.Latency = TimeSpan.FromMilliseconds(ms);
            return Results.Json(new { latencyMs = ms });
        });
        g.MapPost("/fail", (string kind, int? count, string? path, int? retryAfter, bool? afterAccept) =>
        {
            FaultKind? k = kind switch
            {
                "429" => FaultKind.RateLimited, "418" => FaultKind.IpBanned, "403" => FaultKind.WafBlocked,
                "500" => FaultKind.ServerError, "503" => FaultKind.Unknown503, _ => null,
            };
            if (k is null) return Results.BadRequest(new { error = $"kind must be 429, 418, 403, 500 or 503, not '{kind}'" });
            control.FailNext(new FaultRule(k.Value, count ?? 1, path, retryAfter ?? 1, afterAccept ?? false));
            return Results.Json(new { queued = kind });
        });
        g.MapPost("/clear-faults", () => { control.ClearFaults(); return Results.Json(new { cleared = true }); });
        g.MapPost("/depth-gap", (string? symbol) => { control.ForceDepthGap(symbol); return Results.Json(new { gap = symbol ?? "any" }); });
        g.MapPost("/expire-listen-key", () => { control.ExpireListenKey(); return Results.Json(new { expired = true }); });
        g.MapPost("/expire-spot-listen-key", () => { control.ExpireSpotListenKey(); return Results.Json(new { expired = true }); });
        g.MapPost("/hold-orders", (bool? afterAccept, int? skip) =>
        {
            if (skip is < 0) return Results.BadRequest(new { error = $"skip must be ≥ 0, not {skip}" });
            control.HoldPlacements(afterAccept ?? false, skip ?? 0);
            return Results.Json(new { holding = true, afterAccept = afterAccept ?? false, skip = skip ?? 0 });
        });
        g.MapPost("/release-orders", () => { control.ReleasePlacements(); return Results.Json(new { holding = false }); });
        g.MapPost("/play", () => { control.Play(); return Results.Json(new { playing = true }); });
        g.MapPost("/pause", async () => { await control.PauseAsync(); return Results.Json(new { playing = false }); });
        g.MapPost("/step", (int? frames) => Results.Json(new { played = control.Step(frames ?? 1) }));
        g.MapPost("/rewind", async (bool? play) => { await control.RewindAsync(play ?? true); return Results.Json(new { rewound = true }); });
        app.MapGet("/sim/state", () => Results.Text(JsonText.Write(w =>
        {
            w.WriteStartObject();
            w.WriteNumber("tapeTimeMs", state.TapeNowMs);
            w.WriteNumber("position", state.Position);
            w.WriteNumber("frames", state.Frames.Length);
            w.WriteBoolean("playing", control.Player.IsPlaying);
            w.WriteNumber("sessions", state.Hub.SessionCount);
            var (streams, userData) = state.Hub.Subscriptions();
            w.WriteStartArray("streams");
            foreach (var stream in streams) w.WriteStringValue(stream);
            w.WriteEndArray();
            w.WriteNumber("userDataSessions", userData);
            w.WriteString("walletUSDT", state.Exchange.WalletBalance().ToString(CultureInfo.InvariantCulture));
            w.WriteNumber("orders", state.Exchange.Orders.Count);
            w.WriteNumber("heldPlacements", control.HeldPlacements);
            w.WriteNumber("spotOrders", state.Spot.Orders.Count);
            w.WriteStartObject("spotBalances");
            foreach (var b in state.Spot.Balances())
            {
                w.WriteStartObject(b.Asset);
                w.Dec("free", b.Free);
                w.Dec("locked", b.Locked);
                w.WriteEndObject();
            }
            w.WriteEndObject();
            w.WriteEndObject();
        }), "application/json"));
    }
}
