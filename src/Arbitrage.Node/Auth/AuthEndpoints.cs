using System.Security.Claims;
using System.Text.RegularExpressions;
using Arbitrage.Node.Api.Read;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;

namespace Arbitrage.Node.Auth;

/// <summary>
/// <c>/api/auth/*</c> (register by invite, login, refresh, logout), <c>GET /api/me</c> and the admin
/// endpoints under <c>/api/admin</c> (invites, users, ban, role).
/// </summary>
public static partial class AuthEndpoints
{
    /// <summary>Auth bodies are tiny; anything larger is refused before it is read.</summary>
    public const long BodyLimitBytes = 4 * 1024;

    public sealed record RegisterRequest(string? InviteCode, string? Username, string? Password);

    public sealed record LoginRequest(string? Username, string? Password);

    public sealed record RefreshRequest(string? RefreshToken);

    public sealed record InviteRequest(string? Role, int? ExpiresHours);

    public sealed record RoleRequest(string? Role);

    public sealed record UserResponse(string Id, string Username, string Role, bool Banned, DateTimeOffset CreatedAt);

    public sealed record MeResponse(string Id, string Username, string Role);

    public sealed record InviteResponse(string Code, string Role, DateTimeOffset ExpiresAt);

    public sealed record TokenResponse(
        string AccessToken,
        string TokenType,
        long ExpiresIn,
        DateTimeOffset ExpiresAt,
        string RefreshToken,
        DateTimeOffset RefreshExpiresAt,
        string Username,
        string Role);

    public static IEndpointRouteBuilder MapAuthEndpoints(this IEndpointRouteBuilder app)
    {
        var limit = new RequestSizeLimitAttribute(BodyLimitBytes);
        var auth = app.MapGroup("/api/auth").AllowAnonymous().WithMetadata(limit);
        auth.MapPost("/register", RegisterAsync).WithName("Register");
        auth.MapPost("/login", LoginAsync).WithName("Login");
        auth.MapPost("/refresh", RefreshAsync).WithName("Refresh");
        auth.MapPost("/logout", LogoutAsync).WithName("Logout");

        app.MapGet("/api/me", (ClaimsPrincipal user) => Results.Ok(new MeResponse(
            user.FindFirstValue(AuthClaims.Subject) ?? string.Empty,
            user.FindFirstValue(AuthClaims.Name) ?? string.Empty,
            user.FindFirstValue(AuthClaims.Role) ?? string.Empty))).RequireAuthorization(AuthPolicies.Viewer).WithName("Me");

        var admin = app.MapGroup("/api/admin").RequireAuthorization(AuthPolicies.Admin).WithMetadata(limit);
        admin.MapPost("/invites", CreateInviteAsync).WithName("CreateInvite");
        admin.MapGet("/users", ListUsersAsync).WithName("ListUsers");
        admin.MapPost("/users/{username}/ban", (string username, ClaimsPrincipal me, AuthStore store, CancellationToken ct) => SetBannedAsync(username, true, me, store, ct)).WithName("BanUser");
        admin.MapPost("/users/{username}/unban", (string username, ClaimsPrincipal me, AuthStore store, CancellationToken ct) => SetBannedAsync(username, false, me, store, ct)).WithName("UnbanUser");
        admin.MapPut("/users/{username}/role", SetRoleAsync).WithName("SetUserRole");
        return app;
    }

    internal static string? NormalizeUsername(string? username)
    {
        var u = username?.Trim().ToLowerInvariant();
        return u is not null && UsernamePattern().IsMatch(u) ? u : null;
    }

    private static async Task<IResult> RegisterAsync(RegisterRequest? body, AuthStore store, AuthOptions options, IPasswordHasher<AuthUser> hasher, CancellationToken ct)
    {
        if (body is null)
        {
            return FieldProblem.Of("body", "a JSON object {inviteCode, username, password} is required");
        }

        if (string.IsNullOrWhiteSpace(body.InviteCode) || body.InviteCode.Length > 200)
        {
            return FieldProblem.Of("inviteCode", "required");
        }

        var username = NormalizeUsername(body.Username);
        if (username is null)
        {
            return FieldProblem.Of("username", "3 to 32 characters: letters, digits, '.', '_' or '-'");
        }

        if (body.Password is null || body.Password.Length < 12 || body.Password.Length > 256)
        {
            return FieldProblem.Of("password", "12 to 256 characters");
        }

        await store.EnsureReadyAsync(options.BootstrapInvite, ct).ConfigureAwait(false);
        var hash = hasher.HashPassword(Placeholder, body.Password);
        var (outcome, user) = await store.RegisterAsync(body.InviteCode, username, hash, ct).ConfigureAwait(false);
        return outcome switch
        {
            RegisterOutcome.Registered => Results.Created("/api/me", new MeResponse(user!.Id, user.Username, user.Role)),
            RegisterOutcome.UsernameTaken => Results.Problem(statusCode: StatusCodes.Status409Conflict, detail: "username is taken"),
            _ => FieldProblem.Of("inviteCode", "unknown, expired or already used"),
        };
    }

    internal static async Task<IResult> LoginAsync(
        LoginRequest? body, HttpContext http, AuthStore store, AuthOptions options, AccessTokens tokens, LoginThrottle throttle, IPasswordHasher<AuthUser> hasher, CancellationToken ct)
    {
        if (body is null)
        {
            return FieldProblem.Of("body", "a JSON object {username, password} is required");
        }

        var username = NormalizeUsername(body.Username);
        if (username is null)
        {
            return FieldProblem.Of("username", "3 to 32 characters: letters, digits, '.', '_' or '-'");
        }

        if (string.IsNullOrEmpty(body.Password) || body.Password.Length > 256)
        {
            return FieldProblem.Of("password", "required, at most 256 characters");
        }

        var ip = http.Connection.RemoteIpAddress?.ToString() ?? "unknown";
        if (!throttle.TryAcquire(ip, username, out var retryAfter))
        {
            http.Response.Headers.RetryAfter = ((int)Math.Ceiling(retryAfter.TotalSeconds)).ToString(System.Globalization.CultureInfo.InvariantCulture);
            return Results.Problem(statusCode: StatusCodes.Status429TooManyRequests, detail: "too many login attempts; retry later");
        }

        await store.EnsureReadyAsync(options.BootstrapInvite, ct).ConfigureAwait(false);
        var user = await store.FindByUsernameAsync(username, ct).ConfigureAwait(false);

        // Verify against a dummy hash for unknown users too, so timing does not reveal who exists.
        var verdict = hasher.VerifyHashedPassword(user ?? Placeholder, user?.PasswordHash ?? DummyHash(hasher), body.Password);
        if (user is null || verdict == PasswordVerificationResult.Failed)
        {
            return Results.Problem(statusCode: StatusCodes.Status401Unauthorized, detail: "invalid username or password");
        }

        if (user.Banned)
        {
            return Results.Problem(statusCode: StatusCodes.Status403Forbidden, detail: "this account is banned");
        }

        if (verdict == PasswordVerificationResult.SuccessRehashNeeded)
        {
            await store.UpdatePasswordHashAsync(user.Id, hasher.HashPassword(user, body.Password), ct).ConfigureAwait(false);
        }

        var session = await store.IssueRefreshTokenAsync(user.Id, TimeSpan.FromDays(options.RefreshTokenDays), ct).ConfigureAwait(false);
        return Results.Ok(Respond(tokens, user, session));
    }

    internal static async Task<IResult> RefreshAsync(RefreshRequest? body, AuthStore store, AuthOptions options, AccessTokens tokens, CancellationToken ct)
    {
        if (body?.RefreshToken is not { Length: > 0 and <= 200 } presented)
        {
            return FieldProblem.Of("refreshToken", "required");
        }

        await store.EnsureReadyAsync(options.BootstrapInvite, ct).ConfigureAwait(false);
        var (outcome, user, next) = await store.RotateRefreshTokenAsync(presented, TimeSpan.FromDays(options.RefreshTokenDays), ct).ConfigureAwait(false);
        return outcome switch
        {
            RefreshOutcome.Rotated => Results.Ok(Respond(tokens, user!, next!)),
            RefreshOutcome.Reused => Results.Problem(statusCode: StatusCodes.Status401Unauthorized, detail: "refresh token already used: every session of this login is revoked"),
            _ => Results.Problem(statusCode: StatusCodes.Status401Unauthorized, detail: "invalid or expired refresh token"),
        };
    }

    internal static async Task<IResult> LogoutAsync(RefreshRequest? body, AuthStore store, AuthOptions options, CancellationToken ct)
    {
        if (body?.RefreshToken is not { Length: > 0 and <= 200 } presented)
        {
            return FieldProblem.Of("refreshToken", "required");
        }

        await store.EnsureReadyAsync(options.BootstrapInvite, ct).ConfigureAwait(false);
        await store.RevokeAsync(presented, ct).ConfigureAwait(false);
        return Results.NoContent();
    }

    private static async Task<IResult> CreateInviteAsync(InviteRequest? body, ClaimsPrincipal me, AuthStore store, AuthOptions options, CancellationToken ct)
    {
        if (body is null || !Roles.IsValid(body.Role))
        {
            return FieldProblem.Of("role", $"one of {string.Join(", ", Roles.All)}");
        }

        var hours = body.ExpiresHours ?? options.InviteHours;
        if (hours is < 1 or > 24 * 30)
        {
            return FieldProblem.Of("expiresHours", "1 to 720");
        }

        var (code, expires) = await store.CreateInviteAsync(body.Role!, me.FindFirstValue(AuthClaims.Name) ?? "?", TimeSpan.FromHours(hours), ct).ConfigureAwait(false);
        return Results.Created("/api/auth/register", new InviteResponse(code, body.Role!, DateTimeOffset.FromUnixTimeMilliseconds(expires)));
    }

    private static async Task<IResult> ListUsersAsync(AuthStore store, CancellationToken ct)
    {
        var users = await store.ListUsersAsync(ct).ConfigureAwait(false);
        return Results.Ok(users.Select(u => new UserResponse(u.Id, u.Username, u.Role, u.Banned, DateTimeOffset.FromUnixTimeMilliseconds(u.CreatedMs))).ToArray());
    }

    private static async Task<IResult> SetBannedAsync(string username, bool banned, ClaimsPrincipal me, AuthStore store, CancellationToken ct)
    {
        var name = NormalizeUsername(username);
        if (name is null)
        {
            return FieldProblem.Of("username", "not a valid username");
        }

        if (banned && name == me.FindFirstValue(AuthClaims.Name))
        {
            return FieldProblem.Of("username", "an admin cannot ban themself");
        }

        return await store.SetBannedAsync(name, banned, ct).ConfigureAwait(false)
            ? Results.NoContent()
            : Results.Problem(statusCode: StatusCodes.Status404NotFound, detail: $"no user '{name}'");
    }

    private static async Task<IResult> SetRoleAsync(string username, RoleRequest? body, ClaimsPrincipal me, AuthStore store, CancellationToken ct)
    {
        var name = NormalizeUsername(username);
        if (name is null)
        {
            return FieldProblem.Of("username", "not a valid username");
        }

        if (body is null || !Roles.IsValid(body.Role))
        {
            return FieldProblem.Of("role", $"one of {string.Join(", ", Roles.All)}");
        }

        if (name == me.FindFirstValue(AuthClaims.Name) && body.Role != Roles.Admin)
        {
            return FieldProblem.Of("username", "an admin cannot demote themself");
        }

        return await store.SetRoleAsync(name, body.Role!, ct).ConfigureAwait(false)
            ? Results.Ok(new { username = name, role = body.Role })
            : Results.Problem(statusCode: StatusCodes.Status404NotFound, detail: $"no user '{name}'");
    }

    private static TokenResponse Respond(AccessTokens tokens, AuthUser user, RefreshSession session)
    {
        // The access token names its refresh-token family: revoking the family (reuse, logout, ban) revokes it too.
        var (access, expiresAt) = tokens.Issue(user, session.FamilyId);
        return new TokenResponse(
            access, "Bearer", (long)tokens.Lifetime.TotalSeconds, expiresAt, session.Token, DateTimeOffset.FromUnixTimeMilliseconds(session.ExpiresMs), user.Username, user.Role);
    }

    private static readonly AuthUser Placeholder = new(string.Empty, string.Empty, string.Empty, Roles.Viewer, false, 0);
    private static string? _dummyHash;

    private static string DummyHash(IPasswordHasher<AuthUser> hasher) =>
        _dummyHash ??= hasher.HashPassword(Placeholder, Guid.NewGuid().ToString("N"));

    [GeneratedRegex("^[a-z0-9_.-]{3,32}$")]
    private static partial Regex UsernamePattern();
}
