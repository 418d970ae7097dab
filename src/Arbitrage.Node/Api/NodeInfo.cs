using System.Diagnostics;
using System.Reflection;
using Arbitrage.Engine.Persistence;

namespace Arbitrage.Node.Api;

/// <summary>Static facts about this node process for /api/health.</summary>
public sealed record NodeInfo(Database Database, Stopwatch Uptime)
{
    public static string Version { get; } =
        typeof(NodeInfo).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0]
        ?? typeof(NodeInfo).Assembly.GetName().Version?.ToString() ?? "0.0.0";
}
