using Arbitrage.Binance.Protocol;

namespace Arbitrage.Binance.Tapes;

/// <summary>One line of our JSONL tape: <c>{"recv_ms":&lt;ms&gt;,"stream":&lt;name|null&gt;,"frame":{...}}</c>.</summary>
internal static class JsonlTapeLine
{
    public static bool TryParse(
        ReadOnlySpan<byte> line, out long recvMs, out ReadOnlySpan<byte> stream, out bool streamNull, out ReadOnlySpan<byte> frame)
    {
        recvMs = 0;
        stream = default;
        streamNull = true;
        frame = default;
        var s = new JsonScanner(line);
        if (!s.TryBeginObject())
        {
            return false;
        }

        int seen = 0;
        bool first = true;
        while (true)
        {
            if (!s.TryNextProperty(ref first, out var name, out bool end))
            {
                return false;
            }

            if (end)
            {
                break;
            }

            bool ok;
            if (name.SequenceEqual("recv_ms"u8))
            {
                ok = s.TryReadInt64(out recvMs);
                seen |= 1;
            }
            else if (name.SequenceEqual("stream"u8))
            {
                streamNull = s.TryReadNull();
                ok = streamNull || s.TryReadPlainString(out stream);
            }
            else if (name.SequenceEqual("frame"u8))
            {
                ok = s.TrySkipValue(out frame) && frame.Length > 0 && frame[0] == (byte)'{';
                seen |= 2;
            }
            else
            {
                ok = s.TrySkipValue();
            }

            if (!ok)
            {
                return false;
            }
        }

        return seen == 3 && s.AtEnd();
    }
}
