using System.Threading.Channels;
using Akka.Actor;
using Akka.Configuration;
using Akka.Streams;
using Akka.Streams.Dsl;
using Arbitrage.Binance.Streams;
using Arbitrage.Binance.Tests.Simulator;

namespace Arbitrage.Binance.Tests.Streams;

/// <summary>An actor system + materializer per test class (plain Akka.Streams; no TestKit here).</summary>
public abstract class StreamTestBase : IAsyncLifetime
{
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    protected ActorSystem Sys { get; } =
        ActorSystem.Create("streams-test", ConfigurationFactory.ParseString("akka.loglevel = WARNING\nakka.stdout-loglevel = WARNING"));

    private IMaterializer? _materializer;

    protected IMaterializer Materializer => _materializer ??= Sys.Materializer();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await Sys.Terminate();

    protected FeedProbe<T> Run<T>(Source<T, UniqueKillSwitch> source) => FeedProbe<T>.Run(source, Materializer);

    /// <summary>Fast reconnects for tests: 50 ms back-off, no jitter.</summary>
    protected static BinanceStreamOptions Options(SimHarness h) =>
        BinanceStreamOptions.ForSingleOrigin(h.Host.BaseUrl) with
        {
            MinBackoff = TimeSpan.FromMilliseconds(50),
            MaxBackoff = TimeSpan.FromMilliseconds(500),
            RandomFactor = 0,
        };

    /// <summary>Awaits a condition that some other thread makes true (bounded; no sleeping in test bodies).</summary>
    protected static async Task Until(Func<bool> condition, string what, TimeSpan? timeout = null)
    {
        using var cts = new CancellationTokenSource(timeout ?? Timeout);
        while (!condition())
        {
            try
            {
                await Task.Delay(5, cts.Token);
            }
            catch (OperationCanceledException)
            {
                throw new TimeoutException($"timed out waiting for {what}");
            }
        }
    }
}

/// <summary>Runs a source into a channel; the test reads it with timeouts and keeps everything it has read in <see cref="Seen"/>.</summary>
public sealed class FeedProbe<T>
{
    private readonly Channel<T> _channel = Channel.CreateUnbounded<T>();

    private FeedProbe()
    {
    }

    public UniqueKillSwitch KillSwitch { get; private set; } = null!;

    public Task Completion { get; private set; } = Task.CompletedTask;

    /// <summary>Everything read so far, in stream order.</summary>
    public List<T> Seen { get; } = [];

    public static FeedProbe<T> Run(Source<T, UniqueKillSwitch> source, IMaterializer materializer)
    {
        var p = new FeedProbe<T>();
        var (ks, done) = source.ToMaterialized(Sink.ForEach<T>(e => p._channel.Writer.TryWrite(e)), Keep.Both).Run(materializer);
        p.KillSwitch = ks;
        p.Completion = done.ContinueWith(t => p._channel.Writer.TryComplete(t.Exception), TaskScheduler.Default);
        return p;
    }

    /// <summary>Moves every element already emitted into <see cref="Seen"/> without waiting.</summary>
    public void DrainAvailable()
    {
        while (_channel.Reader.TryRead(out var e))
        {
            Seen.Add(e);
        }
    }

    /// <summary>The first element ever read that matches (already in <see cref="Seen"/>, or the next one to come).</summary>
    public async Task<T> FirstAsync(Func<T, bool> match, string what, TimeSpan? timeout = null)
    {
        foreach (var e in Seen)
        {
            if (match(e))
            {
                return e;
            }
        }

        return await WaitForAsync(match, what, timeout);
    }

    /// <summary>Reads until an element matches; throws with what was seen when <paramref name="timeout"/> passes.</summary>
    public async Task<T> WaitForAsync(Func<T, bool> match, string what, TimeSpan? timeout = null)
    {
        using var cts = new CancellationTokenSource(timeout ?? StreamTestBase.Timeout);
        try
        {
            while (true)
            {
                var e = await _channel.Reader.ReadAsync(cts.Token);
                Seen.Add(e);
                if (match(e))
                {
                    return e;
                }
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or ChannelClosedException)
        {
            var tail = string.Join("\n  ", Seen.TakeLast(5));
            throw new TimeoutException($"no {what} within {timeout ?? StreamTestBase.Timeout}; read {Seen.Count} elements, last:\n  {tail}");
        }
    }
}
