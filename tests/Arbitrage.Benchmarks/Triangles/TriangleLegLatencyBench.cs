using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using Akka.Actor;
using Akka.Cluster.Tools.PublishSubscribe;
using Arbitrage.Benchmarks.Execution;
using Arbitrage.Binance.Rest;
using Arbitrage.Binance.Rest.Models;
using Arbitrage.Binance.Signing;
using Arbitrage.Binance.Tapes;
using Arbitrage.Core.Triangles;
using Arbitrage.Core.Triangles.Execution;
using Arbitrage.Engine.Persistence;
using Arbitrage.Engine.Triangles;
using Arbitrage.Engine.Triangles.Execution;
using Arbitrage.Simulator;

namespace Arbitrage.Benchmarks.Triangles;

/// <summary>
/// Detection → first leg sent (issue 16, target p99 ≤ 2 ms, like the signal path), persisted intent included: per
/// sample, t0 is the moment a one-book <see cref="TriangleBooks"/> batch that lifts USD→BTC→ETH→USD over
/// <c>execute_min_net_return</c> is told to the production <see cref="TriangleActor"/>; t1 is the moment its
/// <see cref="ITriangleOrderGateway.Send"/> is called for leg 1, which happens only after the venue actor journaled
/// <c>TriangleAttemptBegun</c> and the new <see cref="TriangleAttemptActor"/> recovered (an empty journal) and journaled
/// <c>TriangleAttemptStarted</c> + <c>TriangleLegIntended</c>. The journal is the node's default: a SQLite file (WAL,
/// <c>synchronous=NORMAL</c>) set up as the node does (<see cref="Database"/>, <see cref="AkkaConfig"/>). The gateway
/// comes from the actor's <see cref="ITriangleGatewayFactory"/> hook (a live-style gateway answering with
/// <see cref="TriangleGatewayAnswer"/>): it stamps the time at Send and fills every leg on the bench's books with the
/// paper venue's maths, so each attempt completes. Between samples (not timed) a below-floor book closes the episode and
/// event time moves past <c>cooldown_ms</c>, so every sample is a new episode's first candidate.
/// Baseline in the same run: the bare REST round trip on loopback, a signed <c>POST /api/v3/order</c> LIMIT IOC
/// (<see cref="BinanceSpotApi.PlaceImmediateLimitOrderAsync"/>) from the real Binance client to the in-process
/// simulator trading its spot books on 127.0.0.1. Warm-up samples of both are discarded.
/// Usage: e2e trileg [samples=2000] [warmup=200]
/// </summary>
public static class TriangleLegLatencyBench
{
    private const string Venue = "bench-spot";
    private const string Key = "legKey0123456789abcdefABCDEF0123456789abcdefABCDEF0123456789abcd";
    private const string Secret = "legSecret0123456789abcdefABCDEF0123456789abcdefABCDEF0123456789";
    private const long T0 = 1_717_000_000_000;
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(15);

    public static async Task RunAsync(string[] args)
    {
        int n = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 2000;
        int warmUp = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 200;
        var dir = Path.Combine(Path.GetTempPath(), "arb-bench-trileg", Guid.NewGuid().ToString("N"));
        try
        {
            var rest = await RestRoundTripsAsync(warmUp, n);
            var (sent, completed) = await FirstLegAsync(dir, warmUp, n);

            Console.WriteLine($"e2e trileg: {n:N0} samples each (after {warmUp:N0} warm-up), {Environment.ProcessorCount} cores; "
                + $"{completed:N0} attempts completed, journal SQLite file (WAL, synchronous=NORMAL)");
            Console.WriteLine("| measure | p50 ms | p90 ms | p99 ms | p99.9 ms | max ms |");
            Console.WriteLine("|---|---:|---:|---:|---:|---:|");
            Row("book → first leg sent (TriangleActor, attempt journaled, intent journaled, gateway Send)", sent);
            Row("baseline: bare REST round trip, POST /api/v3/order LIMIT IOC to the simulator on loopback", rest);
            Console.WriteLine();
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"book → first leg sent p50/p99 {P(sent, 50):0.000} / {P(sent, 99):0.000} ms; REST round trip p50/p99 {P(rest, 50):0.000} / {P(rest, 99):0.000} ms; "
                + $"ratio {P(sent, 50) / P(rest, 50):0.00}× (p50), {P(sent, 99) / P(rest, 99):0.00}× (p99); target p99 ≤ 2 ms {(P(sent, 99) <= 2.0 ? "met" : "missed")}"));
        }
        finally
        {
            try
            {
                Directory.Delete(dir, true);
            }
            catch (IOException)
            {
            }
        }
    }

    /// <summary>Samples of book → leg 1 sent through a <see cref="TriangleActor"/> on a fresh SQLite journal under <paramref name="dir"/>.</summary>
    private static async Task<(double[] Sent, int Completed)> FirstLegAsync(string dir, int warmUp, int n)
    {
        var db = Database.From(new StorageOptions { DataDir = dir });
        await db.PrepareAsync(TimeSpan.FromSeconds(10));
        var config = Akka.Configuration.ConfigurationFactory.ParseString("akka.loglevel = WARNING")
            .WithFallback(AkkaConfig.Build(LatencyBench.FindHocon(), db, includeCluster: false));
        var system = ActorSystem.Create("bench-trileg", PersistenceSetup.Bootstrap(config, db));
        try
        {
            var books = new ConcurrentDictionary<string, PairBook>(StringComparer.Ordinal);
            var factory = new StampingGatewayFactory(books);
            var listener = new Listener();
            var listenerRef = system.ActorOf(Props.Create(() => new ListenerActor(listener)), "listener");
            var actor = system.ActorOf(TriangleActor.Props(Venue, listenerRef, feeds: null, TriangleActor.DefaultLimits, factory), "triangle-" + Venue);

            // The issue's defaults: LIMIT IOC legs, 10 bp slippage, cooldown_ms 1000, one cycle in flight.
            var triangle = new TriangleConfig("tri_bench", Venue, null, [new StartAsset("USD", 1000m)], 0.001m, 0.0005m,
                Execution: new TriangleExecutionSettings(Execute: true));
            await actor.Ask<TrianglesConfigured>(new ConfigureTriangles(Venue, [triangle], ["BTC/USD", "ETH/BTC", "ETH/USD"], null), Timeout);
            await actor.Ask<TriangleTradingSet>(new SetTriangleTrading(Venue, true), Timeout);

            long time = T0;
            long sequence = 0;
            int completed = 0;
            var sent = new double[n];
            for (int i = -warmUp; i < n; i++)
            {
                // Not timed: all three books at a below-floor ETH/USD (≈ −1.7 %): the previous episode closes, no book is stale.
                time += 2 * TriangleExecutionSettings.DefaultCooldownMs;
                var close = Feed(books, Book("BTC/USD", time, 49_990, 50_000, 1), Book("ETH/BTC", time, 0.0599, 0.06), Book("ETH/USD", time, 2990, 3001));
                var closed = listener.ExpectAck(sequence);
                actor.Tell(new TriangleBooks(Venue, close, sequence++), listenerRef);
                await closed.WaitAsync(Timeout);

                // Timed: ETH/USD bid 3030 makes USD→BTC→ETH→USD ≈ +0.7 % after three 0.1 % fees (floor 0.1 %).
                time += 1;
                var open = Feed(books, Book("ETH/USD", time, 3030, 3031));
                var legSent = factory.Gateway?.ExpectFirstLeg() ?? throw new InvalidOperationException("the triangle actor made no gateway");
                var finished = listener.ExpectAttempt();
                var acked = listener.ExpectAck(sequence);
                var batch = new TriangleBooks(Venue, open, sequence++);
                long t0 = Stopwatch.GetTimestamp();
                actor.Tell(batch, listenerRef);
                long t1 = await legSent.WaitAsync(Timeout);
                var result = await finished.WaitAsync(Timeout);
                await acked.WaitAsync(Timeout);
                if (result.Outcome != TriangleAttemptOutcome.Completed)
                {
                    throw new InvalidOperationException($"sample {i}: attempt {result.AttemptId} ended {result.Outcome}: {result.Detail}");
                }

                if (i < 0) continue;
                sent[i] = (t1 - t0) * 1000.0 / Stopwatch.Frequency;
                completed++;
            }

            return (sent, completed);
        }
        finally
        {
            await system.Terminate();
        }
    }

    /// <summary>Bare LIMIT IOC round trips of 0.001 BTC on BTCUSDT, buy and sell alternating on a deep book (never exhausted, balances flat).</summary>
    private static async Task<double[]> RestRoundTripsAsync(int warmUp, int n)
    {
        var json = $$"""{"lastUpdateId":1,"s":"BTCUSDT","E":{{T0}},"bids":[["59990","1000000"]],"asks":[["60000","1000000"]]}""";
        await using var host = await SimulatorHost.StartAsync(new SimulatorOptions
        {
            Frames = [new TapeFrame(T0, null, json)],
            Start = PlaybackStart.Manual,
            Speed = double.PositiveInfinity,
            Port = 0,
            WeightLimitPerMinute = 1_000_000_000, // Binance's limits are not what is measured
            ApiKey = Key,
            ApiSecret = Secret,
            Spot = new Simulator.Exchange.SpotOptions
            {
                InitialBalances = new Dictionary<string, decimal> { ["USDT"] = 1_000_000m, ["BTC"] = 10m },
                OrderLimitPer10Seconds = 1_000_000_000,
                OrderLimitPerDay = 1_000_000_000,
                Symbols = new Dictionary<string, SymbolSpec>
                {
                    ["BTCUSDT"] = new() { TickSize = 0.01m, MinPrice = 0.01m, StepSize = 0.00001m, MinQty = 0.00001m, MinNotional = 5m },
                },
            },
        });
        host.Control.Step(1);
        using var client = new BinanceRestClient(BinanceRestOptions.ForSingleOrigin(host.BaseUrl), new BinanceCredentials(Key, Secret));
        var run = Guid.NewGuid().ToString("N")[..8];
        var times = new double[n];
        for (int i = -warmUp; i < n; i++)
        {
            var buy = (i & 1) == 0;
            long t0 = Stopwatch.GetTimestamp();
            var r = await client.Spot.PlaceImmediateLimitOrderAsync("BTCUSDT", buy ? OrderSide.Buy : OrderSide.Sell, 0.001m, buy ? 60_010m : 59_980m,
                $"b{run}-{i + warmUp}");
            long t1 = Stopwatch.GetTimestamp();
            var order = r.GetOrThrow();
            if (order.Status != "FILLED") throw new InvalidOperationException($"baseline order {order.ClientOrderId}: {order.Status}");
            if (i >= 0) times[i] = (t1 - t0) * 1000.0 / Stopwatch.Frequency;
        }

        return times;
    }

    private static TriangleBook Book(string symbol, long t, double bid, double ask, double qty = 10) => new(symbol, t, [new(bid, qty)], [new(ask, qty)]);

    /// <summary>The books as the gateway fills on them (the venue's books at the send), then the batch.</summary>
    private static TriangleBook[] Feed(ConcurrentDictionary<string, PairBook> books, params TriangleBook[] batch)
    {
        foreach (var b in batch) books[b.Symbol] = new PairBook(b.Bids, b.Asks, b.TimeMs);
        return batch;
    }

    private static void Row(string name, double[] xs) =>
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"| {name} | {P(xs, 50):0.000} | {P(xs, 90):0.000} | {P(xs, 99):0.000} | {P(xs, 99.9):0.000} | {xs.Max():0.000} |"));

    /// <summary>Nearest-rank percentile.</summary>
    private static double P(double[] xs, double p)
    {
        var sorted = xs.Order().ToArray();
        var rank = (int)Math.Ceiling(p / 100.0 * sorted.Length);
        return sorted[Math.Clamp(rank - 1, 0, sorted.Length - 1)];
    }

    private sealed class StampingGatewayFactory(ConcurrentDictionary<string, PairBook> books) : ITriangleGatewayFactory
    {
        public StampingGateway? Gateway { get; private set; }

        public ITriangleOrderGateway? Create(string venue, IActorRef actor) => Gateway = new StampingGateway(books, actor);
    }

    /// <summary>
    /// A live-style gateway: Send stamps the time of leg 1 (client id <c>t…L1</c>), then answers the venue actor with the
    /// paper venue's fill on the bench's books (<see cref="TriangleGatewayAnswer"/>, as a live gateway's HTTP answer comes).
    /// </summary>
    private sealed class StampingGateway(ConcurrentDictionary<string, PairBook> books, IActorRef actor) : ITriangleOrderGateway
    {
        private readonly PaperTriangleVenue _venue = new(new Dictionary<string, decimal> { ["USD"] = 1_000_000m }, 0.001m, 0);
        private TaskCompletionSource<long>? _firstLeg;

        public Task<long> ExpectFirstLeg()
        {
            var tcs = new TaskCompletionSource<long>(TaskCreationOptions.RunContinuationsAsynchronously);
            Volatile.Write(ref _firstLeg, tcs);
            return tcs.Task;
        }

        public void Send(TriangleOrderRequest request, long timeMs)
        {
            long now = Stopwatch.GetTimestamp();
            if (request.ClientOrderId.EndsWith("L1", StringComparison.Ordinal)) Interlocked.Exchange(ref _firstLeg, null)?.TrySetResult(now);
            actor.Tell(new TriangleGatewayAnswer(_venue.Execute(request, books[request.Symbol], PairFilters.None, timeMs)));
        }

        public void Query(string symbol, string clientOrderId, long timeMs) =>
            actor.Tell(new TriangleGatewayAnswer(_venue.Query(clientOrderId, timeMs)));

        public void BeforeBook(long nextBookMs)
        {
        }

        public void Flush()
        {
        }

        public decimal? Available(string asset) => _venue.Balance(asset);

        public PairFilters? Filters(string symbol) => null;
    }

    /// <summary>What the venue actor publishes (attempt results) and answers (batch acks), handed to the waiting sample.</summary>
    private sealed class Listener
    {
        private readonly ConcurrentDictionary<long, TaskCompletionSource> _acks = new();
        private TaskCompletionSource<TriangleAttemptResult>? _attempt;

        public Task ExpectAck(long sequence) =>
            _acks.GetOrAdd(sequence, _ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).Task;

        public Task<TriangleAttemptResult> ExpectAttempt()
        {
            var tcs = new TaskCompletionSource<TriangleAttemptResult>(TaskCreationOptions.RunContinuationsAsynchronously);
            Volatile.Write(ref _attempt, tcs);
            return tcs.Task;
        }

        public void Ack(long sequence)
        {
            if (_acks.TryRemove(sequence, out var tcs)) tcs.TrySetResult();
        }

        public void Attempt(TriangleAttemptResult result) => Interlocked.Exchange(ref _attempt, null)?.TrySetResult(result);
    }

    private sealed class ListenerActor : ReceiveActor
    {
        public ListenerActor(Listener listener)
        {
            Receive<TriangleBooksAck>(a => listener.Ack(a.Sequence));
            Receive<Publish>(p =>
            {
                if (p.Message is TriangleAttemptChanged c) listener.Attempt(c.Result);
            });
            ReceiveAny(_ => { });
        }
    }
}
