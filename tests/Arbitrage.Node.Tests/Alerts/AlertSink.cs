using System.Net;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Arbitrage.Node.Tests.Alerts;

/// <summary>
/// An HTTP server on 127.0.0.1 (a free port) standing in for Discord, Telegram or a webhook receiver: it records every
/// request and answers each with the next scripted reply (429 with <c>retry_after</c>, 5xx, a held answer), else 200.
/// As the Bot API it also serves <c>getUpdates</c>: the updates pushed with <see cref="PushMessage"/> from the requested
/// offset on, held as a long poll until one is there (or the request's <c>timeout</c> passes).
/// </summary>
public sealed class AlertSink : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly Queue<Reply> _script = new();
    private readonly List<Request> _requests = [];
    private readonly CancellationTokenSource _stopping = new();
    private readonly Lock _lock = new();
    private readonly List<string> _updates = [];
    private TaskCompletionSource _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private TaskCompletionSource _pushed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private AlertSink(WebApplication app) => _app = app;

    /// <summary>The answer when the script is empty.</summary>
    public Reply Default { get; set; } = Reply.Ok();

    public Uri BaseUrl { get; private set; } = null!;

    /// <summary>Every request, answered or not, in arrival order.</summary>
    public IReadOnlyList<Request> Requests
    {
        get
        {
            lock (_lock)
            {
                return [.. _requests];
            }
        }
    }

    /// <summary>The requests answered 2xx: what the channel delivered.</summary>
    public IReadOnlyList<Request> Delivered => [.. Requests.Where(r => r.Status is >= 200 and < 300)];

    /// <summary>Starts on <paramref name="port"/> (0: a free one; a given port brings a stopped receiver back at its address).</summary>
    public static async Task<AlertSink> StartAsync(int port = 0)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls($"http://127.0.0.1:{port}");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var sink = new AlertSink(app);
        app.Map("{**path}", sink.HandleAsync);
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        sink.BaseUrl = new Uri(address.Replace("[::]", "127.0.0.1", StringComparison.Ordinal));
        return sink;
    }

    /// <summary>Waits, woken by each request, until <paramref name="condition"/> holds; fails after <paramref name="timeout"/>.</summary>
    public async Task WaitForAsync(Func<AlertSink, bool> condition, TimeSpan timeout, string what)
    {
        using var deadline = new CancellationTokenSource(timeout);
        while (true)
        {
            Task changed;
            lock (_lock)
            {
                changed = _changed.Task;
            }

            if (condition(this))
            {
                return;
            }

            try
            {
                await changed.WaitAsync(deadline.Token);
            }
            catch (OperationCanceledException)
            {
                Assert.Fail($"{what}: not within {timeout.TotalSeconds:0} s; requests: {string.Join(", ", Requests.Select(r => $"{r.Status} {r.Path}"))}");
            }
        }
    }

    /// <summary>A Bot API update: a text message from <paramref name="chatId"/> (update ids 1, 2, ...).</summary>
    public void PushMessage(long chatId, string text)
    {
        TaskCompletionSource pushed;
        lock (_lock)
        {
            var id = _updates.Count + 1;
            _updates.Add(System.Text.Json.JsonSerializer.Serialize(new Dictionary<string, object>
            {
                ["update_id"] = id,
                ["message"] = new Dictionary<string, object>
                {
                    ["message_id"] = id,
                    ["date"] = 1_760_000_000,
                    ["chat"] = new Dictionary<string, object> { ["id"] = chatId, ["type"] = "private" },
                    ["text"] = text,
                },
            }));
            pushed = _pushed;
            _pushed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }

        pushed.SetResult();
    }

    public void Script(params Reply[] replies)
    {
        lock (_lock)
        {
            foreach (var r in replies)
            {
                _script.Enqueue(r);
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync();
        await _app.StopAsync();
        await _app.DisposeAsync();
        _stopping.Dispose();
    }

    private async Task HandleAsync(HttpContext context)
    {
        using var reader = new StreamReader(context.Request.Body, Encoding.UTF8);
        var body = await reader.ReadToEndAsync();
        if (context.Request.Path.Value?.EndsWith("/getUpdates", StringComparison.Ordinal) == true)
        {
            await GetUpdatesAsync(context, body);
            return;
        }

        Reply reply;
        lock (_lock)
        {
            reply = _script.Count > 0 ? _script.Dequeue() : Default;
        }

        if (reply.Hold is { } hold)
        {
            await Task.WhenAny(hold, Task.Delay(Timeout.Infinite, _stopping.Token).ContinueWith(_ => { }, TaskScheduler.Default));
        }

        lock (_lock)
        {
            _requests.Add(new Request(context.Request.Path + context.Request.QueryString, body, reply.Status, DateTimeOffset.UtcNow));
        }

        context.Response.StatusCode = reply.Status;
        foreach (var (name, value) in reply.Headers ?? new Dictionary<string, string>())
        {
            context.Response.Headers[name] = value;
        }

        context.Response.ContentType = "application/json";
        await context.Response.WriteAsync(reply.Body ?? "{}");
        await context.Response.CompleteAsync();
        TaskCompletionSource changed;
        lock (_lock)
        {
            changed = _changed;
            _changed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }

        changed.SetResult();
    }

    private async Task GetUpdatesAsync(HttpContext context, string body)
    {
        var request = body.Length == 0 ? default : System.Text.Json.JsonDocument.Parse(body).RootElement;
        var offset = request.ValueKind == System.Text.Json.JsonValueKind.Object && request.TryGetProperty("offset", out var o) ? o.GetInt32() : 1;
        var timeout = request.ValueKind == System.Text.Json.JsonValueKind.Object && request.TryGetProperty("timeout", out var t) ? t.GetInt32() : 0;
        using var poll = CancellationTokenSource.CreateLinkedTokenSource(_stopping.Token);
        poll.CancelAfter(TimeSpan.FromSeconds(timeout));
        string[] updates;
        while (true)
        {
            Task pushed;
            lock (_lock)
            {
                updates = [.. _updates.Skip(Math.Max(offset, 1) - 1)];
                pushed = _pushed.Task;
            }

            if (updates.Length > 0 || poll.IsCancellationRequested)
            {
                break;
            }

            await Task.WhenAny(pushed, Task.Delay(Timeout.Infinite, poll.Token).ContinueWith(_ => { }, TaskScheduler.Default));
        }

        lock (_lock)
        {
            _requests.Add(new Request(context.Request.Path + context.Request.QueryString, body, 200, DateTimeOffset.UtcNow));
        }

        context.Response.ContentType = "application/json";
        await context.Response.WriteAsync($"{{\"ok\":true,\"result\":[{string.Join(",", updates)}]}}");
    }

    public sealed record Request(string Path, string Body, int Status, DateTimeOffset At);

    /// <param name="Hold">The answer waits for this task (a slow endpoint).</param>
    public sealed record Reply(int Status, string? Body = null, IReadOnlyDictionary<string, string>? Headers = null, Task? Hold = null)
    {
        public static Reply Ok(string? body = null) => new((int)HttpStatusCode.OK, body);

        public static Reply TooManyRequests(double retryAfterSeconds) =>
            new(429, $"{{\"message\":\"You are being rate limited.\",\"retry_after\":{retryAfterSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture)},\"global\":false}}");

        public static Reply ServerError() => new(503, "{\"error\":\"down\"}");
    }
}
