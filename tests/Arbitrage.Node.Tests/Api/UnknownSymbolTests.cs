using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using Arbitrage.Node.Auth;

namespace Arbitrage.Node.Tests.Api;

/// <summary>
/// A viewer asking a real node (offline demo: the in-process simulator over a tape of BTCUSD_PERP) about 20 symbols
/// it does not trade gets 20 problems naming them, and the node opens nothing for them: the simulator sees no new
/// stream subscription or session, and the <c>symbol</c> shard region holds no new entity.
/// </summary>
[Collection(ProbedNodeCollection.Name)]
public sealed partial class UnknownSymbolTests(ProbedNode probed)
{
    [Fact]
    public async Task Twenty_unknown_symbols_are_404_and_open_no_feed_and_no_entity()
    {
        var health = await probed.Http.GetFromJsonAsync<JsonElement>("/api/health");
        var simulator = SimulatorUrl().Match(health.GetProperty("exchange").GetString()!);
        Assert.True(simulator.Success, "no simulator in " + health);
        using var sim = new HttpClient { BaseAddress = new Uri(simulator.Groups[1].Value), Timeout = TimeSpan.FromSeconds(10) };
        var before = await sim.GetFromJsonAsync<JsonElement>("/sim/state");
        var entitiesBefore = await SymbolEntitiesAsync();
        Assert.Equal(["BTCUSD_PERP"], entitiesBefore);

        for (var i = 0; i < 20; i++)
        {
            var symbol = $"ZZPROBE{i}";
            foreach (var path in new[] { $"/api/indicators/{symbol}", $"/api/indicators/{symbol.ToLowerInvariant()}", $"/api/stream?topics=indicators&symbol={symbol}" })
            {
                using var response = await probed.SendAsync(HttpMethod.Get, path, Roles.Viewer);
                Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
                Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
                var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
                Assert.Contains($"{symbol} is not configured", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
                Assert.Equal(["BTCUSD_PERP"], problem.GetProperty("configured").EnumerateArray().Select(s => s.GetString()));
            }
        }

        // The configured symbol still answers.
        using (var known = await probed.SendAsync(HttpMethod.Get, "/api/indicators/BTCUSD_PERP", Roles.Viewer))
        {
            Assert.Equal(HttpStatusCode.OK, known.StatusCode);
        }

        var after = await sim.GetFromJsonAsync<JsonElement>("/sim/state");
        Assert.Equal(Streams(before), Streams(after));
        Assert.DoesNotContain(Streams(after), s => s.Contains("zzprobe", StringComparison.OrdinalIgnoreCase));
        Assert.Equal(before.GetProperty("sessions").GetInt32(), after.GetProperty("sessions").GetInt32());
        Assert.Equal(entitiesBefore, await SymbolEntitiesAsync());
    }

    private static string[] Streams(JsonElement state) => state.GetProperty("streams").EnumerateArray().Select(s => s.GetString()!).ToArray();

    /// <summary>The entity ids of the <c>symbol</c> shard region (<c>/api/diag/shards</c>, admin).</summary>
    private async Task<string[]> SymbolEntitiesAsync()
    {
        using var response = await probed.SendAsync(HttpMethod.Get, "/api/diag/shards", Roles.Admin);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var region = (await response.Content.ReadFromJsonAsync<JsonElement>()).EnumerateArray().Single(t => t.GetProperty("typeName").GetString() == "symbol");
        return region.GetProperty("localShards").EnumerateArray().SelectMany(s => s.GetProperty("entityIds").EnumerateArray()).Select(e => e.GetString()!).Order(StringComparer.Ordinal).ToArray();
    }

    [GeneratedRegex(@"simulator (http://127\.0\.0\.1:[0-9]+)")]
    private static partial Regex SimulatorUrl();
}
