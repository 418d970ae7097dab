using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using Akka.Actor;
using Akka.Cluster.Tools.PublishSubscribe;
using Akka.Persistence;
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
/// <c>TriangleAttemptBegun</c> carrying the attempt's first step (<c>TriangleAttemptStarted</c> + leg 1's
/// <c>TriangleLegIntended</c>): one journal write on the path; the new <see cref="TriangleAttemptActor"/> journals the
/// same step in its own journal after the send. The journal is the node's default: a SQLite file (WAL,
/// <c>synchronous=NORMAL</c>) set up as the node does (<see cref="Database"/>, <see cref="AkkaConfig"/>). The gateway
/// comes from the actor's <see cref="ITriangleGatewayFactory"/> hook (a live-style gateway answering with
/// <see cref="TriangleGatewayAnswer"/>): it stamps the time at Send and fills every leg on the bench's books with the
/// paper venue's maths, so each attempt completes. Between samples (not timed) a below-floor book closes the episode and
/// event time moves past <c>cooldown_ms</c>, so every sample is a new episode's first candidate.
/// Baseline in the same run: the bare REST round trip on loopback, a signed <c>POST /api/v3/order</c> LIMIT IOC
/// (<see cref="BinanceSpotApi.PlaceImmediateLimitOrderAsync"/>) from the real Binance client to the in-process
/// simulator trading its spot books on 127.0.0.1. Also in the same run, the journal floor of the earlier design: three
/// journal steps with nothing around them (persist 1 event, a new persistent id recovers, persist 2 events), each step
/// timed — its first step alone is the floor of the path as it is now. The
/// measures are interleaved sample by sample; warm-up samples are discarded.
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
        var db = Database.From(new StorageOptions { DataDir = dir });
        await db.PrepareAsync(TimeSpan.FromSeconds(10));
        var config = Akka.Configuration.ConfigurationFactory.ParseString("akka.loglevel = WARNING")
            .WithFallback(AkkaConfig.Build(LatencyBench.FindHocon(), db, includeCluster: false));
        var system = ActorSystem.Create("bench-trileg", PersistenceSetup.Bootstrap(config, db));
        try
        {
            await using var rest = await RestRoundTrip.StartAsync();
            var path = await FirstLegPath.StartAsync(system);
            var floor = system.ActorOf(Props.Create(() => new FloorParent()), "floor");

            // The three measures interleaved sample by sample, so a machine shared with other work loads them alike.
            var sent = new double[n];
            var journal = new double[n];
            (double[] Write1, double[] Recovery, double[] Write2) steps = (new double[n], new double[n], new double[n]);
            var roundTrip = new double[n];
            for (int i = -warmUp; i < n; i++)
            {
                var a = await path.SampleAsync(i);
                var b = await FloorAsync(floor, i + warmUp);
                var c = await rest.SampleAsync(i + warmUp);
                if (i < 0) continue;
                (sent[i], journal[i], roundTrip[i]) = (a, b.Total, c);
                (steps.Write1[i], steps.Recovery[i], steps.Write2[i]) = (b.Write1, b.Recovery, b.Write2);
            }

            Console.WriteLine($"e2e trileg: {n:N0} samples each (after {warmUp:N0} warm-up), interleaved, {Environment.ProcessorCount} cores; "
                + $"{path.Completed:N0} attempts completed; journal: SQLite file (WAL, synchronous=NORMAL)");
            Console.WriteLine("| measure | p50 ms | p90 ms | p99 ms | p99.9 ms | max ms |");
            Console.WriteLine("|---|---:|---:|---:|---:|---:|");
            Row("book → first leg sent (TriangleActor: attempt begun + start + leg 1 intent journaled in one write, gateway Send)", sent);
            Row("journal floor: persist 1 event → new persistent child (recovers) → persist 2 events, same journal, no triangle logic", journal);
            Row("baseline: bare REST round trip, signed POST /api/v3/order LIMIT IOC to the simulator on loopback", roundTrip);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"journal floor by step, p50/p99 ms: persist 1 event {P(steps.Write1, 50):0.000} / {P(steps.Write1, 99):0.000}; "
                + $"new persistent id recovered {P(steps.Recovery, 50):0.000} / {P(steps.Recovery, 99):0.000}; "
                + $"PersistAll 2 events {P(steps.Write2, 50):0.000} / {P(steps.Write2, 99):0.000}"));
            Console.WriteLine();
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"book → first leg sent p50/p99 {P(sent, 50):0.000} / {P(sent, 99):0.000} ms; REST round trip p50/p99 {P(roundTrip, 50):0.000} / {P(roundTrip, 99):0.000} ms; "
                + $"ratio {P(sent, 50) / P(roundTrip, 50):0.00}× (p50), {P(sent, 99) / P(roundTrip, 99):0.00}× (p99); "
                + $"journal floor p50/p99 {P(journal, 50):0.000} / {P(journal, 99):0.000} ms; target p99 ≤ 2 ms {(P(sent, 99) <= 2.0 ? "met" : "missed")}"));
        }
        finally
        {
            await system.Terminate();
            try
            {
                Directory.Delete(dir, true);
            }
            catch (IOException)
            {
            }
        }
    }

    /// <summary>
    /// The production <see cref="TriangleActor"/> on the bench's journal with an executing config on BTC/USD, ETH/BTC,
    /// ETH/USD; each sample opens a new episode and waits for its attempt to complete.
    /// </summary>
    private sealed class FirstLegPath
    {
        private readonly ConcurrentDictionary<string, PairBook> _books;
        private readonly StampingGateway _gateway;
        private readonly Listener _listener;
        private readonly IActorRef _listenerRef;
        private readonly IActorRef _actor;
        private long _time = T0;
        private long _sequence;

        private FirstLegPath(ConcurrentDictionary<string, PairBook> books, StampingGateway gateway, Listener listener, IActorRef listenerRef, IActorRef actor)
        {
            (_books, _gateway, _listener, _listenerRef, _actor) = (books, gateway, listener, listenerRef, actor);
        }

        public int Completed { get; private set; }

        public static async Task<FirstLegPath> StartAsync(ActorSystem system)
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
            var gateway = factory.Gateway ?? throw new InvalidOperationException("the triangle actor asked for no gateway");
            return new FirstLegPath(books, gateway, listener, listenerRef, actor);
        }

        /// <summary>One new episode: book handed to the actor → leg 1 at the gateway, in ms; then (not timed) the attempt completes.</summary>
        public async Task<double> SampleAsync(int i)
        {
            // Not timed: all three books at a below-floor ETH/USD (≈ −1.7 %): the previous episode closes, no book is stale,
            // and event time moves past cooldown_ms.
            _time += 2 * TriangleExecutionSettings.DefaultCooldownMs;
            var close = Feed(Book("BTC/USD", _time, 49_990, 50_000, 1), Book("ETH/BTC", _time, 0.0599, 0.06), Book("ETH/USD", _time, 2990, 3001));
            var closed = _listener.ExpectAck(_sequence);
            _actor.Tell(new TriangleBooks(Venue, close, _sequence++), _listenerRef);
            await closed.WaitAsync(Timeout);

            // Timed: ETH/USD bid 3030 makes USD→BTC→ETH→USD ≈ +0.7 % after three 0.1 % fees (floor 0.1 %).
            _time += 1;
            var open = Feed(Book("ETH/USD", _time, 3030, 3031));
            var legSent = _gateway.ExpectFirstLeg();
            var finished = _listener.ExpectAttempt();
            var acked = _listener.ExpectAck(_sequence);
            var batch = new TriangleBooks(Venue, open, _sequence++);
            long t0 = Stopwatch.GetTimestamp();
            _actor.Tell(batch, _listenerRef);
            long t1 = await legSent.WaitAsync(Timeout);
            var result = await finished.WaitAsync(Timeout);
            await acked.WaitAsync(Timeout);
            if (result.Outcome != TriangleAttemptOutcome.Completed)
            {
                throw new InvalidOperationException($"sample {i}: attempt {result.AttemptId} ended {result.Outcome}: {result.Detail}");
            }

            if (i >= 0) Completed++;
            return (t1 - t0) * 1000.0 / Stopwatch.Frequency;
        }

        /// <summary>The books as the gateway fills on them (the venue's books at the send), then the batch.</summary>
        private TriangleBook[] Feed(params TriangleBook[] batch)
        {
            foreach (var b in batch) _books[b.Symbol] = new PairBook(b.Bids, b.Asks, b.TimeMs);
            return batch;
        }
    }

    /// <summary>One journal-floor sample in ms: the whole, and its three steps (write, recovery of the new id, write).</summary>
    private static async Task<(double Total, double Write1, double Recovery, double Write2)> FloorAsync(IActorRef parent, int id)
    {
        var done = new TaskCompletionSource<long>(TaskCreationOptions.RunContinuationsAsynchronously);
        var stamps = new long[2];
        long t0 = Stopwatch.GetTimestamp();
        parent.Tell(new FloorSample(id, stamps, done));
        long t1 = await done.Task.WaitAsync(Timeout);
        return (Ms(t1 - t0), Ms(stamps[0] - t0), Ms(stamps[1] - stamps[0]), Ms(t1 - stamps[1]));
    }

    private static double Ms(long ticks) => ticks * 1000.0 / Stopwatch.Frequency;

    /// <summary>
    /// The simulator on 127.0.0.1 with a deep BTCUSDT spot book and the real Binance client: LIMIT IOC of 0.001 BTC, buy
    /// and sell alternating (the book is never exhausted, the balances stay flat).
    /// </summary>
    private sealed class RestRoundTrip : IAsyncDisposable
    {
        private readonly SimulatorHost _host;
        private readonly BinanceRestClient _client;
        private readonly string _run = Guid.NewGuid().ToString("N")[..8];

        private RestRoundTrip(SimulatorHost host, BinanceRestClient client) => (_host, _client) = (host, client);

        public static async Task<RestRoundTrip> StartAsync()
        {
            var json = $$"""{"lastUpdateId":1,"s":"BTCUSDT","E":{{T0}},"bids":[["59990","1000000"]],"asks":[["60000","1000000"]]}""";
            var host = await SimulatorHost.StartAsync(new SimulatorOptions
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
            return new RestRoundTrip(host, new BinanceRestClient(BinanceRestOptions.ForSingleOrigin(host.BaseUrl), new BinanceCredentials(Key, Secret)));
        }

        public async Task<double> SampleAsync(int i)
        {
            var buy = (i & 1) == 0;
            long t0 = Stopwatch.GetTimestamp();
            var r = await _client.Spot.PlaceImmediateLimitOrderAsync("BTCUSDT", buy ? OrderSide.Buy : OrderSide.Sell, 0.001m, buy ? 60_010m : 59_980m,
                $"b{_run}-{i}");
            long t1 = Stopwatch.GetTimestamp();
            var order = r.GetOrThrow();
            if (order.Status != "FILLED") throw new InvalidOperationException($"baseline order {order.ClientOrderId}: {order.Status}");
            return (t1 - t0) * 1000.0 / Stopwatch.Frequency;
        }

        public async ValueTask DisposeAsync()
        {
            _client.Dispose();
            await _host.DisposeAsync();
        }
    }

    private static TriangleBook Book(string symbol, long t, double bid, double ask, double qty = 10) => new(symbol, t, [new(bid, qty)], [new(ask, qty)]);

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

/// <summary>A journal-floor sample; <paramref name="Stamps"/>: [0] the parent's event journaled, [1] the child recovered.</summary>
    private sealed record FloorSample(int Id, long[] Stamps, TaskCompletionSource<long> Done);

    /// <summary>Journals the sample (as the venue actor journals <c>TriangleAttemptBegun</c>), then starts a child for it.</summary>
    private sealed class FloorParent : ReceivePersistentActor
    {
        public FloorParent()
        {
            Command<FloorSample>(m => Persist("begun-" + m.Id.ToString(CultureInfo.InvariantCulture), _ =>
            {
                m.Stamps[0] = Stopwatch.GetTimestamp();
                Context.ActorOf(Props.Create(() => new FloorChild(m.Id))).Tell(m);
            }));
            Recover<string>(_ => { });
        }

        public override string PersistenceId => "bench-floor-parent";
    }

    /// <summary>A new persistent id (recovers an empty journal), then two events in one write (as the attempt's start and leg intent).</summary>
    private sealed class FloorChild : ReceivePersistentActor
    {
        public FloorChild(int id)
        {
            PersistenceId = "bench-floor-child-" + id.ToString(CultureInfo.InvariantCulture);
            Command<FloorSample>(m =>
            {
                m.Stamps[1] = Stopwatch.GetTimestamp();
                int remaining = 2;
                PersistAll(["started", "intended"], _ =>
                {
                    if (--remaining > 0) return;
                    m.Done.TrySetResult(Stopwatch.GetTimestamp());
                    Context.Stop(Self);
                });
            });
            Recover<string>(_ => { });
        }

        public override string PersistenceId { get; }
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
