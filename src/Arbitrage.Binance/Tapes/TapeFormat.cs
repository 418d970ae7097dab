namespace Arbitrage.Binance.Tapes;

/// <summary>The tape file formats <see cref="TapeReader"/> understands (see README.md in this folder).</summary>
public enum TapeFormat
{
    Unknown = 0,
    /// <summary>Binance public-data aggTrades CSV (futures 7 columns or spot 8), plain or zipped.</summary>
    AggTradesCsv,
    /// <summary>hftbacktest collector output: gzip, <c>&lt;local ts&gt; &lt;json&gt;</c> per line.</summary>
    HftBacktest,
    /// <summary>cryptofeed sample data: <c>&lt;unix secs&gt;: &lt;json&gt;</c> per line, first line the URL.</summary>
    Cryptofeed,
    /// <summary>Our recorder's JSONL tape: <c>{"recv_ms","stream","frame"}</c> per line, optionally gzip.</summary>
    Jsonl,
}
