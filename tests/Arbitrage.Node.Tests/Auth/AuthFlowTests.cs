using System.Net;
using System.Net.Http.Json;
using Arbitrage.Node.Auth;
using Arbitrage.Node.Tests.Api;

namespace Arbitrage.Node.Tests.Auth;

[Collection(ApiHostCollection.Name)]
public sealed class AuthFlowTests(ApiHost host)
{
    private async Task<HttpResponseMessage> RefreshAsync(string token) =>
        await host.SendAsync(HttpMethod.Post, "/api/auth/refresh", body: new { refreshToken = token });

    [Fact]
    public async Task Refresh_tokens_rotate_and_a_reused_one_revokes_the_whole_family()
    {
        var (_, login) = await host.NewUserAsync(Roles.Viewer);
        var r1 = login.RefreshToken;

        using var first = await RefreshAsync(r1);
        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        var r2 = (await first.Content.ReadFromJsonAsync<AuthEndpoints.TokenResponse>())!;
        Assert.NotEqual(r1, r2.RefreshToken);
        using (var me = await host.SendAsync(HttpMethod.Get, "/api/me", r2.AccessToken))
        {
            Assert.Equal(HttpStatusCode.OK, me.StatusCode);
        }

        using var second = await RefreshAsync(r2.RefreshToken);
        Assert.Equal(HttpStatusCode.OK, second.StatusCode);
        var r3 = (await second.Content.ReadFromJsonAsync<AuthEndpoints.TokenResponse>())!.RefreshToken;

        // r1 again: reuse. Everything of this login is revoked, including the newest token.
        using (var reuse = await RefreshAsync(r1))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, reuse.StatusCode);
        }

        using (var after = await RefreshAsync(r3))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, after.StatusCode);
        }
    }

    [Fact]
    public async Task Access_tokens_of_a_family_revoked_for_reuse_stop_working_at_once_and_other_logins_keep_theirs()
    {
        var (name, login) = await host.NewUserAsync(Roles.Operator);
        using var other = await host.SendAsync(HttpMethod.Post, "/api/auth/login", body: new { username = name, password = ApiHost.Password });
        var otherLogin = (await other.Content.ReadFromJsonAsync<AuthEndpoints.TokenResponse>())!;
        using var rotated = await RefreshAsync(login.RefreshToken);
        var next = (await rotated.Content.ReadFromJsonAsync<AuthEndpoints.TokenResponse>())!;
        foreach (var token in new[] { login.AccessToken, next.AccessToken, otherLogin.AccessToken })
        {
            using var ok = await host.SendAsync(HttpMethod.Get, "/api/me", token);
            Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        }

        // The first refresh token again (a stolen copy): the family is revoked, and with it every access token issued from it.
        using (var reuse = await RefreshAsync(login.RefreshToken))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, reuse.StatusCode);
        }

        foreach (var token in new[] { login.AccessToken, next.AccessToken })
        {
            using var revoked = await host.SendAsync(HttpMethod.Post, "/api/ops/resume", token);
            Assert.Equal(HttpStatusCode.Unauthorized, revoked.StatusCode);
            Assert.Equal("application/problem+json", revoked.Content.Headers.ContentType?.MediaType);
        }

        // The same user's other login session is not touched.
        using var untouched = await host.SendAsync(HttpMethod.Get, "/api/me", otherLogin.AccessToken);
        Assert.Equal(HttpStatusCode.OK, untouched.StatusCode);
    }

    [Fact]
    public async Task Logout_revokes_the_access_tokens_of_its_session_too()
    {
        var (_, login) = await host.NewUserAsync(Roles.Viewer);
        using (var logout = await host.SendAsync(HttpMethod.Post, "/api/auth/logout", body: new { refreshToken = login.RefreshToken }))
        {
            Assert.Equal(HttpStatusCode.NoContent, logout.StatusCode);
        }

        using var me = await host.SendAsync(HttpMethod.Get, "/api/me", login.AccessToken);
        Assert.Equal(HttpStatusCode.Unauthorized, me.StatusCode);
    }

    [Fact]
    public async Task Logout_revokes_the_refresh_token_and_unknown_tokens_are_refused()
    {
        var (_, login) = await host.NewUserAsync(Roles.Viewer);
        using (var logout = await host.SendAsync(HttpMethod.Post, "/api/auth/logout", body: new { refreshToken = login.RefreshToken }))
        {
            Assert.Equal(HttpStatusCode.NoContent, logout.StatusCode);
        }

        using (var refresh = await RefreshAsync(login.RefreshToken))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, refresh.StatusCode);
        }

        using var unknown = await RefreshAsync("made-up-token");
        Assert.Equal(HttpStatusCode.Unauthorized, unknown.StatusCode);
    }

    [Fact]
    public async Task An_invite_registers_exactly_one_user_and_the_bootstrap_invite_is_spent()
    {
        var code = await host.InviteAsync(Roles.Viewer);
        var name = "inv" + Guid.NewGuid().ToString("N")[..10];
        await host.RegisterAsync(code, name);

        using (var again = await host.TryRegisterAsync(code, name + "x"))
        {
            Assert.Equal(HttpStatusCode.BadRequest, again.StatusCode);
            Assert.True((await ApiHost.JsonAsync(again)).GetProperty("errors").TryGetProperty("inviteCode", out _));
        }

        using (var boot = await host.TryRegisterAsync(host.BootstrapInvite, "second-admin"))
        {
            Assert.Equal(HttpStatusCode.BadRequest, boot.StatusCode);
        }

        Assert.Equal(0, await host.ScalarAsync($"SELECT COUNT(*) FROM auth_users WHERE username IN ('{name}x', 'second-admin')"));
    }

    [Fact]
    public async Task A_taken_username_is_409_and_leaves_the_invite_usable()
    {
        var code = await host.InviteAsync(Roles.Viewer);
        using (var taken = await host.TryRegisterAsync(code, "admin"))
        {
            Assert.Equal(HttpStatusCode.Conflict, taken.StatusCode);
        }

        await host.RegisterAsync(code, "fresh" + Guid.NewGuid().ToString("N")[..10]);
    }

    [Fact]
    public async Task Wrong_password_is_401_and_the_stored_hash_is_not_the_password()
    {
        var (name, _) = await host.NewUserAsync(Roles.Viewer);
        using var wrong = await host.SendAsync(HttpMethod.Post, "/api/auth/login", body: new { username = name, password = "wrong password here" });
        Assert.Equal(HttpStatusCode.Unauthorized, wrong.StatusCode);
        Assert.Equal(0, await host.ScalarAsync($"SELECT COUNT(*) FROM auth_users WHERE password_hash LIKE '%{ApiHost.Password}%'"));
    }

    [Fact]
    public async Task A_banned_user_loses_access_at_once_and_cannot_log_in_or_refresh()
    {
        var (name, login) = await host.NewUserAsync(Roles.Operator);
        using (var ban = await host.SendAsync(HttpMethod.Post, $"/api/admin/users/{name}/ban", host.Tokens[Roles.Admin]))
        {
            Assert.Equal(HttpStatusCode.NoContent, ban.StatusCode);
        }

        using (var me = await host.SendAsync(HttpMethod.Get, "/api/me", login.AccessToken))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, me.StatusCode);
        }

        using (var again = await host.SendAsync(HttpMethod.Post, "/api/auth/login", body: new { username = name, password = ApiHost.Password }))
        {
            Assert.Equal(HttpStatusCode.Forbidden, again.StatusCode);
        }

        using var refresh = await RefreshAsync(login.RefreshToken);
        Assert.Equal(HttpStatusCode.Unauthorized, refresh.StatusCode);
    }

    [Fact]
    public async Task A_role_change_invalidates_tokens_carrying_the_old_role()
    {
        var (name, login) = await host.NewUserAsync(Roles.Operator);
        using (var set = await host.SendAsync(HttpMethod.Put, $"/api/admin/users/{name}/role", host.Tokens[Roles.Admin], new { role = "viewer" }))
        {
            Assert.Equal(HttpStatusCode.OK, set.StatusCode);
        }

        using (var old = await host.SendAsync(HttpMethod.Post, "/api/ops/resume", login.AccessToken))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, old.StatusCode);
        }

        var fresh = await host.LoginAsync(name);
        Assert.Equal(Roles.Viewer, fresh.Role);
        using var denied = await host.SendAsync(HttpMethod.Post, "/api/ops/resume", fresh.AccessToken);
        Assert.Equal(HttpStatusCode.Forbidden, denied.StatusCode);
    }

    [Fact]
    public async Task Users_list_shows_roles_and_never_hashes()
    {
        using var response = await host.SendAsync(HttpMethod.Get, "/api/admin/users", host.Tokens[Roles.Admin]);
        var text = await response.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("\"username\":\"admin\"", text);
        Assert.DoesNotContain("hash", text, StringComparison.OrdinalIgnoreCase);
    }
}

/// <summary>Its own host: a tight login limit.</summary>
public sealed class LoginThrottleTests
{
    [Fact]
    public async Task Repeated_logins_for_one_username_from_one_ip_get_429_with_retry_after()
    {
        var host = ApiHost.With(new Dictionary<string, string?> { ["Auth:LoginPermitsPerMinute"] = "3" });
        await host.InitializeAsync();
        try
        {
            for (var i = 0; i < 3; i++)
            {
                using var wrong = await host.SendAsync(HttpMethod.Post, "/api/auth/login", body: new { username = "victim", password = "guess number " + i });
                Assert.Equal(HttpStatusCode.Unauthorized, wrong.StatusCode);
            }

            using (var limited = await host.SendAsync(HttpMethod.Post, "/api/auth/login", body: new { username = "victim", password = "guess number 4" }))
            {
                Assert.Equal(HttpStatusCode.TooManyRequests, limited.StatusCode);
                Assert.True(limited.Headers.RetryAfter is not null);
            }

            using var other = await host.SendAsync(HttpMethod.Post, "/api/auth/login", body: new { username = "someone", password = "guess number 1" });
            Assert.Equal(HttpStatusCode.Unauthorized, other.StatusCode);
        }
        finally
        {
            await host.DisposeAsync();
        }
    }
}
