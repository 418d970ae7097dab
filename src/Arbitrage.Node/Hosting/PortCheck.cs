using System.Net;
using System.Net.Sockets;

namespace Arbitrage.Node.Hosting;

/// <summary>
/// Before anything starts: the HTTP port(s) of <c>Http:Urls</c> and the remoting port <c>Cluster:Port</c>
/// (when fixed) must be free, so a second node on the same ports stops with one line instead of failing
/// after it has opened the database and started actors. Port 0 (any free port) is never checked.
/// </summary>
public static class PortCheck
{
    /// <summary>Null when every fixed port can be bound; else one line naming the port and its key/switch.</summary>
    public static string? FindPortInUse(NodeOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        foreach (var url in options.Http.Urls.Split(';', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            if (TryParseHttpUrl(url, out var address, out var port) && port != 0 && IsInUse(address, port))
            {
                return $"Http:Urls (ARB__Http__Urls, --urls): port {port} is already in use ({url}): another node or program listens there; stop it or choose another port.";
            }
        }

        if (options.Cluster.Port != 0 && IsInUse(AddressOf(options.Cluster.Hostname), options.Cluster.Port))
        {
            return $"Cluster:Port (ARB__Cluster__Port, --port): port {options.Cluster.Port} on {options.Cluster.Hostname} is already in use: another node or program listens there; stop it or choose another port.";
        }

        return null;
    }

    private static bool TryParseHttpUrl(string url, out IPAddress address, out int port)
    {
        // Kestrel's wildcards (http://*:5080, http://+:5080) are not valid URI hosts.
        var normalized = url.Replace("://*", "://0.0.0.0", StringComparison.Ordinal).Replace("://+", "://0.0.0.0", StringComparison.Ordinal);
        if (Uri.TryCreate(normalized, UriKind.Absolute, out var uri))
        {
            address = AddressOf(uri.Host.Trim('[', ']'));
            port = uri.Port;
            return true;
        }

        address = IPAddress.None;
        port = 0;
        return false;
    }

    /// <summary>An IP literal as given; localhost = loopback; any other name binds all interfaces (as Kestrel does).</summary>
    private static IPAddress AddressOf(string host) =>
        IPAddress.TryParse(host, out var ip) ? ip
        : string.Equals(host, "localhost", StringComparison.OrdinalIgnoreCase) ? IPAddress.Loopback
        : IPAddress.Any;

    private static bool IsInUse(IPAddress address, int port)
    {
        using var socket = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        if (!OperatingSystem.IsWindows())
        {
            // As Kestrel does: connections of a process that just exited (TIME_WAIT) do not block, a listener does.
            socket.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
        }

        try
        {
            socket.Bind(new IPEndPoint(address, port));
            return false;
        }
        catch (SocketException e) when (e.SocketErrorCode == SocketError.AddressAlreadyInUse)
        {
            return true;
        }
        catch (SocketException)
        {
            // Not ours to judge here (no such address, a privileged port): the server's own bind reports it.
            return false;
        }
    }
}
