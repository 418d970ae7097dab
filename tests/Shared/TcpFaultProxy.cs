using System.Net;
using System.Net.Sockets;

namespace Arbitrage.Testing;

/// <summary>
/// A TCP proxy on 127.0.0.1 in front of a real server (PostgreSQL) that a test can cut and restore: an outage of the
/// database as the node sees it — open connections reset, new ones refused — without stopping the shared server.
/// </summary>
public sealed class TcpFaultProxy : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly string _targetHost;
    private readonly int _targetPort;
    private readonly CancellationTokenSource _stop = new();
    private readonly List<(TcpClient Client, TcpClient Server)> _pairs = [];
    private readonly Task _accepting;
    private volatile bool _down;

    private TcpFaultProxy(string targetHost, int targetPort)
    {
        _targetHost = targetHost;
        _targetPort = targetPort;
        _listener.Start();
        _accepting = AcceptAsync();
    }

    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    public bool IsDown => _down;

    /// <summary>Connections accepted so far (a cut resets them; new ones count while down too).</summary>
    public int Accepted { get; private set; }

    public static TcpFaultProxy Start(string targetHost, int targetPort) => new(targetHost, targetPort);

    /// <summary>
    /// A PostgreSQL connection string that goes through a new proxy: same database and credentials, host and port of the
    /// proxy, no pooled connection kept across the outage.
    /// </summary>
    public static (TcpFaultProxy Proxy, string ConnectionString) ForPostgres(string connectionString)
    {
        var builder = new Npgsql.NpgsqlConnectionStringBuilder(connectionString);
        var proxy = Start(builder.Host ?? "127.0.0.1", builder.Port);
        builder.Host = "127.0.0.1";
        builder.Port = proxy.Port;
        builder.Timeout = 3;
        return (proxy, builder.ConnectionString);
    }

    /// <summary>The outage: every open connection is reset; connections made meanwhile are closed at once.</summary>
    public void Cut()
    {
        _down = true;
        lock (_pairs)
        {
            foreach (var (client, server) in _pairs)
            {
                Close(client);
                Close(server);
            }

            _pairs.Clear();
        }
    }

    public void Restore() => _down = false;

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        Cut();
        try
        {
            await _accepting;
        }
        catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
        {
            // Stopped.
        }

        _stop.Dispose();
    }

    private static void Close(TcpClient c)
    {
        try
        {
            if (c.Client is { } socket)
            {
                socket.LingerState = new LingerOption(true, 0); // a reset, as a dropped server looks
            }

            c.Close();
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException)
        {
            // Already gone.
        }
    }

    private async Task AcceptAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            var client = await _listener.AcceptTcpClientAsync(_stop.Token);
            Accepted++;
            if (_down)
            {
                Close(client);
                continue;
            }

            var server = new TcpClient();
            try
            {
                await server.ConnectAsync(_targetHost, _targetPort, _stop.Token);
            }
            catch (SocketException)
            {
                Close(client);
                server.Dispose();
                continue;
            }

            lock (_pairs)
            {
                _pairs.Add((client, server));
            }

            _ = PumpAsync(client, server);
            _ = PumpAsync(server, client);
        }
    }

    private async Task PumpAsync(TcpClient from, TcpClient to)
    {
        var buffer = new byte[16 * 1024];
        try
        {
            var input = from.GetStream();
            var output = to.GetStream();
            while (true)
            {
                var n = await input.ReadAsync(buffer, _stop.Token);
                if (n == 0)
                {
                    break;
                }

                await output.WriteAsync(buffer.AsMemory(0, n), _stop.Token);
            }
        }
        catch (Exception e) when (e is IOException or SocketException or ObjectDisposedException or OperationCanceledException or InvalidOperationException)
        {
            // The other side or the cut closed it.
        }
        finally
        {
            Close(from);
            Close(to);
        }
    }
}
