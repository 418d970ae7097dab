using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http.Features;

namespace Arbitrage.Node.Api.Errors;

/// <summary>
/// The bridge's one error format: every 4xx and 5xx is an RFC 9457 problem (<c>application/problem+json</c>) whose
/// <c>detail</c> says what was wrong (and <c>errors.{field}</c> for a bad field): a bare status from the framework
/// (401, 403, 404, 405, 413, 415) is described by <see cref="Describe"/>; a request the framework cannot bind (malformed
/// JSON, a wrong type, a bad query value, a non-JSON body) by <see cref="BadRequestExceptionHandler"/>; a database or
/// engine that does not answer by <see cref="UnavailableExceptionHandler"/> (503 + <c>Retry-After</c>). Expected
/// rejections log no stack trace; only a bug (any other exception) is logged with one, as a 500.
/// </summary>
public static class ProblemResponses
{
    public const int RetryAfterSeconds = 5;

    public static IServiceCollection AddArbitrageProblemDetails(this IServiceCollection services)
    {
        services.AddProblemDetails(o => o.CustomizeProblemDetails = Describe);

        // Binding failures throw BadHttpRequestException naming the parameter instead of ending in a bare 400/415.
        services.Configure<RouteHandlerOptions>(o => o.ThrowOnBadRequest = true);
        services.AddExceptionHandler<BadRequestExceptionHandler>();
        services.AddExceptionHandler<UnavailableExceptionHandler>();
        return services;
    }

    /// <summary>
    /// Call before CORS, <c>UseAuthentication</c> and <c>UseAuthorization</c> (explicitly: a WebApplication otherwise adds
    /// authentication ahead of everything), so their bare answers (401, 403) get a problem body too.
    /// </summary>
    public static IApplicationBuilder UseArbitrageProblemDetails(this IApplicationBuilder app)
    {
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        return app;
    }

    /// <summary>A detail for every problem written without one (the framework's bare statuses), from what the request hit.</summary>
    internal static void Describe(ProblemDetailsContext context)
    {
        var http = context.HttpContext;
        var problem = context.ProblemDetails;
        if (!string.IsNullOrEmpty(problem.Detail))
        {
            return;
        }

        var request = $"{http.Request.Method} {http.Request.Path}";
        problem.Detail = problem.Status switch
        {
            StatusCodes.Status400BadRequest => $"{request}: the request is malformed",
            StatusCodes.Status401Unauthorized =>
                $"{request} needs a valid access token (Authorization: Bearer <token> from POST /api/auth/login); it is missing, expired or revoked",
            StatusCodes.Status403Forbidden => $"{request} needs {RequiredRole(http) ?? "another"} role or higher; your account's role is not enough",
            StatusCodes.Status404NotFound when http.GetEndpoint() is null => $"no endpoint {request}; /openapi/v1.json lists them",
            StatusCodes.Status404NotFound => $"{request}: not found",
            StatusCodes.Status405MethodNotAllowed => $"{http.Request.Path} does not accept {http.Request.Method}" +
                (http.Response.Headers.Allow.Count > 0 ? $"; allowed: {http.Response.Headers.Allow}" : string.Empty),
            StatusCodes.Status413PayloadTooLarge => $"the request body is larger than the limit of {BodyLimit(http)} bytes for {request}",
            StatusCodes.Status415UnsupportedMediaType => $"{request} takes a JSON body: send it with Content-Type: application/json",
            StatusCodes.Status503ServiceUnavailable => $"{request}: a dependency of the node did not answer; retry in {RetryAfterSeconds} s",
            >= 500 => $"{request} failed on an unexpected error; the node's log has it under trace id {http.TraceIdentifier}",
            _ => $"{request}: {problem.Title}",
        };
    }

    private static string? RequiredRole(HttpContext http) =>
        http.GetEndpoint()?.Metadata.GetOrderedMetadata<IAuthorizeData>().Select(a => a.Policy).LastOrDefault(p => p is not null) is { } policy
            ? $"the {policy}"
            : null;

    private static string BodyLimit(HttpContext http) =>
        http.Features.Get<IHttpMaxRequestBodySizeFeature>()?.MaxRequestBodySize is { } max
            ? max.ToString("N0", System.Globalization.CultureInfo.InvariantCulture)
            : "the server's";
}
