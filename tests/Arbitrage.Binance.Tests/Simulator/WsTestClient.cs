using System.Net.WebSockets;
using System.Text;
using System.Text.Json;

namespace Arbitrage.Binance.Tests.Simulator;

/// <summary>A WebSocket client for tests: every receive has a bounded timeout.</summary>
public sealed class WsTestClient : IAsyncDisposable
{
    private readonly ClientWebSocket _ws = new();

    public static async Task<WsTestClient> ConnectAsync(Uri uri)
    {
        var c = new WsTestClient();
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        await c._ws.ConnectAsync(uri, cts.Token);
        return c;
    }

    public WebSocketState State => _ws.State;

    public async Task<string> ReceiveAsync(TimeSpan? timeout = null)
    {
        using var cts = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(10));
        var buffer = new byte[64 * 1024];
        using var ms = new MemoryStream();
        while (true)
        {
            var r = await _ws.ReceiveAsync(buffer, cts.Token);
            if (r.MessageType == WebSocketMessageType.Close) throw new WebSocketException("closed by server");
            ms.Write(buffer, 0, r.Count);
            if (r.EndOfMessage) return Encoding.UTF8.GetString(ms.ToArray());
        }
    }

    public async Task<JsonElement> ReceiveJsonAsync() => JsonDocument.Parse(await ReceiveAsync()).RootElement.Clone();

    public async Task SendAsync(string text)
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        await _ws.SendAsync(Encoding.UTF8.GetBytes(text), WebSocketMessageType.Text, true, cts.Token);
    }

    /// <summary>Sends a method call and returns its answer (the first frame with that id).</summary>
    public async Task<JsonElement> CallAsync(string method, int id, params string[] ps)
    {
        await SendAsync(JsonSerializer.Serialize(new { method, @params = ps, id }));
        while (true)
        {
            var msg = await ReceiveJsonAsync();
            if (msg.TryGetProperty("id", out var i) && i.ValueKind == JsonValueKind.Number && i.GetInt32() == id) return msg;
        }
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (_ws.State == WebSocketState.Open)
            {
                using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(2));
                await _ws.CloseAsync(WebSocketCloseStatus.NormalClosure, "bye", cts.Token);
            }
        }
        catch (Exception e) when (e is WebSocketException or OperationCanceledException)
        {
        }
        _ws.Dispose();
    }
}
