namespace Arbitrage.Simulator.Streams;

/// <summary>
/// Routes tape frames and user-data events to the connected sessions. Called under the simulator's
/// lock, so every session sees frames in tape order.
/// </summary>
public sealed class StreamHub(object sync)
{
    private readonly List<StreamSession> _sessions = [];

    /// <summary>Raised (under the lock) the first time any session subscribes to a market stream.</summary>
    public event Action? FirstSubscriber;

    private bool _hadSubscriber;

    /// <summary>Raised (under the lock) when a connection has been registered; user-data sessions carry their listenKey.</summary>
    public event Action<StreamSession>? SessionOpened;

    public int SessionCount { get { lock (sync) return _sessions.Count; } }

    /// <summary>The canonical market streams some session is subscribed to, and how many user-data connections are open (for <c>GET /sim/state</c>).</summary>
    public (string[] Streams, int UserDataSessions) Subscriptions()
    {
        lock (sync)
        {
            var streams = _sessions.SelectMany(s => s.ByKey.Keys).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToArray();
            return (streams, _sessions.Count(s => s.ListenKey is not null));
        }
    }

    internal void Add(StreamSession s, IEnumerable<string> streams)
    {
        lock (sync)
        {
            _sessions.Add(s);
            Subscribe(s, streams);
            SessionOpened?.Invoke(s);
        }
    }

    internal void Remove(StreamSession s)
    {
        lock (sync) _sessions.Remove(s);
        s.Complete();
    }

    internal void Subscribe(StreamSession s, IEnumerable<string> streams)
    {
        lock (sync)
        {
            var any = false;
            foreach (var name in streams)
            {
                if (name.Length == 0 || s.Names.Contains(name)) continue;
                s.Names.Add(name);
                var key = StreamNames.Canonical(name);
                if (!s.ByKey.TryGetValue(key, out var names)) s.ByKey[key] = names = [];
                names.Add(name);
                any = true;
            }
            if (any && !_hadSubscriber)
            {
                _hadSubscriber = true;
                FirstSubscriber?.Invoke();
            }
        }
    }

    internal void Unsubscribe(StreamSession s, IEnumerable<string> streams)
    {
        lock (sync)
        {
            foreach (var name in streams)
            {
                if (!s.Names.Remove(name)) continue;
                var key = StreamNames.Canonical(name);
                if (s.ByKey.TryGetValue(key, out var names))
                {
                    names.Remove(name);
                    if (names.Count == 0) s.ByKey.Remove(key);
                }
            }
        }
    }

    /// <summary>Sends <paramref name="payload"/> to every session subscribed to <paramref name="key"/>.</summary>
    internal void Publish(string key, string payload)
    {
        foreach (var s in _sessions)
        {
            if (!s.ByKey.TryGetValue(key, out var names)) continue;
            foreach (var name in names) s.Send(name, payload);
        }
    }

    /// <summary>A listenKey subscribed on an open connection (Binance's private <c>SUBSCRIBE</c>): its events follow there.</summary>
    internal void SubscribeUserData(StreamSession s, IEnumerable<string> listenKeys)
    {
        lock (sync)
        {
            foreach (var key in listenKeys)
            {
                s.ListenKey = key;
                if (!s.Names.Contains(key)) s.Names.Add(key);
            }
        }
    }

    internal void UnsubscribeUserData(StreamSession s, IEnumerable<string> names)
    {
        lock (sync)
        {
            foreach (var name in names)
            {
                if (s.ListenKey != name) continue;
                s.ListenKey = null;
                s.Names.Remove(name);
            }
        }
    }

    internal void PublishUserData(string listenKey, string payload)
    {
        foreach (var s in _sessions)
            if (s.ListenKey == listenKey && (s.Events is null || s.Events.Contains(EventType(payload)))) s.Send(listenKey, payload);
    }

    /// <summary>The <c>"e"</c> of a user-data payload we wrote ourselves (compact JSON).</summary>
    private static string EventType(string payload)
    {
        var at = payload.IndexOf("\"e\":\"", StringComparison.Ordinal);
        if (at < 0) return "";
        at += 5;
        var end = payload.IndexOf('"', at);
        return end < 0 ? "" : payload[at..end];
    }

    /// <summary>Closes the user-data connections of a key after sending them <paramref name="finalPayload"/>.</summary>
    internal void EndUserData(string listenKey, string finalPayload)
    {
        foreach (var s in _sessions.Where(s => s.ListenKey == listenKey).ToArray())
        {
            s.Send(listenKey, finalPayload);
            s.Complete();
        }
    }

    /// <summary>Aborts every connection now.</summary>
    public int DropAll() => Drop(null);

    /// <summary>Aborts the connections subscribed to <paramref name="stream"/> (any name of it: <c>ethbtc@depth@100ms</c>), or all when null.</summary>
    public int Drop(string? stream)
    {
        StreamSession[] hit;
        var key = stream is null ? null : StreamNames.Canonical(stream);
        lock (sync) hit = _sessions.Where(s => key is null || s.ByKey.ContainsKey(key)).ToArray();
        foreach (var s in hit) s.Abort();
        return hit.Length;
    }

    internal void ResetFirstSubscriber()
    {
        lock (sync) _hadSubscriber = false;
    }
}
