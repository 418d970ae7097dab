using System.Text.Json;
using System.Text.RegularExpressions;
using Arbitrage.Node.Auth;
using Arbitrage.Node.Hosting;

namespace Arbitrage.Node.Api.Read;

/// <summary>
/// The backtest reports of <c>Paths:Reports</c> (each a folder <c>arbctl backtest --out</c> wrote): <c>GET /api/reports</c>
/// (viewer) lists the folders that hold a <c>summary.json</c>, newest first, with its kind and headline numbers;
/// <c>GET /api/reports/{name}/{file}</c> serves one file of one folder. The folder and file names must be plain names
/// (no separator, no <c>..</c>) with an extension of a report's files (<c>.html</c>, <c>.png</c>, <c>.csv</c>,
/// <c>.json</c>), and the resolved path must be that folder's direct child: anything else is a 400 or a 404, never a
/// file elsewhere. The directory is read on every request: a report written while the node runs is listed at once.
/// </summary>
public static partial class ReportEndpoints
{
    public const string SummaryFile = "summary.json";

    /// <summary>
    /// The report's own policy: it is a static page with inline CSS and <c>data:</c> images, no script. <c>sandbox</c>
    /// (without <c>allow-scripts</c>) keeps any script from running even if one were in the file; the dashboard may frame it.
    /// </summary>
    public const string ReportContentSecurityPolicy =
        "default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data:; base-uri 'none'; form-action 'none'; frame-ancestors 'self'; sandbox";

    private static readonly Dictionary<string, string> ContentTypes = new(StringComparer.OrdinalIgnoreCase)
    {
        [".html"] = "text/html; charset=utf-8",
        [".png"] = "image/png",
        [".csv"] = "text/csv; charset=utf-8",
        [".json"] = "application/json; charset=utf-8",
    };

    /// <summary>One report folder: its name (the URL segment), kind, when summary.json was written, its top-level numbers and its files.</summary>
    /// <param name="Kind"><c>summary.json</c>'s <c>kind</c> when it has one (<c>triangles</c>, <c>carry</c>), else <c>signals</c> (the signal backtest's summary has no <c>kind</c> key).</param>
    /// <param name="Summary">The top-level numbers (and nulls) of summary.json under their own keys (<c>trades</c>, <c>pnl_usd</c>, <c>win_rate</c>, ...).</param>
    public sealed record ReportListing(string Name, string Kind, long CreatedMs, IReadOnlyDictionary<string, JsonElement> Summary, IReadOnlyList<string> Files);

    public static IEndpointRouteBuilder MapReportEndpoints(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api").RequireAuthorization(AuthPolicies.Viewer);
        api.MapGet("/reports", (NodeOptions options) => Results.Ok(List(options.Paths.Reports))).WithName("Reports");
        api.MapGet("/reports/{name}/{file}", (string name, string file, NodeOptions options, HttpContext http) => Serve(options.Paths.Reports, name, file, http))
            .WithName("ReportFile");
        return app;
    }

    /// <summary>The report folders of <paramref name="directory"/> (none when it does not exist), newest first, then by name.</summary>
    public static IReadOnlyList<ReportListing> List(string directory)
    {
        if (!Directory.Exists(directory))
        {
            return [];
        }

        var reports = new List<ReportListing>();
        foreach (var folder in new DirectoryInfo(directory).EnumerateDirectories())
        {
            var summary = new FileInfo(Path.Combine(folder.FullName, SummaryFile));
            if (!NamePattern().IsMatch(folder.Name) || !summary.Exists)
            {
                continue;
            }

            string kind = "signals";
            var numbers = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
            try
            {
                using var json = JsonDocument.Parse(File.ReadAllText(summary.FullName));
                if (json.RootElement.ValueKind != JsonValueKind.Object)
                {
                    continue;
                }

                foreach (var p in json.RootElement.EnumerateObject())
                {
                    if (p.Name == "kind" && p.Value.ValueKind == JsonValueKind.String)
                    {
                        kind = p.Value.GetString()!;
                    }
                    else if (p.Value.ValueKind is JsonValueKind.Number or JsonValueKind.Null)
                    {
                        numbers[p.Name] = p.Value.Clone();
                    }
                }
            }
            catch (Exception e) when (e is JsonException or IOException or UnauthorizedAccessException)
            {
                continue; // being written, or not a report: not listed
            }

            var files = folder.EnumerateFiles()
                .Where(f => NamePattern().IsMatch(f.Name) && ContentTypes.ContainsKey(f.Extension))
                .Select(f => f.Name).Order(StringComparer.Ordinal).ToArray();
            reports.Add(new ReportListing(folder.Name, kind, new DateTimeOffset(summary.LastWriteTimeUtc).ToUnixTimeMilliseconds(), numbers, files));
        }

        return reports.OrderByDescending(r => r.CreatedMs).ThenBy(r => r.Name, StringComparer.Ordinal).ToArray();
    }

    private static IResult Serve(string directory, string name, string file, HttpContext http)
    {
        if (!NamePattern().IsMatch(name))
        {
            return FieldProblem.Of("name", "a report folder's name: letters, digits, '.', '_' and '-', not starting with '.'");
        }

        if (!NamePattern().IsMatch(file) || !ContentTypes.TryGetValue(Path.GetExtension(file), out var contentType))
        {
            return FieldProblem.Of("file", "a file name (letters, digits, '.', '_', '-') ending in .html, .png, .csv or .json");
        }

        var root = Path.GetFullPath(directory);
        var folder = Path.GetFullPath(Path.Combine(root, name));
        var path = Path.GetFullPath(Path.Combine(folder, file));
        if (Path.GetDirectoryName(folder) != root.TrimEnd(Path.DirectorySeparatorChar) || Path.GetDirectoryName(path) != folder || !File.Exists(path))
        {
            return Results.Problem(statusCode: StatusCodes.Status404NotFound, detail: $"no file {file} in report {name}");
        }

        var headers = http.Response.Headers;
        headers.ContentSecurityPolicy = ReportContentSecurityPolicy;
        headers.XContentTypeOptions = "nosniff";
        headers["Referrer-Policy"] = "no-referrer";
        headers.CacheControl = "no-cache";
        return Results.File(path, contentType);
    }

    /// <summary>A plain file or folder name: no separator, not <c>.</c> or <c>..</c> or hidden.</summary>
    [GeneratedRegex("^[A-Za-z0-9_-][A-Za-z0-9._-]{0,127}$")]
    private static partial Regex NamePattern();
}
