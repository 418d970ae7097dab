using System.Security.Claims;
using Arbitrage.Node.Auth;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.FileProviders;

namespace Arbitrage.Node.Dashboard;

/// <summary>
/// The web dashboard: a small static front end (wwwroot/, plain ES modules + the vendored libraries) served by the node
/// itself at <c>/</c>, <c>/symbol</c>, <c>/risk</c>, <c>/login</c> and <c>/register</c>; the browser session under <c>/ui/session</c>
/// (see <see cref="DashboardCookies"/>); a CSRF guard for every state-changing request authenticated by the session
/// cookie; and a strict Content-Security-Policy (no inline script or style) on every dashboard response. The API is
/// unchanged: it still enforces the roles, the cookie is just another way to present the same access token.
/// </summary>
public static class DashboardEndpoints
{
    /// <summary>No inline script or style; everything from this origin (the SSE stream and the API included).</summary>
    public const string ContentSecurityPolicy =
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; font-src 'self'; " +
        "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

    /// <summary>The pages: each is the same shell, whose script renders the page its path names.</summary>
    public static readonly IReadOnlyList<string> Pages = ["/", "/symbol", "/signals", "/trades", "/funding", "/triangles", "/risk", "/reports", "/audit", "/admin"];

    private static readonly string[] UnsafeMethods = ["POST", "PUT", "PATCH", "DELETE"];

    public static IServiceCollection AddDashboard(this IServiceCollection services)
    {
        services.AddSingleton<DashboardCookies>();

        // The bearer handler takes the access token from the session cookie when the request has no Authorization header.
        services.PostConfigure<JwtBearerOptions>(JwtBearerDefaults.AuthenticationScheme, jwt =>
        {
            jwt.Events ??= new JwtBearerEvents();
            var previous = jwt.Events.OnMessageReceived;
            jwt.Events.OnMessageReceived = async context =>
            {
                await previous(context).ConfigureAwait(false);
                if (context.Token is null && !context.Request.Headers.ContainsKey("Authorization")
                    && context.Request.Cookies[DashboardCookies.Session] is { Length: > 0 } token)
                {
                    context.Token = token;
                }
            };
        });
        return services;
    }

    /// <summary>Security headers, the CSRF guard, static files, the pages and the session endpoints.</summary>
    public static WebApplication MapDashboard(this WebApplication app)
    {
        var cookies = app.Services.GetRequiredService<DashboardCookies>();
        app.Use(async (http, next) =>
        {
            var path = http.Request.Path;
            if (!path.StartsWithSegments("/api") && !path.StartsWithSegments("/metrics") && !path.StartsWithSegments("/openapi"))
            {
                var headers = http.Response.Headers;
                headers.ContentSecurityPolicy = ContentSecurityPolicy;
                headers.XContentTypeOptions = "nosniff";
                headers.XFrameOptions = "DENY";
                headers["Referrer-Policy"] = "no-referrer";
            }

            if (UnsafeMethods.Contains(http.Request.Method, StringComparer.OrdinalIgnoreCase)
                && !http.Request.Headers.ContainsKey("Authorization")
                && (http.Request.Cookies.ContainsKey(DashboardCookies.Session) || http.Request.Cookies.ContainsKey(DashboardCookies.Refresh))
                && !path.Equals("/ui/session/login", StringComparison.OrdinalIgnoreCase)
                && !cookies.CsrfValid(http.Request))
            {
                await Results.Problem(
                    statusCode: StatusCodes.Status403Forbidden,
                    detail: $"CSRF check failed: a request authenticated by the session cookie must send the {DashboardCookies.Csrf} cookie's value in the {DashboardCookies.CsrfHeader} header")
                    .ExecuteAsync(http).ConfigureAwait(false);
                return;
            }

            await next(http).ConfigureAwait(false);
        });

        var root = new PhysicalFileProvider(Path.Combine(AppContext.BaseDirectory, "wwwroot"));
        app.UseStaticFiles(new StaticFileOptions
        {
            FileProvider = root,
            OnPrepareResponse = file => file.Context.Response.Headers.CacheControl = "no-cache",
        });

        foreach (var page in Pages)
        {
            app.MapGet(page, () => Page(root, "app.html")).AllowAnonymous().ExcludeFromDescription();
        }

        app.MapGet("/login", () => Page(root, "login.html")).AllowAnonymous().ExcludeFromDescription();
        app.MapGet("/register", () => Page(root, "register.html")).AllowAnonymous().ExcludeFromDescription();

        app.MapGet(DashboardCookies.SessionPath, Describe).RequireAuthorization(AuthPolicies.Viewer).ExcludeFromDescription();
        var session = app.MapGroup(DashboardCookies.SessionPath).WithMetadata(new RequestSizeLimitAttribute(AuthEndpoints.BodyLimitBytes)).ExcludeFromDescription();
        session.MapPost("/login", LoginAsync).AllowAnonymous();
        session.MapPost("/refresh", RefreshAsync).AllowAnonymous();
        session.MapPost("/logout", LogoutAsync).AllowAnonymous();
        return app;
    }

    /// <summary>Who is logged in, and when the access token in the cookie expires (the page refreshes before).</summary>
    public sealed record SessionResponse(string Username, string Role, DateTimeOffset ExpiresAt);

    private static IResult Page(IFileProvider root, string name)
    {
        var file = root.GetFileInfo(name);
        return file.Exists
            ? Results.Stream(file.CreateReadStream(), "text/html; charset=utf-8")
            : Results.Problem(statusCode: StatusCodes.Status404NotFound, detail: $"dashboard file wwwroot/{name} is missing from this build");
    }

    private static IResult Describe(ClaimsPrincipal user)
    {
        var exp = long.TryParse(user.FindFirstValue("exp"), out var seconds) ? DateTimeOffset.FromUnixTimeSeconds(seconds) : DateTimeOffset.UtcNow;
        return Results.Ok(new SessionResponse(user.FindFirstValue(AuthClaims.Name) ?? string.Empty, user.FindFirstValue(AuthClaims.Role) ?? string.Empty, exp));
    }

    private static async Task<IResult> LoginAsync(
        AuthEndpoints.LoginRequest? body, HttpContext http, AuthStore store, AuthOptions options, AccessTokens tokens, LoginThrottle throttle,
        IPasswordHasher<AuthUser> hasher, DashboardCookies cookies, CancellationToken ct) =>
        Established(http, cookies, await AuthEndpoints.LoginAsync(body, http, store, options, tokens, throttle, hasher, ct).ConfigureAwait(false));

    private static async Task<IResult> RefreshAsync(HttpContext http, AuthStore store, AuthOptions options, AccessTokens tokens, DashboardCookies cookies, CancellationToken ct)
    {
        if (http.Request.Cookies[DashboardCookies.Refresh] is not { Length: > 0 } refresh)
        {
            return Results.Problem(statusCode: StatusCodes.Status401Unauthorized, detail: $"no session: the {DashboardCookies.Refresh} cookie is missing; log in");
        }

        var result = await AuthEndpoints.RefreshAsync(new AuthEndpoints.RefreshRequest(refresh), store, options, tokens, ct).ConfigureAwait(false);
        if (result is not Ok<AuthEndpoints.TokenResponse>)
        {
            cookies.Clear(http);
        }

        return Established(http, cookies, result);
    }

    private static async Task<IResult> LogoutAsync(HttpContext http, AuthStore store, AuthOptions options, DashboardCookies cookies, CancellationToken ct)
    {
        if (http.Request.Cookies[DashboardCookies.Refresh] is { Length: > 0 } refresh)
        {
            await AuthEndpoints.LogoutAsync(new AuthEndpoints.RefreshRequest(refresh), store, options, ct).ConfigureAwait(false);
        }

        cookies.Clear(http);
        return Results.NoContent();
    }

    private static IResult Established(HttpContext http, DashboardCookies cookies, IResult result)
    {
        if (result is not Ok<AuthEndpoints.TokenResponse> { Value: { } tokens })
        {
            return result;
        }

        cookies.Issue(http, tokens);
        return Results.Ok(new SessionResponse(tokens.Username, tokens.Role, tokens.ExpiresAt));
    }
}
