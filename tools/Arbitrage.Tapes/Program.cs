using Arbitrage.Tapes;

// dotnet run -c Release --project tools/Arbitrage.Tapes -- cryptofeed-to-jsonl IN OUT [--depth N] RAW=BASE/QUOTE...
// e.g. ... cryptofeed-to-jsonl gemini.cryptofeed.txt gemini.jsonl --depth 20 BTCUSD=BTC/USD ETHUSD=ETH/USD ETHBTC=ETH/BTC
const string Usage = "usage: cryptofeed-to-jsonl IN OUT [--depth N] RAW=BASE/QUOTE... (N = levels per side, default 20)";
if (args.Length < 4 || args[0] != "cryptofeed-to-jsonl")
{
    Console.Error.WriteLine(Usage);
    return 2;
}

int depth = CryptofeedToJsonl.DefaultDepth;
var pairs = new Dictionary<string, string>(StringComparer.Ordinal);
for (int i = 3; i < args.Length; i++)
{
    if (args[i] == "--depth" && i + 1 < args.Length && int.TryParse(args[i + 1], out depth) && depth > 0)
    {
        i++;
    }
    else if (args[i].Split('=') is [{ Length: > 0 } raw, { Length: > 0 } pair] && pair.Contains('/', StringComparison.Ordinal))
    {
        pairs[raw] = pair;
    }
    else
    {
        Console.Error.WriteLine($"bad argument \"{args[i]}\"; {Usage}");
        return 2;
    }
}

if (pairs.Count == 0)
{
    Console.Error.WriteLine($"name at least one RAW=BASE/QUOTE pair; {Usage}");
    return 2;
}

try
{
    var jsonl = CryptofeedToJsonl.Convert(File.ReadAllText(args[1]), pairs, depth, out var events);
    File.WriteAllText(args[2], jsonl, new System.Text.UTF8Encoding(false));
    Console.WriteLine($"{args[2]}: {events} book events");
    return 0;
}
catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or FormatException)
{
    Console.Error.WriteLine(ex.Message);
    return 1;
}
