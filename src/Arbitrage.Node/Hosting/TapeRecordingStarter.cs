using Akka.Actor;
using Akka.Streams;
using Arbitrage.Binance.Streams;
using Arbitrage.Engine.Recording;
using Arbitrage.Engine.Symbols;

namespace Arbitrage.Node.Hosting;

/// <summary>
/// Owns the raw-frame tape recording (<c>--record-tape</c>): waits until every traded symbol's feed reports
/// connected, then starts <see cref="TapeRecording"/>, and stops it with the actor.
/// </summary>
internal sealed class TapeRecordingStarter : ReceiveActor, IWithTimers
{
    private sealed record Check : INoSerializationVerificationNeeded;

    private readonly HashSet<string> _connected = new(StringComparer.Ordinal);
    private UniqueKillSwitch? _recording;

    public TapeRecordingStarter(IActorRef region, IReadOnlyList<string> symbols, string path, BinanceStreamOptions streams)
    {
        Receive<Check>(_ =>
        {
            foreach (var symbol in symbols)
            {
                region.Tell(new GetSymbolIndicators(symbol));
            }
        });
        Receive<SymbolIndicatorsReply>(r =>
        {
            if (r.FeedStatus == "connected")
            {
                _connected.Add(r.Symbol);
            }

            if (_recording is null && symbols.All(_connected.Contains))
            {
                Timers.Cancel("check");
                _recording = TapeRecording.Start(path, symbols, streams, Context.System.Materializer());
            }
        });
    }

    public ITimerScheduler Timers { get; set; } = null!;

    protected override void PreStart() => Timers.StartPeriodicTimer("check", new Check(), TimeSpan.FromMilliseconds(200));

    protected override void PostStop() => _recording?.Shutdown();
}
