namespace Arbitrage.Binance.Protocol;

/// <summary>Which payload a market-data frame carries.</summary>
public enum FrameKind
{
    Unknown = 0,
    AggTrade,
    Trade,
    MarkPrice,
    ForceOrder,
    BookTicker,
    DepthUpdate,
    Kline,
    /// <summary>A REST depth snapshot (<c>lastUpdateId</c>, <c>bids</c>, <c>asks</c>), as found in tapes.</summary>
    DepthSnapshot,
}

/// <summary>Classifies a frame (bare or combined-stream) by its <c>e</c> field, without allocating.</summary>
public static class MarketFrame
{
    /// <summary>
    /// Reads the top-level keys of the payload until <c>e</c> is found. Frames without <c>e</c> are
    /// spot bookTickers (<c>u,s,b,B,a,A</c>) or depth snapshots (<c>lastUpdateId</c>).
    /// </summary>
    public static FrameKind Classify(ReadOnlySpan<byte> frame)
    {
        if (!StreamEnvelope.TryUnwrap(frame, out _, out var data))
        {
            return FrameKind.Unknown;
        }

        var s = new JsonScanner(data);
        if (!s.TryBeginObject())
        {
            return FrameKind.Unknown;
        }

        bool first = true;
        bool hasBookTickerKeys = false;
        while (s.TryNextProperty(ref first, out var name, out bool end) && !end)
        {
            if (name.Length == 1 && name[0] == (byte)'e')
            {
                return s.TryReadPlainString(out var type) ? FromEventType(type) : FrameKind.Unknown;
            }

            if (name.SequenceEqual("lastUpdateId"u8))
            {
                return FrameKind.DepthSnapshot;
            }

            if (name.Length == 1 && name[0] == (byte)'B')
            {
                hasBookTickerKeys = true;
            }

            if (!s.TrySkipValue())
            {
                return FrameKind.Unknown;
            }
        }

        return hasBookTickerKeys ? FrameKind.BookTicker : FrameKind.Unknown;
    }

    public static FrameKind FromEventType(ReadOnlySpan<byte> e) => e switch
    {
        _ when e.SequenceEqual("aggTrade"u8) => FrameKind.AggTrade,
        _ when e.SequenceEqual("trade"u8) => FrameKind.Trade,
        _ when e.SequenceEqual("markPriceUpdate"u8) => FrameKind.MarkPrice,
        _ when e.SequenceEqual("forceOrder"u8) => FrameKind.ForceOrder,
        _ when e.SequenceEqual("bookTicker"u8) => FrameKind.BookTicker,
        _ when e.SequenceEqual("depthUpdate"u8) => FrameKind.DepthUpdate,
        _ when e.SequenceEqual("kline"u8) => FrameKind.Kline,
        _ => FrameKind.Unknown,
    };
}
