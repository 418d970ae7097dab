using System.CommandLine;
using System.Globalization;
using Arbitrage.Binance.Rest;
using Arbitrage.Binance.Tapes;
using Arbitrage.Cli.Bridge;

namespace Arbitrage.Cli.Commands;

/// <summary>
/// <c>arbctl backfill --symbol S --from T --to T --out DIR</c>: the strategies' market inputs (Binance's 5-minute
/// <c>/futures/data/*</c> statistics and the settled funding rates) for a time range into JSONL tapes, paged,
/// resumable and idempotent (<see cref="FuturesInputBackfill"/>).
/// </summary>
public static class BackfillCommand
{
    public static Command Create()
    {
        var symbol = new Option<string>("--symbol") { Description = "USD-M futures symbol, e.g. BTCUSDT.", Required = true };
        var from = new Option<string>("--from") { Description = "Start, UTC: 2026-01-01 or 2026-01-01T12:00:00Z (inclusive).", Required = true };
        var to = new Option<string>("--to") { Description = "End, UTC, inclusive (a date alone = its midnight).", Required = true };
        var outDir = new Option<string>("--out") { Description = "Output directory (created): SYMBOL-futures-metrics-5m.jsonl, SYMBOL-funding.jsonl.", Required = true };
        var restUrl = new Option<string>("--rest-url")
        {
            Description = "USD-M REST base URL (default Binance's; the simulator's http://127.0.0.1:PORT for a local run).",
            DefaultValueFactory = _ => new BinanceRestOptions().UsdmRestBaseUrl.ToString(),
        };
        var noFunding = new Option<bool>("--no-funding") { Description = "Only the 5-minute statistics, not the funding history." };
        var command = new Command("backfill",
            "Fetch the strategies' market inputs (5-minute open interest, long/short ratios, taker volume; funding rates) into JSONL tapes; resumable.")
        {
            symbol, from, to, outDir, restUrl, noFunding,
        };
        command.SetAction(async (parse, ct) =>
        {
            var sym = parse.GetValue(symbol)!.Trim().ToUpperInvariant();
            if (sym.Length is < 2 or > 30 || !sym.All(c => char.IsAsciiLetterUpper(c) || char.IsAsciiDigit(c) || c == '_'))
                return await Fail($"--symbol: '{sym}' is not a symbol (letters, digits, _)");
            if (!TryTime(parse.GetValue(from)!, out var fromMs)) return await Fail($"--from: '{parse.GetValue(from)}' is not a UTC date or time (2026-01-01 or 2026-01-01T12:00:00Z)");
            if (!TryTime(parse.GetValue(to)!, out var toMs)) return await Fail($"--to: '{parse.GetValue(to)}' is not a UTC date or time (2026-01-01 or 2026-01-01T12:00:00Z)");
            if (fromMs > toMs) return await Fail("--from must not be after --to");
            if (!Uri.TryCreate(parse.GetValue(restUrl), UriKind.Absolute, out var baseUrl) || baseUrl.Scheme is not ("http" or "https"))
                return await Fail($"--rest-url: '{parse.GetValue(restUrl)}' is not an http(s) URL");

            using var client = new BinanceRestClient(new BinanceRestOptions { UsdmRestBaseUrl = baseUrl });
            var progress = new Progress<BackfillProgress>(p =>
            {
                var done = p.ToMs == p.FromMs ? 100.0 : 100.0 * (Math.Min(p.ReachedMs, p.ToMs) - p.FromMs) / (p.ToMs - p.FromMs);
                Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"backfill {sym} {p.Series}: up to {Format(Math.Min(p.ReachedMs, p.ToMs))} ({done:0}%), {p.Written:N0} new"));
            });
            try
            {
                var result = await new FuturesInputBackfill(client.ExchangeData).RunAsync(sym, fromMs, toMs, parse.GetValue(outDir)!,
                    funding: !parse.GetValue(noFunding), progress, ct);
                Console.WriteLine($"{result.MetricsFile}: {result.MetricsWritten:N0} new 5-minute points (last {Format(result.MetricsLastMs)})");
                if (!parse.GetValue(noFunding))
                    Console.WriteLine($"{result.FundingFile}: {result.FundingWritten:N0} new funding rates (last {Format(result.FundingLastMs)})");
                return 0;
            }
            catch (BackfillException e)
            {
                return await Fail(e.Message + " (what was written stays; run the same command again to resume)", ExitCodes.Unreachable);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or TapeFormatException)
            {
                return await Fail(e.Message);
            }
        });
        return command;
    }

    private static async Task<int> Fail(string message, int code = ExitCodes.Usage)
    {
        await Console.Error.WriteLineAsync("arbctl backfill: " + message);
        return code;
    }

    private static string Format(long? ms) => ms is { } v
        ? DateTimeOffset.FromUnixTimeMilliseconds(v).UtcDateTime.ToString("yyyy-MM-dd HH:mm 'UTC'", CultureInfo.InvariantCulture)
        : "none";

    /// <summary>A date (its UTC midnight) or an ISO time with an offset or Z.</summary>
    internal static bool TryTime(string text, out long ms)
    {
        ms = 0;
        if (DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date))
        {
            ms = new DateTimeOffset(date.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero).ToUnixTimeMilliseconds();
            return true;
        }

        if (DateTimeOffset.TryParseExact(text, ["yyyy-MM-dd'T'HH:mmK", "yyyy-MM-dd'T'HH:mm:ssK", "yyyy-MM-dd'T'HH:mm:ss.FFFFFFFK"],
                CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var t))
        {
            ms = t.ToUnixTimeMilliseconds();
            return true;
        }

        return false;
    }
}
