namespace Arbitrage.Binance.Protocol;

/// <summary>The combined-stream wrapper <c>{"stream":"btcusdt@aggTrade","data":{...}}</c>.</summary>
public static class StreamEnvelope
{
    /// <summary>
    /// If <paramref name="frame"/> is a combined-stream wrapper, returns its stream name and the raw
    /// data object; otherwise returns the frame itself as data with an empty stream. False only when
    /// a wrapper is malformed.
    /// </summary>
    public static bool TryUnwrap(ReadOnlySpan<byte> frame, out ReadOnlySpan<byte> stream, out ReadOnlySpan<byte> data)
    {
        stream = default;
        data = frame;
        var s = new JsonScanner(frame);
        bool first = true;
        if (!s.TryBeginObject() || !s.TryNextProperty(ref first, out var name, out bool end) || end)
        {
            return true; // not a wrapper; the event parser reports what is wrong with it
        }

        if (!name.SequenceEqual("stream"u8) && !name.SequenceEqual("data"u8))
        {
            return true;
        }

        bool haveData = false;
        while (true)
        {
            if (name.SequenceEqual("stream"u8))
            {
                if (!s.TryReadPlainString(out stream))
                {
                    return false;
                }
            }
            else if (name.SequenceEqual("data"u8))
            {
                if (!s.TrySkipValue(out data))
                {
                    return false;
                }

                haveData = true;
            }
            else if (!s.TrySkipValue())
            {
                return false;
            }

            if (!s.TryNextProperty(ref first, out name, out end))
            {
                return false;
            }

            if (end)
            {
                return haveData && s.AtEnd();
            }
        }
    }
}
