using System.Text;
using System.Threading.Channels;
using Akka.Actor;
using Akka.Cluster.Tools.PublishSubscribe;
using Arbitrage.Node.Api.Read;
using Arbitrage.Node.Auth;

namespace Arbitrage.Node.Api.Live;

/// <summary>Tunables of the SSE stream (tests shorten the heartbeat).</summary>
public sealed record LiveOptions
{
    public TimeSpan Heartbeat { get; init; } = TimeSpan.FromSeconds(15);

    /// <summary>Events buffered per connection; a slower client loses the oldest (and is told how many).</summary>
    public int Capacity { get; init; } = 1024;

    public TimeSpan SubscribeTimeout { get; init; } = TimeSpan.FromSeconds(5);
}

/// <summary>
/// Where the live stream subscribes: the DistributedPubSub mediator by default. Register another
/// <see cref="LiveMediator"/> to feed the stream from elsewhere.
/// </summary>
public sealed record LiveMediator(IActorRef Ref);

/// <summary>
/// <c>GET /api/stream?topics=signals,indicators,risk,trades,strategies&amp;symbol=BTCUSDT</c> (viewer): Server-Sent Events;
/// a symbol that is not configured is a 404.
/// Each event is <c>event: &lt;message type&gt;</c> + <c>data: &lt;json&gt;</c>; a <c>ready</c> event once subscribed,
/// a <c>dropped</c> event with the running count when a slow client lost events, a comment heartbeat.
/// </summary>
public static class LiveEndpoints
{
    private static readonly byte[] HeartbeatBytes = ": heartbeat\n\n"u8.ToArray();

    public static IEndpointRouteBuilder MapLiveEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/stream", StreamAsync).RequireAuthorization(AuthPolicies.Viewer).WithName("LiveStream");
        return app;
    }

    private static async Task StreamAsync(HttpContext http, IServiceProvider services, ILoggerFactory loggers)
    {
        var query = http.Request.Query;
        var streams = LiveTopics.Parse(query["topics"].ToString(), out var topicsError);
        if (streams is null)
        {
            await FieldProblem.Of("topics", topicsError!).ExecuteAsync(http).ConfigureAwait(false);
            return;
        }

        string? symbol = null;
        if (query["symbol"].Count > 1 || (query["symbol"].ToString() is { Length: > 0 } s && !LiveTopics.IsValidSymbol(symbol = s)))
        {
            await FieldProblem.Of("symbol", "one symbol: 2 to 30 capital letters, digits or _ (BTCUSDT, BTCUSD_PERP)").ExecuteAsync(http).ConfigureAwait(false);
            return;
        }

        // A filter on a symbol that is not configured would wait forever for its events: say so instead.
        if (symbol is not null && services.GetRequiredService<ConfiguredSymbols>() is var symbols && !symbols.Contains(symbol))
        {
            await symbols.NotConfigured(symbol).ExecuteAsync(http).ConfigureAwait(false);
            return;
        }

        var options = services.GetService<LiveOptions>() ?? new LiveOptions();
        var system = services.GetRequiredService<ActorSystem>();
        var mediator = services.GetService<LiveMediator>()?.Ref ?? DistributedPubSub.Get(system).Mediator;
        var log = loggers.CreateLogger(typeof(LiveEndpoints).FullName!);

        long dropped = 0;
        var channel = Channel.CreateBounded<LiveEvent>(
            new BoundedChannelOptions(options.Capacity) { FullMode = BoundedChannelFullMode.DropOldest, SingleReader = true, SingleWriter = true },
            _ => Interlocked.Increment(ref dropped));
        var subscribed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var ct = http.RequestAborted;
        var actor = system.ActorOf(LiveStreamActor.Props(mediator, streams, symbol, channel.Writer, subscribed), "live-" + Guid.NewGuid().ToString("N"));
        try
        {
            try
            {
                await subscribed.Task.WaitAsync(options.SubscribeTimeout, ct).ConfigureAwait(false);
            }
            catch (TimeoutException)
            {
                await new Errors.RetryLater(Results.Problem(statusCode: StatusCodes.Status503ServiceUnavailable, detail: "the pub-sub mediator did not confirm the subscriptions"))
                    .ExecuteAsync(http).ConfigureAwait(false);
                return;
            }

            http.Response.Headers.ContentType = "text/event-stream";
            http.Response.Headers.CacheControl = "no-cache";
            http.Response.Headers["X-Accel-Buffering"] = "no";
            var body = http.Response.Body;
            await WriteEventAsync(body, "ready", System.Text.Json.JsonSerializer.Serialize(new { topics = streams, symbol }, LiveStreamActor.Json), ct).ConfigureAwait(false);
            await body.FlushAsync(ct).ConfigureAwait(false);

            long reportedDropped = 0;
            var reader = channel.Reader;
            while (!ct.IsCancellationRequested)
            {
                bool more;
                using (var wait = CancellationTokenSource.CreateLinkedTokenSource(ct))
                {
                    wait.CancelAfter(options.Heartbeat);
                    try
                    {
                        more = await reader.WaitToReadAsync(wait.Token).ConfigureAwait(false);
                    }
                    catch (OperationCanceledException) when (!ct.IsCancellationRequested)
                    {
                        await body.WriteAsync(HeartbeatBytes, ct).ConfigureAwait(false);
                        await body.FlushAsync(ct).ConfigureAwait(false);
                        continue;
                    }
                }

                if (!more)
                {
                    break;
                }

                var lost = Interlocked.Read(ref dropped);
                if (lost != reportedDropped)
                {
                    reportedDropped = lost;
                    await WriteEventAsync(body, "dropped", $"{{\"count\":{lost}}}", ct).ConfigureAwait(false);
                }

                while (reader.TryRead(out var e))
                {
                    await WriteEventAsync(body, e.Type, e.Json, ct).ConfigureAwait(false);
                }

                await body.FlushAsync(ct).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            // The client went away: the normal end of a stream.
        }
        catch (IOException e)
        {
            log.LogDebug(e, "SSE client connection failed");
        }
        finally
        {
            system.Stop(actor);
        }
    }

    private static async Task WriteEventAsync(Stream body, string type, string json, CancellationToken ct)
    {
        // JSON from System.Text.Json has no raw newlines, so one data line is always enough.
        var text = $"event: {type}\ndata: {json}\n\n";
        await body.WriteAsync(Encoding.UTF8.GetBytes(text), ct).ConfigureAwait(false);
    }
}
