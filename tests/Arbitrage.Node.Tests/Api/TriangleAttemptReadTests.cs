using System.Net;
using System.Text.Json;
using Arbitrage.Core.Triangles;
using Arbitrage.Core.Triangles.Execution;
using Arbitrage.Engine.Triangles.Execution;
using Arbitrage.Node.Auth;

namespace Arbitrage.Node.Tests.Api;

/// <summary><c>GET /api/triangles/attempts</c> over the projected attempt journals (the node's projections, its SQLite read model).</summary>
[Collection(ApiHostCollection.Name)]
public sealed class TriangleAttemptReadTests(ApiHost host)
{
    private const long T0 = 1_700_000_000_000;

    private static TriangleAttemptStarted Started(string attemptId, string venue, long timeMs)
    {
        var universe = TriangleUniverse.Create(
            new[] { "BTC/USDT", "ETH/BTC", "ETH/USDT" }.Select(s => TradingPair.TryParse(s, out var p) ? p : null!), [("USDT", 100.0)]);
        var cycle = CycleSpec.Of(universe, universe.Cycles.Single(c => c.Id == "USDT>BTC>ETH"));
        var books = new TriangleBookSet()
            .Set("BTC/USDT", new PairBook([new(49990, 1)], [new(50000, 1)], timeMs))
            .Set("ETH/BTC", new PairBook([new(0.0499, 10)], [new(0.05, 10)], timeMs))
            .Set("ETH/USDT", new PairBook([new(2550, 10)], [new(2551, 10)], timeMs));
        var settings = new TriangleExecutionSettings();
        var plan = CyclePlanner.Plan(cycle, books, 100m, 0.001, settings, 0.001m, timeMs, 5000).Value!;
        return new TriangleAttemptStarted(attemptId, venue, cycle, plan, 0.001, TriangleAttemptPolicy.From(settings), 1m, timeMs);
    }

    [Fact]
    public async Task Attempts_in_flight_and_ended_are_served_to_viewers_newest_first()
    {
        var venue = "v" + Guid.NewGuid().ToString("N")[..8];
        var ended = new TriangleAttemptResult($"{venue}-a1", venue, "USDT>BTC>ETH", "USDT", TriangleAttemptOutcome.Unwound, T0, T0 + 40,
            100m, 99.7m, -0.3m, -0.3m, 0.2m, 1.5, 1, [12], new Dictionary<string, decimal>(), "leg 2 expired; unwound");
        await host.PersistAsync(TriangleAttemptActor.Tag,
            Started($"{venue}-a1", venue, T0),
            new TriangleAttemptEnded($"{venue}-a1", ended, T0 + 40),
            Started($"{venue}-a2", venue, T0 + 1_000));

        JsonElement body = default;
        await ApiHost.EventuallyAsync(async () =>
        {
            using var r = await host.SendAsync(HttpMethod.Get, $"/api/triangles/attempts?venue={venue}", host.Tokens[Roles.Viewer]);
            body = await ApiHost.JsonAsync(r);
            return r.StatusCode == HttpStatusCode.OK && body.GetArrayLength() == 2 && body[1].GetProperty("outcome").ValueKind == JsonValueKind.String;
        }, "projected triangle attempts");

        var (inFlight, done) = (body[0], body[1]);
        Assert.Equal(($"{venue}-a2", T0 + 1_000, JsonValueKind.Null), (inFlight.GetProperty("attemptId").GetString(), inFlight.GetProperty("startMs").GetInt64(), inFlight.GetProperty("outcome").ValueKind));
        Assert.Equal(("unwound", "99.7", "-0.3", 1), (done.GetProperty("outcome").GetString(), done.GetProperty("endAmount").GetString(), done.GetProperty("pnlUsd").GetString(), done.GetProperty("legsFilled").GetInt32()));
        Assert.Equal(("USDT>BTC>ETH", "USDT", T0 + 40), (done.GetProperty("cycle").GetString(), done.GetProperty("startAsset").GetString(), done.GetProperty("endMs").GetInt64()));
        Assert.Equal("leg 2 expired; unwound", done.GetProperty("detail").GetString());

        using var limited = await host.SendAsync(HttpMethod.Get, $"/api/triangles/attempts?venue={venue}&limit=1", host.Tokens[Roles.Viewer]);
        Assert.Equal(1, (await ApiHost.JsonAsync(limited)).GetArrayLength());
        using var bad = await host.SendAsync(HttpMethod.Get, "/api/triangles/attempts?limit=0", host.Tokens[Roles.Viewer]);
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        using var anonymous = await host.SendAsync(HttpMethod.Get, "/api/triangles/attempts", token: null);
        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
    }
}
