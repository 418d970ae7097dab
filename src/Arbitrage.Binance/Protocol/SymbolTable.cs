using System.Text;

namespace Arbitrage.Binance.Protocol;

/// <summary>
/// Resolves UTF-8 symbol bytes ("BTCUSDT") to one interned string per distinct value, so parsing a
/// frame allocates nothing once its symbol has been seen. Lookups are lock-free; adds take a lock.
/// Also used for other small closed vocabularies (kline intervals, order statuses).
/// </summary>
public sealed class SymbolTable
{
    private sealed class Entry(byte[] key, string value, int hash, Entry? next)
    {
        public readonly byte[] Key = key;
        public readonly string Value = value;
        public readonly int Hash = hash;
        public readonly Entry? Next = next;
    }

    private readonly object _gate = new();
    private Entry?[] _buckets = new Entry?[64];
    private int _count;

    /// <summary>A process-wide table; parsers use it unless given their own.</summary>
    public static SymbolTable Shared { get; } = new();

    public int Count => Volatile.Read(ref _count);

    public string GetOrAdd(ReadOnlySpan<byte> utf8)
    {
        int hash = Hash(utf8);
        var buckets = Volatile.Read(ref _buckets);
        for (var e = Volatile.Read(ref buckets[hash & (buckets.Length - 1)]); e is not null; e = e.Next)
        {
            if (e.Hash == hash && utf8.SequenceEqual(e.Key))
            {
                return e.Value;
            }
        }

        return Add(utf8, hash);
    }

    public string GetOrAdd(string symbol) => GetOrAdd(Encoding.UTF8.GetBytes(symbol));

    private string Add(ReadOnlySpan<byte> utf8, int hash)
    {
        lock (_gate)
        {
            var buckets = _buckets;
            for (var e = buckets[hash & (buckets.Length - 1)]; e is not null; e = e.Next)
            {
                if (e.Hash == hash && utf8.SequenceEqual(e.Key))
                {
                    return e.Value;
                }
            }

            if (_count >= buckets.Length)
            {
                buckets = Grow(buckets);
            }

            var key = utf8.ToArray();
            string value = string.Intern(Encoding.UTF8.GetString(key));
            int slot = hash & (buckets.Length - 1);
            Volatile.Write(ref buckets[slot], new Entry(key, value, hash, buckets[slot]));
            Volatile.Write(ref _buckets, buckets);
            Interlocked.Increment(ref _count);
            return value;
        }
    }

    private static Entry?[] Grow(Entry?[] old)
    {
        var grown = new Entry?[old.Length * 2];
        foreach (var head in old)
        {
            for (var e = head; e is not null; e = e.Next)
            {
                int slot = e.Hash & (grown.Length - 1);
                grown[slot] = new Entry(e.Key, e.Value, e.Hash, grown[slot]);
            }
        }

        return grown;
    }

    private static int Hash(ReadOnlySpan<byte> s)
    {
        uint h = 2166136261;
        foreach (byte b in s)
        {
            h = (h ^ b) * 16777619;
        }

        return (int)(h ^ (h >> 15));
    }
}
