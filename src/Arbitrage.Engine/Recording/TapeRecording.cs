using Akka.Streams;
using Akka.Streams.Dsl;
using Arbitrage.Binance.Streams;
using Arbitrage.Binance.Tapes;

namespace Arbitrage.Engine.Recording;

/// <summary>
/// Records the live market streams of some symbols, frame by frame as received, to a JSONL tape
/// (src/Arbitrage.Binance/Tapes/README.md) that every replay tool reads back. Its own reconnecting
/// connection, so recording never slows the trading path.
/// </summary>
public static class TapeRecording
{
    /// <summary>The combined market streams recorded per symbol.</summary>
    public static IEnumerable<string> StreamsOf(string symbol)
    {
        var s = symbol.ToLowerInvariant();
        return [s + "@aggTrade", s + "@markPrice@1s", s + "@forceOrder"];
    }

    /// <summary>Runs until the returned kill switch is shut down; the file is flushed and closed when the stream ends.</summary>
    public static UniqueKillSwitch Start(string path, IReadOnlyList<string> symbols, BinanceStreamOptions options, IMaterializer materializer)
    {
        var directory = Path.GetDirectoryName(Path.GetFullPath(path));
        if (directory is not null)
        {
            Directory.CreateDirectory(directory);
        }

        var writer = new JsonlTapeWriter(path, append: true);
        var url = options.CombinedStreamUrl(StreamPath.Market, symbols.SelectMany(StreamsOf));
        var (killSwitch, done) = BinanceWebSocketSource.Create(url, options)
            .ToMaterialized(
                Sink.ForEach<WsEvent>(e =>
                {
                    if (e is WsFrame frame)
                    {
                        using (frame)
                        {
                            writer.WriteMessage(frame.Time.ToUnixTimeMilliseconds(), frame.Span);
                            writer.Flush(); // a crash loses at most the frame being written

                        }
                    }
                }),
                Keep.Both)
            .Run(materializer);
        done.ContinueWith(_ => writer.Dispose(), TaskScheduler.Default);
        return killSwitch;
    }
}
