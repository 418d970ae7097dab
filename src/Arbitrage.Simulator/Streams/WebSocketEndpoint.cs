using System.Buffers;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using Arbitrage.Simulator.Http;

namespace Arbitrage.Simulator.Streams;

/// <summary>
/// Binance's WebSocket paths on one port: legacy <c>/ws/&lt;stream&gt;</c> and <c>/stream?streams=a/b</c>,
/// the 2026 split <c>/public/…</c>, <c>/market/…</c> (same suffixes) and <c>/private/ws|stream[?listenKey=&amp;events=]</c>.
/// A stream name equal to the active listenKey is the user-data stream. As on Binance, a private connection may
/// open without a key and SUBSCRIBE it later (<c>{"method":"SUBSCRIBE","params":["&lt;listenKey&gt;"],"id":1}</c> →
/// <c>{"result":null,"id":1}</c>); <c>events=</c> limits it to those event types. Clients may SUBSCRIBE,
/// UNSUBSCRIBE, LIST_SUBSCRIPTIONS and SET/GET_PROPERTY combined.
/// </summary>
public sealed class WebSocketEndpoint(SimulatorState state)
{
    public async Task<bool> TryHandleAsync(HttpContext ctx)
    {
        var path = ctx.Request.Path.Value ?? "";
        foreach (var prefix in new[] { "/public", "/market", "/private" })
            if (path.StartsWith(prefix + "/", StringComparison.Ordinal)) { path = path[prefix.Length..]; break; }

        bool combined;
        List<string> streams;
        if (path == "/ws" || path == "/ws/")
        {
            combined = false;
            streams = [];
        }
        else if (path.StartsWith("/ws/", StringComparison.Ordinal))
        {
            combined = false;
            streams = [.. path[4..].Split('/', StringSplitOptions.RemoveEmptyEntries)];
        }
        else if (path == "/stream")
        {
            combined = true;
            streams = [.. (ctx.Request.Query["streams"].ToString()).Split('/', StringSplitOptions.RemoveEmptyEntries)];
        }
        else return false;

        var keyInQuery = ctx.Request.Query["listenKey"].ToString();
        if (keyInQuery.Length > 0) streams.Add(keyInQuery);
        string? listenKey = null;
        foreach (var s in streams.ToArray())
        {
            if (!state.IsListenKeyActive(s)) continue;
            listenKey = s;
            streams.Remove(s);
        }
        // Binance accepts a private connection without a key (it may SUBSCRIBE one later); a key that is given must exist.
        if (ctx.Request.Path.StartsWithSegments("/private") && listenKey is null && (keyInQuery.Length > 0 || streams.Count > 0))
        {
            ctx.Response.StatusCode = 400;
            await ctx.Response.WriteAsync("{\"code\":-1125,\"msg\":\"This listenKey does not exist.\"}").ConfigureAwait(false);
            return true;
        }
        if (!ctx.WebSockets.IsWebSocketRequest)
        {
            ctx.Response.StatusCode = 400;
            await ctx.Response.WriteAsync("{\"code\":-1,\"msg\":\"WebSocket upgrade expected.\"}").ConfigureAwait(false);
            return true;
        }

        using var socket = await ctx.WebSockets.AcceptWebSocketAsync().ConfigureAwait(false);
        var session = new StreamSession(socket, combined, listenKey) { Events = EventFilter(ctx.Request.Query["events"].ToString()) };
        state.Hub.Add(session, streams);
        var sender = SendLoopAsync(session, ctx.RequestAborted);
        try
        {
            await ReceiveLoopAsync(session, ctx.RequestAborted).ConfigureAwait(false);
        }
        catch (Exception e) when (e is WebSocketException or OperationCanceledException or ObjectDisposedException)
        {
        }
        finally
        {
            state.Hub.Remove(session);
            await sender.ConfigureAwait(false);
        }
        return true;
    }

    private static async Task SendLoopAsync(StreamSession s, CancellationToken ct)
    {
        try
        {
            await foreach (var text in s.Outgoing.ReadAllAsync(ct).ConfigureAwait(false))
                await s.Socket.SendAsync(Encoding.UTF8.GetBytes(text), WebSocketMessageType.Text, true, ct).ConfigureAwait(false);
            // Open: we end the connection; CloseReceived: the client did, and the handshake wants our close in answer.
            if (s.Socket.State is WebSocketState.Open or WebSocketState.CloseReceived)
                await s.Socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "closed", ct).ConfigureAwait(false);
        }
        catch (Exception e) when (e is WebSocketException or OperationCanceledException or ObjectDisposedException)
        {
            s.Abort();
        }
    }

    private async Task ReceiveLoopAsync(StreamSession s, CancellationToken ct)
    {
        var buffer = new ArrayBufferWriter<byte>(1024);
        while (s.Socket.State == WebSocketState.Open)
        {
            buffer.ResetWrittenCount();
            ValueWebSocketReceiveResult r;
            do
            {
                r = await s.Socket.ReceiveAsync(buffer.GetMemory(1024), ct).ConfigureAwait(false);
                if (r.MessageType == WebSocketMessageType.Close) return;
                buffer.Advance(r.Count);
            } while (!r.EndOfMessage);
            // Pong and ping control frames are handled by the WebSocket layer; only JSON methods reach here.
            if (r.MessageType == WebSocketMessageType.Text) s.Enqueue(HandleMethod(s, buffer.WrittenSpan));
        }
    }

    private string HandleMethod(StreamSession s, ReadOnlySpan<byte> message)
    {
        JsonElement id = default;
        try
        {
            var reader = new Utf8JsonReader(message);
            using var doc = JsonDocument.ParseValue(ref reader);
            var root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("method", out var method))
                return Error(3, "Invalid JSON: expected an object with \"method\"", default);
            if (root.TryGetProperty("id", out var idValue)) id = idValue.Clone();
            var names = root.TryGetProperty("params", out var ps) && ps.ValueKind == JsonValueKind.Array
                ? ps.EnumerateArray().Where(p => p.ValueKind == JsonValueKind.String).Select(p => p.GetString()!).ToList()
                : [];
            switch (method.GetString())
            {
                case "SUBSCRIBE":
                    // A listenKey is a stream too: its user-data events follow on this connection.
                    state.Hub.SubscribeUserData(s, names.Where(state.IsListenKeyActive));
                    state.Hub.Subscribe(s, names.Where(n => !state.IsListenKeyActive(n)));
                    return Result(w => w.WriteNull("result"), id);
                case "UNSUBSCRIBE":
                    state.Hub.UnsubscribeUserData(s, names);
                    state.Hub.Unsubscribe(s, names);
                    return Result(w => w.WriteNull("result"), id);
                case "LIST_SUBSCRIPTIONS":
                    string[] current;
                    lock (state.Sync) current = [.. s.Names];
                    return Result(w =>
                    {
                        w.WriteStartArray("result");
                        foreach (var n in current) w.WriteStringValue(n);
                        w.WriteEndArray();
                    }, id);
                case "SET_PROPERTY" when ps.ValueKind == JsonValueKind.Array && ps.GetArrayLength() == 2 && ps[0].GetString() == "combined":
                    lock (state.Sync) s.Combined = ps[1].ValueKind == JsonValueKind.True;
                    return Result(w => w.WriteNull("result"), id);
                case "GET_PROPERTY" when names is ["combined"]:
                    return Result(w => w.WriteBoolean("result", s.Combined), id);
                default:
                    return Error(2, "Invalid request: unknown method", id);
            }
        }
        catch (JsonException)
        {
            return Error(3, "Invalid JSON", id);
        }
    }

    /// <summary><c>events=ORDER_TRADE_UPDATE/ACCOUNT_UPDATE</c> (also comma-separated): only those user-data events; null = all.</summary>
    private static HashSet<string>? EventFilter(string events) =>
        events.Length == 0 ? null : [.. events.Split(['/', ','], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)];

    private static string Result(Action<Utf8JsonWriter> result, JsonElement id) => JsonText.Write(w =>
    {
        w.WriteStartObject();
        result(w);
        w.WritePropertyName("id");
        if (id.ValueKind == JsonValueKind.Undefined) w.WriteNullValue();
        else id.WriteTo(w);
        w.WriteEndObject();
    });

    private static string Error(int code, string msg, JsonElement id) => JsonText.Write(w =>
    {
        w.WriteStartObject();
        w.WriteStartObject("error");
        w.WriteNumber("code", code);
        w.WriteString("msg", msg);
        w.WriteEndObject();
        w.WritePropertyName("id");
        if (id.ValueKind == JsonValueKind.Undefined) w.WriteNullValue();
        else id.WriteTo(w);
        w.WriteEndObject();
    });
}
