using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;

namespace Arbitrage.Testing;

/// <summary>
/// The HTTP bridge of a running node as a test drives it: one admin registered with the bootstrap invite (or logged
/// in on a node of the same cluster), JSON reads and ops with its token, and waits on a condition with a deadline.
/// </summary>
public sealed class NodeClient : IDisposable
{
    public const string Password = "correct horse battery staple";

    private readonly HttpClient _http;
    private string? _token;

    public NodeClient(Uri baseAddress)
    {
        _http = new HttpClient { BaseAddress = baseAddress, Timeout = TimeSpan.FromSeconds(30) };
    }

    public Uri BaseAddress => _http.BaseAddress!;

    public HttpClient Http => _http;

    public string Token => _token ?? throw new InvalidOperationException("not logged in");

    /// <summary>Registers <paramref name="username"/> as the first admin with the bootstrap invite, then logs in.</summary>
    public async Task RegisterAndLoginAsync(string invite, string username = "admin")
    {
        using (var register = await _http.PostAsJsonAsync("/api/auth/register", new { inviteCode = invite, username, password = Password }))
        {
            Assert.True(register.IsSuccessStatusCode, $"register: {(int)register.StatusCode} {await register.Content.ReadAsStringAsync()}");
        }

        await LoginAsync(username);
    }

    public async Task LoginAsync(string username = "admin")
    {
        using var login = await _http.PostAsJsonAsync("/api/auth/login", new { username, password = Password });
        var body = await login.Content.ReadAsStringAsync();
        Assert.True(login.IsSuccessStatusCode, $"login: {(int)login.StatusCode} {body}");
        _token = JsonDocument.Parse(body).RootElement.GetProperty("accessToken").GetString();
        _http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", _token);
    }

    public async Task<(HttpStatusCode Status, JsonElement Body)> GetAsync(string path)
    {
        using var response = await _http.GetAsync(path);
        return (response.StatusCode, await ReadAsync(response));
    }

    public async Task<(HttpStatusCode Status, JsonElement Body)> PostAsync(string path, object? body = null)
    {
        using var response = await _http.PostAsJsonAsync(path, body ?? new { });
        return (response.StatusCode, await ReadAsync(response));
    }

    public async Task<(HttpStatusCode Status, JsonElement Body)> PutAsync(string path, object body)
    {
        using var response = await _http.PutAsJsonAsync(path, body);
        return (response.StatusCode, await ReadAsync(response));
    }

    /// <summary>GETs <paramref name="path"/> until <paramref name="condition"/> holds, or fails at the deadline with the last answer.</summary>
    public async Task<JsonElement> WaitForAsync(string path, Func<HttpStatusCode, JsonElement, bool> condition, TimeSpan timeout)
    {
        using var deadline = new CancellationTokenSource(timeout);
        (HttpStatusCode Status, JsonElement Body) last = default;
        while (true)
        {
            try
            {
                last = await GetAsync(path);
                if (condition(last.Status, last.Body))
                {
                    return last.Body;
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet or restarting: try again until the deadline.
            }

            try
            {
                await Task.Delay(TimeSpan.FromMilliseconds(200), deadline.Token);
            }
            catch (OperationCanceledException)
            {
                throw new TimeoutException($"GET {path}: condition not met within {timeout}; last answer {(int)last.Status}: {last.Body}");
            }
        }
    }

    public void Dispose() => _http.Dispose();

    private static async Task<JsonElement> ReadAsync(HttpResponseMessage response)
    {
        var text = await response.Content.ReadAsStringAsync();
        if (string.IsNullOrWhiteSpace(text))
        {
            return default;
        }

        try
        {
            return JsonDocument.Parse(text).RootElement.Clone();
        }
        catch (JsonException)
        {
            return JsonDocument.Parse(JsonSerializer.Serialize(text)).RootElement.Clone();
        }
    }
}
