using System.Net;
using Arbitrage.Engine.Triangles;
using Arbitrage.Node.Auth;

namespace Arbitrage.Node.Tests.Api;

/// <summary><c>GET /api/triangles</c> over the projected triangle episodes (the node's projections, its SQLite read model).</summary>
[Collection(ApiHostCollection.Name)]
public sealed class TriangleReadTests(ApiHost host)
{
    [Fact]
    public async Task Open_and_recent_episodes_and_per_cycle_counts_and_best_returns_are_served_to_viewers()
    {
        var venue = "v" + Guid.NewGuid().ToString("N")[..8];
        await host.PersistAsync(TriangleActor.Tag,
            new TriangleEpisodeOpened(venue, "tri", "USD>BTC>ETH", "USD", 1000, 1_000, 0.001),
            new TriangleEpisodeClosed(venue, "tri", "USD>BTC>ETH", "USD", 1000, 1_000, 3_000, 4, 0.002, 2_000, TriangleEpisodeEnd.BelowMinimum),
            new TriangleEpisodeOpened(venue, "tri", "USD>BTC>ETH", "USD", 1000, 5_000, 0.0015),
            new TriangleEpisodeOpened(venue, "tri", "USD>ETH>BTC", "USD", 1000, 6_000, 0.0007));

        System.Text.Json.JsonElement body = default;
        await ApiHost.EventuallyAsync(async () =>
        {
            using var r = await host.SendAsync(HttpMethod.Get, $"/api/triangles?venue={venue}&limit=2", host.Tokens[Roles.Viewer]);
            body = await ApiHost.JsonAsync(r);
            return r.StatusCode == HttpStatusCode.OK && body.GetProperty("open").GetArrayLength() == 2;
        }, "projected triangle episodes");

        var open = body.GetProperty("open");
        Assert.Equal(5_000, open[0].GetProperty("startMs").GetInt64());
        Assert.Equal(System.Text.Json.JsonValueKind.Null, open[0].GetProperty("endMs").ValueKind);
        var recent = body.GetProperty("recent");
        Assert.Equal(2, recent.GetArrayLength()); // limit 2 of 3, newest start first
        Assert.Equal(6_000, recent[0].GetProperty("startMs").GetInt64());
        var cycles = body.GetProperty("cycles");
        Assert.Equal(2, cycles.GetArrayLength());
        Assert.Equal("USD>BTC>ETH", cycles[0].GetProperty("cycle").GetString());
        Assert.Equal(2, cycles[0].GetProperty("episodes").GetInt64());
        Assert.Equal(0.002, cycles[0].GetProperty("bestNetReturn").GetDouble());
        Assert.Equal(2_000, cycles[0].GetProperty("bestMs").GetInt64());

        using var all = await host.SendAsync(HttpMethod.Get, "/api/triangles?limit=500", host.Tokens[Roles.Viewer]);
        var closed = (await ApiHost.JsonAsync(all)).GetProperty("recent").EnumerateArray()
            .Single(e => e.GetProperty("venue").GetString() == venue && e.GetProperty("startMs").GetInt64() == 1_000);
        Assert.Equal(3_000, closed.GetProperty("endMs").GetInt64());
        Assert.Equal(4, closed.GetProperty("evaluations").GetInt32());
        Assert.Equal("BelowMinimum", closed.GetProperty("endedBy").GetString());
    }
}
