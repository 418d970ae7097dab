using System.Net;
using System.Net.WebSockets;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Arbitrage.Binance.Tests.Streams;

/// <summary>One message of a script: its bytes, its type, and the fragment size it is sent in (0 = whole).</summary>
public sealed record ScriptedMessage(byte[] Bytes, WebSocketMessageType Type = WebSocketMessageType.Text, int FragmentSize = 0);

/// <summary>
/// A tiny WebSocket server on 127.0.0.1:0 (Kestrel) that plays a script to each connection, then
/// keeps it open until the client leaves: lets tests send what no exchange should (malformed,
/// fragmented, binary, oversized frames).
/// </summary>
public sealed class ScriptedWebSocketServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private int _connections;

    private ScriptedWebSocketServer(WebApplication app, Uri url)
    {
        _app = app;
        Url = url;
    }

    public Uri Url { get; }

    public int Connections => Volatile.Read(ref _connections);

    public static async Task<ScriptedWebSocketServer> StartAsync(IReadOnlyList<ScriptedMessage> script)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, 0));
        var app = builder.Build();
        app.UseWebSockets();
        ScriptedWebSocketServer? server = null;
        app.Run(async ctx =>
        {
            if (!ctx.WebSockets.IsWebSocketRequest)
            {
                ctx.Response.StatusCode = 400;
                return;
            }

            Interlocked.Increment(ref server!._connections);
            using var ws = await ctx.WebSockets.AcceptWebSocketAsync();
            var ct = ctx.RequestAborted;
            try
            {
                foreach (var m in script)
                {
                    var size = m.FragmentSize > 0 ? m.FragmentSize : Math.Max(1, m.Bytes.Length);
                    for (var at = 0; at < m.Bytes.Length || at == 0; at += size)
                    {
                        var n = Math.Min(size, m.Bytes.Length - at);
                        await ws.SendAsync(m.Bytes.AsMemory(at, n), m.Type, at + n >= m.Bytes.Length, ct);
                        if (m.Bytes.Length == 0)
                        {
                            break;
                        }
                    }
                }

                var buffer = new byte[256];
                while (ws.State == WebSocketState.Open)
                {
                    var r = await ws.ReceiveAsync(buffer, ct);
                    if (r.MessageType == WebSocketMessageType.Close)
                    {
                        await ws.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "bye", ct);
                    }
                }
            }
            catch (Exception e) when (e is WebSocketException or OperationCanceledException)
            {
            }
        });
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        server = new ScriptedWebSocketServer(app, new Uri(new Uri(address.Replace("http", "ws", StringComparison.Ordinal)), "/stream?streams=x"));
        return server;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
