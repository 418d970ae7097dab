using System.Net;
using System.Security.Cryptography;
using System.Text;
using Arbitrage.Node.Auth;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Arbitrage.Node.Tests.Api;

/// <summary>Every protected endpoint × anonymous and each role; tokens that must not pass.</summary>
[Collection(ApiHostCollection.Name)]
public sealed class AuthMatrixTests(ApiHost host)
{
    public static TheoryData<string, string, string> Endpoints() => new()
    {
        { "GET", "/api/me", Roles.Viewer },
        { "GET", "/api/signals", Roles.Viewer },
        { "GET", "/api/audit", Roles.Viewer },
        { "GET", "/api/triangles", Roles.Viewer },
        { "GET", "/api/triangles/attempts", Roles.Viewer },
        { "POST", "/api/ops/kill", Roles.Operator },
        { "POST", "/api/ops/resume", Roles.Operator },
        { "POST", "/api/ops/strategies/alpha/enable", Roles.Operator },
        { "POST", "/api/ops/strategies/alpha/disable", Roles.Operator },
        { "POST", "/api/ops/triangles/tri_api/enable", Roles.Operator },
        { "POST", "/api/admin/invites", Roles.Admin },
        { "GET", "/api/admin/users", Roles.Admin },
        { "POST", "/api/admin/users/nobody/ban", Roles.Admin },
        { "POST", "/api/admin/users/nobody/unban", Roles.Admin },
        { "PUT", "/api/admin/users/nobody/role", Roles.Admin },
    };

    private static object? BodyFor(string path) => path switch
    {
        "/api/ops/kill" => new { reason = "matrix" },
        "/api/admin/invites" => new { role = "viewer" },
        _ when path.EndsWith("/role", StringComparison.Ordinal) => new { role = "viewer" },
        _ => null,
    };

    [Theory]
    [MemberData(nameof(Endpoints))]
    public async Task Anonymous_gets_401_lower_roles_403_and_sufficient_roles_get_through(string method, string path, string minimum)
    {
        using (var anonymous = await host.SendAsync(new HttpMethod(method), path, body: BodyFor(path)))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        }

        var rank = Roles.All.ToList();
        foreach (var role in Roles.All)
        {
            using var response = await host.SendAsync(new HttpMethod(method), path, host.Tokens[role], BodyFor(path));
            if (rank.IndexOf(role) < rank.IndexOf(minimum))
            {
                Assert.True(response.StatusCode == HttpStatusCode.Forbidden, $"{role} {method} {path}: {response.StatusCode}");
            }
            else
            {
                Assert.True(
                    response.StatusCode is not (HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden) && (int)response.StatusCode < 500,
                    $"{role} {method} {path}: {response.StatusCode} {await response.Content.ReadAsStringAsync()}");
            }
        }
    }

    [Fact]
    public async Task Expired_forged_wrong_audience_wrong_issuer_and_garbage_tokens_get_401()
    {
        using var me = await host.SendAsync(HttpMethod.Get, "/api/me", host.Tokens[Roles.Admin]);
        var id = (await ApiHost.JsonAsync(me)).GetProperty("id").GetString()!;
        var family = new JsonWebToken(host.Tokens[Roles.Admin]).GetClaim(AuthClaims.Family).Value; // a live login session
        var key = new SymmetricSecurityKey(Encoding.UTF8.GetBytes(host.JwtKey));
        var now = DateTime.UtcNow;

        string Token(SecurityKey signingKey, string audience = "arbitrage-api", string issuer = "arbitrage", DateTime? expires = null, string? fam = "") =>
            new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
            {
                Issuer = issuer,
                Audience = audience,
                IssuedAt = (expires ?? now.AddMinutes(5)).AddMinutes(-15),
                NotBefore = (expires ?? now.AddMinutes(5)).AddMinutes(-15),
                Expires = expires ?? now.AddMinutes(5),
                SigningCredentials = new SigningCredentials(signingKey, SecurityAlgorithms.HmacSha256),
                Claims = fam is null
                    ? new Dictionary<string, object> { ["sub"] = id, ["name"] = "admin", ["role"] = Roles.Admin }
                    : new Dictionary<string, object> { ["sub"] = id, ["name"] = "admin", ["role"] = Roles.Admin, ["fam"] = fam.Length == 0 ? family : fam },
            });

        // The control: a well-formed token with the right key passes.
        using (var ok = await host.SendAsync(HttpMethod.Get, "/api/me", Token(key)))
        {
            Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        }

        var forgedKey = new SymmetricSecurityKey(RandomNumberGenerator.GetBytes(48));
        var bad = new Dictionary<string, string>
        {
            ["expired"] = Token(key, expires: now.AddMinutes(-5)),
            ["forged signature"] = Token(forgedKey),
            ["wrong audience"] = Token(key, audience: "someone-else"),
            ["wrong issuer"] = Token(key, issuer: "someone-else"),
            ["unsigned"] = new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
            {
                Issuer = "arbitrage", Audience = "arbitrage-api", Expires = now.AddMinutes(5),
                Claims = new Dictionary<string, object> { ["sub"] = id, ["name"] = "admin", ["role"] = Roles.Admin },
            }),
            ["garbage"] = "not.a.jwt",
            ["no login session"] = Token(key, fam: null),
            ["unknown login session"] = Token(key, fam: Guid.NewGuid().ToString("N")),
        };
        foreach (var (what, token) in bad)
        {
            using var response = await host.SendAsync(HttpMethod.Get, "/api/admin/users", token);
            Assert.True(response.StatusCode == HttpStatusCode.Unauthorized, $"{what}: {response.StatusCode}");
        }
    }
}
