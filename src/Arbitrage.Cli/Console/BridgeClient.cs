using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;

namespace Arbitrage.Cli.Bridge;

/// <summary>
/// HTTP client of the node's bridge with the stored credentials. A 401 triggers one refresh (the refresh token
/// rotates: the new pair is saved at once) and one retry. Failures become <see cref="ArbctlException"/>s with
/// the exit code: unreachable 3, unauthorized/forbidden 4, anything else 1.
/// </summary>
public sealed class BridgeClient : IDisposable
{
    private readonly HttpClient _http;
    private readonly CredentialStore _store;
    private Credentials? _credentials;

    public BridgeClient(CredentialStore store, Credentials? credentials, string url, HttpMessageHandler? handler = null)
    {
        _store = store;
        _credentials = credentials;
        _http = handler is null ? new HttpClient() : new HttpClient(handler);
        _http.BaseAddress = new Uri(url.TrimEnd('/') + "/");
        _http.Timeout = Timeout.InfiniteTimeSpan;
    }

    public static TimeSpan RequestTimeout { get; } = TimeSpan.FromSeconds(30);

    public string Url => _http.BaseAddress!.ToString().TrimEnd('/');

    /// <summary>A client for the stored login; exit 4 with a hint when there is none.</summary>
    public static BridgeClient FromStore(CredentialStore store)
    {
        var credentials = store.Load()
            ?? throw new ArbctlException(ExitCodes.Unauthorized, $"not logged in (no {store.Path}): run arbctl login --url URL --user NAME");
        return new BridgeClient(store, credentials, credentials.Url);
    }

    /// <summary>POST /api/auth/login; saves the credentials.</summary>
    public async Task<Credentials> LoginAsync(string username, string password, CancellationToken ct)
    {
        using var response = await SendRawAsync(HttpMethod.Post, "api/auth/login", new { username, password }, authorize: false, ResponseMode.Buffered, ct).ConfigureAwait(false);
        if (response.StatusCode == HttpStatusCode.Unauthorized)
        {
            throw new ArbctlException(ExitCodes.Unauthorized, "login failed: invalid username or password");
        }

        await EnsureSuccessAsync(response, ct).ConfigureAwait(false);
        return await SaveTokensAsync(response, ct).ConfigureAwait(false);
    }

    /// <summary>
    /// POST /api/auth/register (no session yet; nothing is stored). A refused invite exits 4, a username that is
    /// taken 1 (the invite stays unused), a field the node refuses 2.
    /// </summary>
    public async Task<Registration> RegisterAsync(string inviteCode, string username, string password, CancellationToken ct)
    {
        using var response = await SendRawAsync(HttpMethod.Post, "api/auth/register", new { inviteCode, username, password }, authorize: false, ResponseMode.Buffered, ct).ConfigureAwait(false);
        if (response.StatusCode == HttpStatusCode.Conflict)
        {
            throw new ArbctlException(ExitCodes.Error, $"username '{username}' is already taken on {Url}: choose another (the invite is still unused)");
        }

        if (response.StatusCode == HttpStatusCode.BadRequest)
        {
            var detail = await ProblemTextAsync(response, ct).ConfigureAwait(false);
            throw detail.Contains("inviteCode", StringComparison.Ordinal)
                ? new ArbctlException(ExitCodes.Unauthorized, $"the node refused the invite ({detail}): ask an admin for a new one (arbctl admin invite --role ROLE)")
                : new ArbctlException(ExitCodes.Usage, $"the node refused the registration: {detail}");
        }

        await EnsureSuccessAsync(response, ct).ConfigureAwait(false);
        return await response.Content.ReadFromJsonAsync<Registration>(ct).ConfigureAwait(false)
            ?? throw new ArbctlException(ExitCodes.Error, "the node answered the registration without the account");
    }

    /// <summary>Revokes the refresh token on the node (best effort) and forgets the credentials.</summary>
    public async Task LogoutAsync(CancellationToken ct)
    {
        if (_credentials is not null)
        {
            try
            {
                using var _ = await SendRawAsync(HttpMethod.Post, "api/auth/logout", new { refreshToken = _credentials.RefreshToken }, authorize: false, ResponseMode.Buffered, ct).ConfigureAwait(false);
            }
            catch (ArbctlException e) when (e.ExitCode == ExitCodes.Unreachable)
            {
                // Forget locally anyway; the token expires on its own.
            }
        }

        _store.Delete();
    }

    /// <summary>Sends a request and returns the JSON body (null for 204).</summary>
    public async Task<JsonElement?> SendAsync(HttpMethod method, string path, object? body, CancellationToken ct)
    {
        using var response = await SendAuthorizedAsync(method, path, body, ResponseMode.Buffered, ct).ConfigureAwait(false);
        await EnsureSuccessAsync(response, ct).ConfigureAwait(false);
        var text = await response.Content.ReadAsStringAsync(ct).ConfigureAwait(false);
        return string.IsNullOrWhiteSpace(text) ? null : JsonDocument.Parse(text).RootElement.Clone();
    }

    /// <summary>Opens a long-lived response (SSE); the caller disposes it.</summary>
    public async Task<HttpResponseMessage> OpenStreamAsync(string path, CancellationToken ct)
    {
        var response = await SendAuthorizedAsync(HttpMethod.Get, path, null, ResponseMode.Streaming, ct).ConfigureAwait(false);
        try
        {
            await EnsureSuccessAsync(response, ct).ConfigureAwait(false);
            return response;
        }
        catch
        {
            response.Dispose();
            throw;
        }
    }

    public void Dispose() => _http.Dispose();

    private enum ResponseMode
    {
        Buffered,
        Streaming,
    }

    private async Task<HttpResponseMessage> SendAuthorizedAsync(HttpMethod method, string path, object? body, ResponseMode mode, CancellationToken ct)
    {
        var response = await SendRawAsync(method, path, body, authorize: true, mode, ct).ConfigureAwait(false);
        if (response.StatusCode != HttpStatusCode.Unauthorized)
        {
            return response;
        }

        response.Dispose();
        await RefreshAsync(ct).ConfigureAwait(false);
        response = await SendRawAsync(method, path, body, authorize: true, mode, ct).ConfigureAwait(false);
        if (response.StatusCode == HttpStatusCode.Unauthorized)
        {
            response.Dispose();
            throw new ArbctlException(ExitCodes.Unauthorized, "the node refused the refreshed token (user banned or role changed?): run arbctl login again");
        }

        return response;
    }

    private async Task RefreshAsync(CancellationToken ct)
    {
        if (_credentials is null)
        {
            throw new ArbctlException(ExitCodes.Unauthorized, "not logged in: run arbctl login");
        }

        using var response = await SendRawAsync(HttpMethod.Post, "api/auth/refresh", new { refreshToken = _credentials.RefreshToken }, authorize: false, ResponseMode.Buffered, ct).ConfigureAwait(false);
        if (response.StatusCode is HttpStatusCode.Unauthorized or HttpStatusCode.BadRequest or HttpStatusCode.Forbidden)
        {
            throw new ArbctlException(ExitCodes.Unauthorized, "the session has expired and could not be refreshed: run arbctl login again");
        }

        await EnsureSuccessAsync(response, ct).ConfigureAwait(false);
        await SaveTokensAsync(response, ct).ConfigureAwait(false);
    }

    private async Task<Credentials> SaveTokensAsync(HttpResponseMessage response, CancellationToken ct)
    {
        var t = await response.Content.ReadFromJsonAsync<TokenResponse>(ct).ConfigureAwait(false)
            ?? throw new ArbctlException(ExitCodes.Error, "the node answered the login without tokens");
        _credentials = new Credentials(Url, t.Username, t.Role, t.AccessToken, t.ExpiresAt, t.RefreshToken, t.RefreshExpiresAt);
        _store.Save(_credentials);
        return _credentials;
    }

    private async Task<HttpResponseMessage> SendRawAsync(HttpMethod method, string path, object? body, bool authorize, ResponseMode mode, CancellationToken ct)
    {
        using var request = new HttpRequestMessage(method, path.TrimStart('/'));
        if (authorize && _credentials is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", _credentials.AccessToken);
        }

        if (body is not null)
        {
            request.Content = JsonContent.Create(body);
        }

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        if (mode == ResponseMode.Buffered)
        {
            timeout.CancelAfter(RequestTimeout);
        }

        try
        {
            var completion = mode == ResponseMode.Streaming ? HttpCompletionOption.ResponseHeadersRead : HttpCompletionOption.ResponseContentRead;
            return await _http.SendAsync(request, completion, mode == ResponseMode.Streaming ? ct : timeout.Token).ConfigureAwait(false);
        }
        catch (HttpRequestException e)
        {
            throw new ArbctlException(ExitCodes.Unreachable, $"cannot reach the node at {Url}: {e.Message}");
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            throw new ArbctlException(ExitCodes.Unreachable, $"the node at {Url} did not answer within {RequestTimeout.TotalSeconds:0} s");
        }
    }

    private static async Task EnsureSuccessAsync(HttpResponseMessage response, CancellationToken ct)
    {
        if (response.IsSuccessStatusCode)
        {
            return;
        }

        var detail = await ProblemTextAsync(response, ct).ConfigureAwait(false);
        var status = (int)response.StatusCode;
        throw response.StatusCode switch
        {
            HttpStatusCode.Unauthorized => new ArbctlException(ExitCodes.Unauthorized, "not authorized: run arbctl login again"),
            HttpStatusCode.Forbidden => new ArbctlException(ExitCodes.Unauthorized, "forbidden: your role may not do this" + (detail.Length > 0 ? $" ({detail})" : string.Empty)),
            HttpStatusCode.NotFound when detail.Length == 0 => new ArbctlException(ExitCodes.Error, $"{response.RequestMessage?.RequestUri?.AbsolutePath}: not found on this node (older node version?)"),
            HttpStatusCode.ServiceUnavailable => new ArbctlException(ExitCodes.Error, $"unavailable (503): {detail}"),
            _ => new ArbctlException(ExitCodes.Error, $"the node answered {status} {response.ReasonPhrase}: {detail}"),
        };
    }

    /// <summary>The problem's title, detail and field errors, or a bridge response's <c>detail</c>.</summary>
    private static async Task<string> ProblemTextAsync(HttpResponseMessage response, CancellationToken ct)
    {
        var text = await response.Content.ReadAsStringAsync(ct).ConfigureAwait(false);
        if (string.IsNullOrWhiteSpace(text))
        {
            return string.Empty;
        }

        try
        {
            var root = JsonDocument.Parse(text).RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                return text.Length > 300 ? text[..300] : text;
            }

            var parts = new List<string>();
            foreach (var name in new[] { "title", "detail" })
            {
                if (root.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String)
                {
                    parts.Add(v.GetString()!);
                }
            }

            if (root.TryGetProperty("errors", out var errors) && errors.ValueKind == JsonValueKind.Object)
            {
                // The node's detail already says "field: message" for a one-field problem: do not repeat it.
                parts.AddRange(errors.EnumerateObject()
                    .Select(e => $"{e.Name}: {string.Join("; ", e.Value.EnumerateArray().Select(x => x.ToString()))}")
                    .Where(e => !parts.Any(p => p.Contains(e, StringComparison.Ordinal))));
            }

            return string.Join(" — ", parts);
        }
        catch (JsonException)
        {
            return text.Length > 300 ? text[..300] : text;
        }
    }

    /// <summary>The account the node created (<c>201</c> body of <c>POST /api/auth/register</c>).</summary>
    public sealed record Registration(string Id, string Username, string Role);

    private sealed record TokenResponse(
        string AccessToken, DateTimeOffset ExpiresAt, string RefreshToken, DateTimeOffset RefreshExpiresAt, string Username, string Role);
}
