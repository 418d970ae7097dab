using System.Net;
using System.Net.Sockets;
using Arbitrage.Testing;

namespace Arbitrage.Node.Tests.MultiNode;

/// <summary>Files and ports the multi-node and serialization tests give their node processes.</summary>
internal static class ClusterTestFiles
{
    /// <summary>A strategy that trades on trades alone (threshold 50: the CVD direction agreeing on every window), so signals and trades flow.</summary>
    public const string TradingStrategy = """
        {
          "id": "wire_check",
          "version": "1",
          "description": "Test strategy: CVD direction alone clears the threshold, so signals reach the risk guard and the executor.",
          "symbols": ["*"],
          "threshold": 50,
          "cooldown_minutes": 5,
          "signals": {
            "cvd":   { "weight": 70, "params": { "base_share": 0.7 } },
            "p99":   { "weight": 15, "params": { "full_imbalance": 0.5 } },
            "accel": { "weight": 15, "params": { "full_ratio": 1.0 } }
          },
          "tp_sl": { "sl_atr": 1.4, "tp1_atr": 1.05, "tp2_atr": 2.1 },
          "enabled": true
        }
        """;

    /// <summary>A strategies folder with the shipped strategies, the carry configuration and <see cref="TradingStrategy"/>.</summary>
    public static string Strategies(string work)
    {
        var dir = Path.Combine(work, "strategies");
        Directory.CreateDirectory(Path.Combine(dir, "carry"));
        foreach (var file in Directory.GetFiles(RepoPaths.Strategies, "*.json"))
        {
            File.Copy(file, Path.Combine(dir, Path.GetFileName(file)));
        }

        foreach (var file in Directory.GetFiles(Path.Combine(RepoPaths.Strategies, "carry"), "*.json"))
        {
            File.Copy(file, Path.Combine(dir, "carry", Path.GetFileName(file)));
        }

        File.WriteAllText(Path.Combine(dir, "wire_check.json"), TradingStrategy);
        return dir;
    }

    /// <summary>The repository's HOCON with <paramref name="extra"/> appended to cluster.conf (the last file layered).</summary>
    public static string Hocon(string work, string extra)
    {
        var dir = Path.Combine(work, "hocon");
        Directory.CreateDirectory(dir);
        foreach (var file in Directory.GetFiles(RepoPaths.Hocon, "*.conf"))
        {
            File.Copy(file, Path.Combine(dir, Path.GetFileName(file)));
        }

        File.AppendAllText(Path.Combine(dir, "cluster.conf"), Environment.NewLine + extra + Environment.NewLine);
        return dir;
    }

    /// <summary>A loopback port free right now (the remoting port of a node that others must name as a seed).</summary>
    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public static string Tape => Path.Combine(RepoPaths.Fixtures, "BTCUSD_PERP-aggTrades-2026-05-08.head20000.zip");
}
