using System.Text.RegularExpressions;
using Arbitrage.Core.Execution;
using Arbitrage.Core.Risk;
using Arbitrage.Core.Strategies;
using Arbitrage.Engine.Execution;
using Arbitrage.Engine.Risk;
using Arbitrage.Engine.Strategies;
using Arbitrage.Engine.Symbols;
using Arbitrage.Engine.Topics;
using Arbitrage.Engine.Triangles;

namespace Arbitrage.Node.Api.Live;

/// <summary>
/// The stream names a client asks for (<c>?topics=signals,indicators,risk,trades,strategies,triangles</c>), the pub-sub topics behind
/// them, and which published messages each stream passes on. <c>risk</c> and <c>trades</c> share the guard's topic.
/// </summary>
public static partial class LiveTopics
{
    public const string Signals = "signals";
    public const string Indicators = "indicators";
    public const string Risk = "risk";
    public const string Trades = "trades";

    /// <summary>Strategy files loaded, rejected or removed (the <c>strategy-events</c> topic).</summary>
    public const string Strategies = "strategies";

    /// <summary>Triangle opportunity episodes opened and closed, and cycle attempts as they end (the <c>triangles</c> topic).</summary>
    public const string Triangles = "triangles";

    public static readonly IReadOnlyList<string> All = [Signals, Indicators, Risk, Trades, Strategies, Triangles];

    /// <summary>Indicators are one message per symbol per tick: opt-in.</summary>
    public static readonly IReadOnlyList<string> Default = [Signals, Risk, Trades];

    /// <summary>Parses the comma-separated list; null with an error message when a name is unknown.</summary>
    public static IReadOnlyList<string>? Parse(string? value, out string? error)
    {
        error = null;
        if (string.IsNullOrWhiteSpace(value))
        {
            return Default;
        }

        var names = value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(n => n.ToLowerInvariant()).Distinct(StringComparer.Ordinal).ToList();
        var unknown = names.Where(n => !All.Contains(n)).ToList();
        if (unknown.Count > 0 || names.Count == 0)
        {
            error = $"comma-separated list of {string.Join(", ", All)}";
            return null;
        }

        return names;
    }

    public static bool IsValidSymbol(string symbol) => SymbolPattern().IsMatch(symbol);

    /// <summary>The pub-sub topics to subscribe for the requested streams (a symbol narrows indicators to its own topic).</summary>
    public static IReadOnlyList<string> PubSubTopics(IReadOnlyList<string> streams, string? symbol)
    {
        var topics = new List<string>();
        foreach (var s in streams)
        {
            var topic = s switch
            {
                Signals => EngineTopics.Signals,
                Indicators => symbol is null ? EngineTopics.Indicators : EngineTopics.IndicatorsOf(symbol),
                Strategies => EngineTopics.StrategyEvents,
                Triangles => EngineTopics.Triangles,
                _ => RiskTopics.Risk,
            };
            if (!topics.Contains(topic))
            {
                topics.Add(topic);
            }
        }

        return topics;
    }

    /// <summary>The stream a published message belongs to, or null for messages no client stream carries.</summary>
    public static string? StreamOf(object message) => message switch
    {
        SignalEmitted => Signals,
        IndicatorSnapshot => Indicators,
        TradeClosed or TradeAborted or TradePlanned => Trades,
        SignalRejected or ReconciliationDifference or ExecutorReady => Risk,
        StrategyFileLoaded or StrategyFileRejected or StrategyFileRemoved => Strategies,
        IRiskEvent => Risk,
        TriangleEpisodeChanged or TriangleAttemptChanged => Triangles,
        _ => null,
    };

    /// <summary>The symbol a message is about; null when it is not about one symbol (kill switch, breakers).</summary>
    public static string? SymbolOf(object message) => message switch
    {
        SignalEmitted s => s.Symbol,
        IndicatorSnapshot i => i.Symbol,
        TradeClosed t => t.Symbol,
        TradeAborted t => t.Symbol,
        TradePlanned t => t.Symbol,
        SignalRejected r => r.Symbol,
        ReconciliationDifference d => d.Symbol,
        SignalBlocked b => b.Symbol,
        HoldTimeoutAlerted h => h.Symbol,
        ForceCloseOrdered f => f.Symbol,
        _ => null,
    };

    [GeneratedRegex("^[A-Z0-9_]{2,30}$")]
    private static partial Regex SymbolPattern();
}
