using System.Globalization;
using Arbitrage.Binance.Tapes;

namespace Arbitrage.Binance.Tests.Simulator;

/// <summary>Builds small tapes in memory: aggTrades at chosen prices, one second apart.</summary>
public sealed class SimTape
{
    private readonly List<TapeFrame> _frames = [];
    private long _time = 1_717_000_000_000;
    private long _id = 5_000;

    public const string Symbol = "BTCUSDT";

    public SimTape Trade(decimal price, decimal qty = 0.5m, bool buyerMaker = false, string symbol = Symbol)
    {
        _time += 1000;
        _id++;
        var p = price.ToString(CultureInfo.InvariantCulture);
        var q = qty.ToString(CultureInfo.InvariantCulture);
        var json = $$"""{"e":"aggTrade","E":{{_time}},"a":{{_id}},"s":"{{symbol}}","p":"{{p}}","q":"{{q}}","f":{{_id * 10}},"l":{{_id * 10 + 1}},"T":{{_time}},"m":{{(buyerMaker ? "true" : "false")}}}""";
        _frames.Add(new TapeFrame(_time, symbol.ToLowerInvariant() + "@aggTrade", json));
        return this;
    }

    public SimTape Trades(params decimal[] prices)
    {
        foreach (var p in prices) Trade(p);
        return this;
    }

    public SimTape MarkPrice(decimal mark, decimal rate, long nextFunding, string symbol = Symbol)
    {
        _time += 1000;
        var json = $$"""{"e":"markPriceUpdate","E":{{_time}},"s":"{{symbol}}","p":"{{mark}}","P":"{{mark}}","i":"{{mark - 1}}","r":"{{rate.ToString(CultureInfo.InvariantCulture)}}","T":{{nextFunding}}}""";
        _frames.Add(new TapeFrame(_time, symbol.ToLowerInvariant() + "@markPrice@1s", json));
        return this;
    }

    public long Now => _time;

    public IReadOnlyList<TapeFrame> Frames => _frames;

    /// <summary>Writes the tape as our JSONL format (for the standalone process and file-based loading).</summary>
    public string WriteJsonl(string path)
    {
        using var w = new JsonlTapeWriter(path);
        foreach (var f in _frames) w.Write(f);
        return path;
    }
}
