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
    private readonly ListenKeySlot _futuresKey = new();
    private readonly ListenKeySlot _spotKey = new();

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
        Spot = new SpotAccount(Sync, options.Spot, s => _markets.GetValueOrDefault(s), () => TapeNowMs, PushSpotUserData);
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

    // ---- user data / listenKeys: one USD-M key (/fapi/v1/listenKey) and one spot key (/api/v3/userDataStream) ----

    /// <summary>Creates the USD-M key, or extends and returns the active one.</summary>
    internal string CreateListenKey() => Create(_futuresKey);

    /// <summary>Creates the spot key (<c>POST /api/v3/userDataStream</c>), or extends and returns the active one.</summary>
    internal string CreateSpotListenKey() => Create(_spotKey);

    /// <summary>Extends the USD-M key; null when there is none or it expired (Binance -1125).</summary>
    internal string? KeepAliveListenKey() => KeepAlive(_futuresKey, null);

    /// <summary>Extends the spot key named by the request; null when it is not the active one (Binance -1125).</summary>
    internal string? KeepAliveSpotListenKey(string key) => KeepAlive(_spotKey, key);

    internal void CloseListenKey() => Close(_futuresKey);

    /// <summary>Closes the spot key named by the request; false when it is not the active one.</summary>
    internal bool CloseSpotListenKey(string key)
    {
        lock (Sync)
        {
            if (!IsActive(_spotKey, key)) return false;
            Close(_spotKey);
            return true;
        }
    }

    /// <summary>Expires the USD-M key now (tests of the recreate path); its connections get <c>listenKeyExpired</c>.</summary>
    public void ExpireListenKey() => CloseListenKey();

    /// <summary>Expires the spot key now; its connections get <c>listenKeyExpired</c>.</summary>
    public void ExpireSpotListenKey() => Close(_spotKey);

    /// <summary>True for the active USD-M or spot key (a WebSocket path naming it is that account's user-data stream).</summary>
    internal bool IsListenKeyActive(string? key)
    {
        lock (Sync) return IsActive(_futuresKey, key) || IsActive(_spotKey, key);
    }

    private string Create(ListenKeySlot slot)
    {
        lock (Sync)
        {
            var now = Options.Time.GetUtcNow();
            if (slot.Key is null || now >= slot.Expires)
                slot.Key = Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32));
            slot.Expires = now + Options.ListenKeyValidity;
            return slot.Key;
        }
    }

    private string? KeepAlive(ListenKeySlot slot, string? key)
    {
        lock (Sync)
        {
            if (!IsActive(slot, key ?? slot.Key)) return null;
            slot.Expires = Options.Time.GetUtcNow() + Options.ListenKeyValidity;
            return slot.Key;
        }
    }

    private void Close(ListenKeySlot slot)
    {
        lock (Sync)
        {
            if (slot.Key is { } key) Hub.EndUserData(key, ExpiredEvent(key));
            slot.Key = null;
        }
    }

    private bool IsActive(ListenKeySlot slot, string? key)
    {
        if (key is null || key != slot.Key) return false;
        if (Options.Time.GetUtcNow() < slot.Expires) return true;
        Hub.EndUserData(key, ExpiredEvent(key));
        slot.Key = null;
        return false;
    }

    private void PushUserData(string payload)
    {
        if (_futuresKey.Key is { } key && IsListenKeyActive(key)) Hub.PublishUserData(key, payload);
    }

    private void PushSpotUserData(string payload)
    {
        if (_spotKey.Key is { } key && IsListenKeyActive(key)) Hub.PublishUserData(key, payload);
    }

    private string ExpiredEvent(string key) =>
        $"{{\"e\":\"listenKeyExpired\",\"E\":{WallNowMs},\"listenKey\":\"{key}\"}}";

    private sealed class ListenKeySlot
    {
        public string? Key { get; set; }
        public DateTimeOffset Expires { get; set; }
    }
}
