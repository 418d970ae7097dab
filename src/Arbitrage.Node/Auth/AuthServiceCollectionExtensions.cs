using System.Security.Cryptography;
using System.Text;
using Arbitrage.Engine.Persistence;
using Arbitrage.Node.Api.Errors;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.IdentityModel.Tokens;

namespace Arbitrage.Node.Auth;

/// <summary>Registers users, tokens, JWT bearer validation and the role policies.</summary>
public static class AuthServiceCollectionExtensions
{
    /// <summary>
    /// Reads section <c>Auth</c> (<see cref="AuthOptions"/>). A missing <c>Auth:JwtKey</c> gets an ephemeral
    /// random key (Development only: <see cref="JwtKeyCheck"/> refuses it elsewhere at startup); a key
    /// shorter than 32 bytes throws here.
    /// </summary>
    public static IServiceCollection AddArbitrageAuth(this IServiceCollection services, IConfiguration configuration, Database database)
    {
        var options = configuration.GetSection(AuthOptions.Section).Get<AuthOptions>() ?? new AuthOptions();
        var keyError = JwtKeyCheck.Validate(options.JwtKey, isDevelopment: true);
        if (keyError is not null)
        {
            throw new InvalidOperationException(keyError);
        }

        var keyBytes = string.IsNullOrWhiteSpace(options.JwtKey)
            ? RandomNumberGenerator.GetBytes(64)
            : Encoding.UTF8.GetBytes(options.JwtKey);
        var key = new SymmetricSecurityKey(keyBytes) { KeyId = "arb-hs256" };

        services.TryAddSingleton(database);
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton(options);
        services.AddSingleton(sp => new AccessTokens(options, key, sp.GetRequiredService<TimeProvider>()));
        services.AddSingleton<AuthStore>();
        services.AddSingleton<LoginThrottle>();
        services.AddSingleton<IPasswordHasher<AuthUser>, PasswordHasher<AuthUser>>();
        services.AddHostedService<AuthStartup>();

        services.AddAuthentication(JwtBearerDefaults.AuthenticationScheme)
            .AddJwtBearer(jwt =>
            {
                jwt.MapInboundClaims = false;
                jwt.RequireHttpsMetadata = false;
                jwt.IncludeErrorDetails = false;
                jwt.TokenValidationParameters = new AccessTokens(options, key, TimeProvider.System).Validation;
                jwt.Events = new JwtBearerEvents { OnTokenValidated = CheckUserStillValidAsync, OnChallenge = AnswerOutageAsync };
            });

        services.AddAuthorizationBuilder()
            .AddPolicy(AuthPolicies.Viewer, p => p.RequireAuthenticatedUser().RequireRole(Roles.AtLeast(Roles.Viewer)))
            .AddPolicy(AuthPolicies.Operator, p => p.RequireAuthenticatedUser().RequireRole(Roles.AtLeast(Roles.Operator)))
            .AddPolicy(AuthPolicies.Admin, p => p.RequireAuthenticatedUser().RequireRole(Roles.AtLeast(Roles.Admin)));
        return services;
    }

    /// <summary>
    /// A token stops working at once when its user is banned or removed, its role changed, or its login session (refresh
    /// token family) was revoked: refresh-token reuse, logout or a ban. When the database does not answer, the request is
    /// not authenticated and <see cref="AnswerOutageAsync"/> answers 503 instead of 401.
    /// </summary>
    private static async Task CheckUserStillValidAsync(TokenValidatedContext context)
    {
        var subject = context.Principal?.FindFirst(AuthClaims.Subject)?.Value;
        var role = context.Principal?.FindFirst(AuthClaims.Role)?.Value;
        var family = context.Principal?.FindFirst(AuthClaims.Family)?.Value;
        if (subject is null || role is null || family is null)
        {
            context.Fail("token lacks sub, role or fam");
            return;
        }

        var services = context.HttpContext.RequestServices;
        var store = services.GetRequiredService<AuthStore>();
        AuthUser? user;
        bool sessionValid;
        try
        {
            await store.EnsureReadyAsync(services.GetRequiredService<AuthOptions>().BootstrapInvite, context.HttpContext.RequestAborted).ConfigureAwait(false);
            (user, sessionValid) = await store.FindSessionAsync(subject, family, context.HttpContext.RequestAborted).ConfigureAwait(false);
        }
        catch (Exception e) when (UnavailableExceptionHandler.Classify(e) is { } outage)
        {
            context.HttpContext.Items[OutageKey] = outage;
            context.Fail("the user database did not answer");
            return;
        }

        if (user is null || user.Banned || !string.Equals(user.Role, role, StringComparison.Ordinal))
        {
            context.Fail("user banned, removed or role changed");
        }
        else if (!sessionValid)
        {
            context.Fail("the login session of this token was revoked (refresh token reuse, logout or ban)");
        }
    }

    /// <summary>A protected endpoint whose token could not be checked because the database is down: 503, not 401.</summary>
    private static async Task AnswerOutageAsync(JwtBearerChallengeContext context)
    {
        if (context.HttpContext.Items[OutageKey] is not ValueTuple<string, string> outage)
        {
            return;
        }

        context.HandleResponse();
        var http = context.HttpContext;
        http.RequestServices.GetRequiredService<ILogger<UnavailableExceptionHandler>>()
            .LogWarning("{Method} {Path} answered 503: {Reason} while checking the access token ({Cause})", http.Request.Method, http.Request.Path, outage.Item1, outage.Item2);
        await UnavailableExceptionHandler.WriteAsync(http.RequestServices.GetRequiredService<IProblemDetailsService>(), http, outage.Item1, null).ConfigureAwait(false);
    }

    private static readonly object OutageKey = new();

    /// <summary>Creates the auth tables and the bootstrap invite when the host starts.</summary>
    private sealed class AuthStartup(AuthStore store, AuthOptions options) : IHostedService
    {
        public Task StartAsync(CancellationToken cancellationToken) => store.EnsureReadyAsync(options.BootstrapInvite, cancellationToken);

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
