using System.Net;

namespace Arbitrage.Node.Api;

/// <summary>
/// <c>GET /</c>: a minimal page for whoever opens the node in a browser, pointing at what exists (health, the OpenAPI
/// document, metrics) until a dashboard replaces it. Static HTML: no scripts, no styles, no external resources.
/// </summary>
public static class RootPage
{
    public static IEndpointRouteBuilder MapRootPage(this IEndpointRouteBuilder app)
    {
        app.MapGet("/", (HttpContext http) =>
        {
            http.Response.Headers.ContentSecurityPolicy = "default-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";
            http.Response.Headers.XContentTypeOptions = "nosniff";
            return Results.Content(Html, "text/html; charset=utf-8");
        }).AllowAnonymous().ExcludeFromDescription();
        return app;
    }

    private static readonly string Html = $"""
        <!DOCTYPE html>
        <html lang="en">
        <head>
        <meta charset="utf-8">
        <title>Arbitrage node {WebUtility.HtmlEncode(NodeInfo.Version)}</title>
        </head>
        <body>
        <h1>Arbitrage node {WebUtility.HtmlEncode(NodeInfo.Version)}</h1>
        <p>This is the node's HTTP bridge. There is no dashboard yet; these are served here:</p>
        <ul>
        <li><a href="/api/health">/api/health</a> — version, uptime, database, cluster and feeds (public)</li>
        <li><a href="/openapi/v1.json">/openapi/v1.json</a> — the OpenAPI document of every endpoint, request and answer</li>
        <li><a href="/metrics">/metrics</a> — Prometheus metrics (public)</li>
        </ul>
        <p>Everything else needs a login: from a terminal, <code>arbctl register --invite CODE --user NAME</code> once, then
        <code>arbctl --help</code>. How to run and operate the node (auth, endpoints, the live event stream, configuration)
        is in <code>README.md</code> at the root of the source repository, section "Operating the node".</p>
        </body>
        </html>
        """;
}
