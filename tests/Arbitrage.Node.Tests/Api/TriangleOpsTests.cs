using System.Net;
using Akka.Actor;
using Arbitrage.Engine.Triangles;
using Arbitrage.Node.Auth;

namespace Arbitrage.Node.Tests.Api;

/// <summary>
/// <c>POST /api/ops/triangles/{id}/enable|disable</c> (operator, audited): the node's keeper re-sends the venue's
/// configs with the config switched, so its detector stops or resumes it; a repeat says "already"; an unknown id is a 404.
/// </summary>
[Collection(ApiHostCollection.Name)]
public sealed class TriangleOpsTests(ApiHost host)
{
    private async Task<bool> EnabledAtTheDetectorAsync() =>
        Assert.Single((await host.TriangleRegion.Ask<ConfigureTriangles>(new GetLastConfigure("api-venue"), TimeSpan.FromSeconds(5))).Configs).Enabled;

    [Fact]
    public async Task An_operator_disables_and_enables_a_triangle_config_at_its_detector_and_each_command_is_audited()
    {
        async Task<string> PostAsync(string path)
        {
            using var r = await host.SendAsync(HttpMethod.Post, path, host.Tokens[Roles.Operator]);
            Assert.Equal(HttpStatusCode.OK, r.StatusCode);
            return (await ApiHost.JsonAsync(r)).GetProperty("detail").GetString()!;
        }

        Assert.Equal("triangle config tri_api on api-venue disabled", await PostAsync("/api/ops/triangles/tri_api/disable"));
        Assert.False(await EnabledAtTheDetectorAsync());
        Assert.Equal("triangle config tri_api already disabled", await PostAsync("/api/ops/triangles/tri_api/disable"));
        Assert.Equal("triangle config tri_api on api-venue enabled", await PostAsync("/api/ops/triangles/tri_api/enable"));
        Assert.True(await EnabledAtTheDetectorAsync());

        using var viewer = await host.SendAsync(HttpMethod.Post, "/api/ops/triangles/tri_api/disable", host.Tokens[Roles.Viewer]);
        Assert.Equal(HttpStatusCode.Forbidden, viewer.StatusCode);
        Assert.True(await EnabledAtTheDetectorAsync());
        await ApiHost.EventuallyAsync(async () => await host.ScalarAsync("SELECT COUNT(*) FROM read_audit WHERE command = 'triangle.disable'") >= 2,
            "the two disable commands in the audit log");
    }
}
