using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using Arbitrage.Binance.Protocol;
using BenchmarkDotNet.Attributes;

namespace Arbitrage.Benchmarks.Parsing;

/// <summary>
/// Real combined-stream aggTrade frames (cryptofeed fixture, 91 frames): our span parser vs
/// System.Text.Json into a DTO + decimal.Parse. Results are per frame (OperationsPerInvoke).
/// </summary>
[MemoryDiagnoser]
public class AggTradeParseBenchmarks
{
    private const int Frames = 91;
    private byte[][] _frames = [];
    private readonly SymbolTable _symbols = new();

    [GlobalSetup]
    public void Setup()
    {
        _frames = ParsingFixtures.CombinedFrames("binance_usdm_4sym_ws_aggTrade_depth100ms_bookTicker_kline_2021-07-22_30s.cryptofeed.txt", FrameKind.AggTrade);
        if (_frames.Length != Frames)
        {
            throw new InvalidOperationException($"expected {Frames} aggTrade frames, found {_frames.Length}");
        }
    }

    [Benchmark(Baseline = true, OperationsPerInvoke = Frames)]
    public decimal SystemTextJson()
    {
        decimal sum = 0;
        foreach (var f in _frames)
        {
            var env = JsonSerializer.Deserialize<Envelope<AggTradeDto>>(f)!;
            sum += decimal.Parse(env.Data!.P!, CultureInfo.InvariantCulture) + decimal.Parse(env.Data.Q!, CultureInfo.InvariantCulture);
        }

        return sum;
    }

    [Benchmark(OperationsPerInvoke = Frames)]
    public decimal SpanParser()
    {
        decimal sum = 0;
        foreach (var f in _frames)
        {
            AggTradeFrame.TryParse(f, _symbols, out var e, out _);
            sum += e.Price + e.Quantity;
        }

        return sum;
    }

    /// <summary>The previous approach: the general property-walking scanner alone (no compact fast path).</summary>
    [Benchmark(OperationsPerInvoke = Frames)]
    public decimal GeneralScanner()
    {
        decimal sum = 0;
        foreach (var f in _frames)
        {
            AggTradeFrame.TryParseGeneral(f, _symbols, out var e, out _);
            sum += e.Price + e.Quantity;
        }

        return sum;
    }

    internal sealed class Envelope<T>
    {
        [JsonPropertyName("stream")] public string? Stream { get; set; }
        [JsonPropertyName("data")] public T? Data { get; set; }
    }

    internal sealed class AggTradeDto
    {
        [JsonPropertyName("e")] public string? E { get; set; }
        [JsonPropertyName("E")] public long EventTime { get; set; }
        [JsonPropertyName("a")] public long A { get; set; }
        [JsonPropertyName("s")] public string? S { get; set; }
        [JsonPropertyName("p")] public string? P { get; set; }
        [JsonPropertyName("q")] public string? Q { get; set; }
        [JsonPropertyName("f")] public long F { get; set; }
        [JsonPropertyName("l")] public long L { get; set; }
        [JsonPropertyName("T")] public long T { get; set; }
        [JsonPropertyName("m")] public bool M { get; set; }
    }
}

/// <summary>Real USD-M BTCUSDT depth@0ms frames (hftbacktest fixture): span parser into a reused level buffer vs STJ.</summary>
[MemoryDiagnoser]
public class DepthUpdateParseBenchmarks
{
    private byte[][] _frames = [];
    private readonly SymbolTable _symbols = new();
    private readonly DepthLevelBuffer _levels = new();

    [GlobalSetup]
    public void Setup() =>
        _frames = ParsingFixtures.CombinedFrames("binance_usdm_BTCUSDT_ws_depth0ms_bookTicker_trade_2024-08-08T2354Z_head3000.hftbt.gz", FrameKind.DepthUpdate)
            .Take(200).ToArray();

    [Benchmark(Baseline = true, OperationsPerInvoke = 200)]
    public decimal SystemTextJson()
    {
        decimal sum = 0;
        foreach (var f in _frames)
        {
            var env = JsonSerializer.Deserialize<AggTradeParseBenchmarks.Envelope<DepthDto>>(f)!;
            foreach (var l in env.Data!.B!)
            {
                sum += decimal.Parse(l[0], CultureInfo.InvariantCulture) + decimal.Parse(l[1], CultureInfo.InvariantCulture);
            }

            foreach (var l in env.Data.A!)
            {
                sum += decimal.Parse(l[0], CultureInfo.InvariantCulture) + decimal.Parse(l[1], CultureInfo.InvariantCulture);
            }
        }

        return sum;
    }

    [Benchmark(OperationsPerInvoke = 200)]
    public decimal SpanParser()
    {
        decimal sum = 0;
        foreach (var f in _frames)
        {
            DepthUpdateFrame.TryParse(f, _symbols, _levels, out _, out _);
            foreach (var l in _levels.Bids)
            {
                sum += l.Price + l.Quantity;
            }

            foreach (var l in _levels.Asks)
            {
                sum += l.Price + l.Quantity;
            }
        }

        return sum;
    }

    internal sealed class DepthDto
    {
        [JsonPropertyName("e")] public string? E { get; set; }
        [JsonPropertyName("E")] public long EventTime { get; set; }
        [JsonPropertyName("T")] public long T { get; set; }
        [JsonPropertyName("s")] public string? S { get; set; }
        [JsonPropertyName("U")] public long FirstId { get; set; }
        [JsonPropertyName("u")] public long FinalId { get; set; }
        [JsonPropertyName("pu")] public long Pu { get; set; }
        [JsonPropertyName("b")] public List<string[]>? B { get; set; }
        [JsonPropertyName("a")] public List<string[]>? A { get; set; }
    }
}
