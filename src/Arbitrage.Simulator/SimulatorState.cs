using System.Text.Json;
using Arbitrage.Simulator.Exchange;
using Arbitrage.Simulator.Http;
using Arbitrage.Simulator.Market;
using Arbitrage.Simulator.Streams;
using Arbitrage.Simulator.Tape;

namespace Arbitrage.Simulator;

/// <summary>
/// Everything the simulator knows, behind one lock: the market as the tape has shown it so far, the
/// account, the WebSocket sessions, listenKeys. The tape player, HTTP handlers and tests all go through it.
/// </summary>
public sealed class SimulatorState
{
    private readonly Dictionary<string, SymbolMarket> _markets = new(StringComparer.Ordinal);
    private readonly HashSet<string> _depthGapSymbols = [];
    private bool _depthGapAll;
    private string? _listenKey;
    private DateTimeOffset _listenKeyExpires;

    internal SimulatorState(SimulatorOptions options, SimFrame[] frames)
    {
        Options = options;
        Frames = frames;
        Hub = new StreamHub(Sync);
        foreach (var f in frames)
            if (f.Symbol.Length > 0 && !_markets.ContainsKey(f.Symbol)) _markets[f.Symbol] = new SymbolMarket(f.Symbol);
        foreach (var s in options.Symbols.Keys)
            if (!_markets.ContainsKey(s)) _markets[s] = new SymbolMarket(s);
        Exchange = new SimExchange(Sync, options, s => _markets.GetValueOrDefault(s), () => TapeNowMs, PushUserData);
        Spot = new SpotAccount(Sync, options.Spot, s => _markets.GetValueOrDefault(s), () => TapeNowMs);
        TapeNowMs = frames.Length > 0 ? frames[0].EventTimeMs : options.Time.GetUtcNow().ToUnixTimeMilliseconds();
    }

    internal object Sync { get; } = new();
    public SimulatorOptions Options { get; }
    internal SimFrame[] Frames { get; }
    public StreamHub Hub { get; }
    public SimExchange Exchange { get; }

    /// <summary>The spot account (<c>/api/v3</c> orders and balances).</summary>
    public SpotAccount Spot { get; }

    /// <summary>Event time of the last frame played (the tape's "now").</summary>
    public long TapeNowMs { get; private set; }

    /// <summary>Index of the next frame to play.</summary>
    public int Position { get; private set; }

    public bool AtEnd { get { lock (Sync) return Position >= Frames.Length; } }

    public IReadOnlyCollection<string> Symbols { get { lock (Sync) return _markets.Keys.ToArray(); } }

    internal SymbolMarket? Market(string symbol) => _markets.GetValueOrDefault(symbol);

    internal IEnumerable<SymbolMarket> Markets => _markets.Values;

    public long WallNowMs => Options.Time.GetUtcNow().ToUnixTimeMilliseconds();

    /// <summary>Plays the next frame; false at the end of the tape.</summary>
    internal bool PlayNext()
    {
        lock (Sync)
        {
            if (Position >= Frames.Length) return false;
            Apply(Frames[Position++]);
            return true;
        }
    }

    internal void Rewind()
    {
        lock (Sync)
        {
            Position = 0;
            foreach (var m in _markets.Values) m.Reset();
            TapeNowMs = Frames.Length > 0 ? Frames[0].EventTimeMs : TapeNowMs;
        }
    }

    internal void ForceDepthGap(string? symbol)
    {
        lock (Sync)
        {
            if (symbol is null) _depthGapAll = true;
            else _depthGapSymbols.Add(symbol.ToUpperInvariant());
        }
    }

    private void Apply(SimFrame f)
    {
        TapeNowMs = Math.Max(TapeNowMs, f.EventTimeMs);
        var market = f.Symbol.Length > 0 ? _markets.GetValueOrDefault(f.Symbol) : null;
        switch (f.Kind)
        {
            case FrameKind.AggTrade:
                market?.OnTrade(f.Trade);
                Hub.Publish(f.StreamKey, f.Json);
                Exchange.OnTrade(f.Symbol, f.Trade);
                break;
            case FrameKind.Trade:
                market?.OnTrade(f.Trade);
                Hub.Publish(f.StreamKey, f.Json);
                // Futures clients want aggTrade: a raw trade is an aggTrade of one fill.
                Hub.Publish(f.Symbol.ToLowerInvariant() + "@aggTrade", SynthesizedAggTrade(f));
                Exchange.OnTrade(f.Symbol, f.Trade);
                break;
            case FrameKind.DepthUpdate:
                using (var doc = JsonDocument.Parse(f.Json)) market?.Book.ApplyDiff(doc.RootElement);
                if (_depthGapAll || _depthGapSymbols.Remove(f.Symbol))
                {
                    _depthGapAll = false; // this diff is applied to the book but never sent: subscribers see pu != last u
                    break;
                }
                Hub.Publish(f.StreamKey, f.Json);
                break;
            case FrameKind.DepthSnapshot:
                using (var doc = JsonDocument.Parse(f.Json)) market?.Book.ApplySnapshot(doc.RootElement);
                break;
            case FrameKind.BookTicker:
                using (var doc = JsonDocument.Parse(f.Json)) market?.OnBookTicker(doc.RootElement);
                Hub.Publish(f.StreamKey, f.Json);
                break;
            case FrameKind.MarkPrice:
                using (var doc = JsonDocument.Parse(f.Json)) market?.OnMarkPrice(doc.RootElement, f.EventTimeMs);
                Hub.Publish(f.StreamKey, f.Json);
                break;
            default:
                Hub.Publish(f.StreamKey, f.Json);
                break;
        }
        if (market is not null) Spot.OnMarketUpdate(f.Symbol);
    }

    private static string SynthesizedAggTrade(SimFrame f) => JsonText.Write(w =>
    {
        var t = f.Trade;
        w.WriteStartObject();
        w.WriteString("e", "aggTrade");
        w.WriteNumber("E", f.EventTimeMs);
        w.WriteNumber("a", t.Id);
        w.WriteString("s", f.Symbol);
        w.WriteString("p", t.PriceText);
        w.WriteString("q", t.QuantityText);
        w.WriteNumber("f", t.FirstId);
        w.WriteNumber("l", t.LastId);
        w.WriteNumber("T", t.TimeMs);
        w.WriteBoolean("m", t.IsBuyerMaker);
        w.WriteEndObject();
    });

    // ---- user data / listenKey (one account, one key, like USD-M) ----

    /// <summary>Creates the key, or extends and returns the active one.</summary>
    internal string CreateListenKey()
    {
        lock (Sync)
        {
            var now = Options.Time.GetUtcNow();
            if (_listenKey is null || now >= _listenKeyExpires)
                _listenKey = Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32));
            _listenKeyExpires = now + Options.ListenKeyValidity;
            return _listenKey;
        }
    }

    /// <summary>Extends the key; null when there is none or it expired (Binance -1125).</summary>
    internal string? KeepAliveListenKey()
    {
        lock (Sync)
        {
            if (!IsListenKeyActive(_listenKey)) return null;
            _listenKeyExpires = Options.Time.GetUtcNow() + Options.ListenKeyValidity;
            return _listenKey;
        }
    }

    internal void CloseListenKey()
    {
        lock (Sync)
        {
            if (_listenKey is { } key) Hub.EndUserData(key, ExpiredEvent(key));
            _listenKey = null;
        }
    }

    /// <summary>Expires the key now (tests of the recreate path); its connections get <c>listenKeyExpired</c>.</summary>
    public void ExpireListenKey() => CloseListenKey();

    internal bool IsListenKeyActive(string? key)
    {
        lock (Sync)
        {
            if (key is null || key != _listenKey) return false;
            if (Options.Time.GetUtcNow() < _listenKeyExpires) return true;
            Hub.EndUserData(key, ExpiredEvent(key));
            _listenKey = null;
            return false;
        }
    }

    private void PushUserData(string payload)
    {
        if (_listenKey is { } key && IsListenKeyActive(key)) Hub.PublishUserData(key, payload);
    }

    private string ExpiredEvent(string key) =>
        $"{{\"e\":\"listenKeyExpired\",\"E\":{WallNowMs},\"listenKey\":\"{key}\"}}";
}
