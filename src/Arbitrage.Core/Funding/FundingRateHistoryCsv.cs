using System.Globalization;

namespace Arbitrage.Core.Funding;

/// <summary>A malformed funding-history file; the message starts with <c>source:line:</c>.</summary>
public sealed class FundingCsvException(string source, int line, string problem)
    : FormatException($"{source}:{line}: {problem}")
{
    public string SourceName { get; } = source;
    public int Line { get; } = line;
    public string Problem { get; } = problem;
}

/// <summary>
/// Reads settled funding history as CSV <c>Symbol,Date,Funding Rate</c> (e.g. the
/// historical-funding-rates-fetcher export). Dates carry no zone: they are local times of the machine
/// that fetched them, so the caller states that offset (the shared ETHUSDT file is UTC+3).
/// </summary>
public static class FundingRateHistoryCsv
{
    private static readonly string[] DateFormats =
        ["yyyy-MM-dd HH:mm:ss.FFFFFFF", "yyyy-MM-dd'T'HH:mm:ss.FFFFFFF", "yyyy-MM-dd HH:mm"];

    public static IReadOnlyList<FundingRateRecord> Read(string path, TimeSpan sourceUtcOffset)
    {
        using var reader = new StreamReader(path);
        return Read(reader, sourceUtcOffset, path);
    }

    /// <summary>Rows in file order. Blank lines are skipped; anything else malformed throws <see cref="FundingCsvException"/>.</summary>
    /// <param name="sourceName">Names the source in error messages (a file path).</param>
    public static IReadOnlyList<FundingRateRecord> Read(TextReader reader, TimeSpan sourceUtcOffset, string sourceName = "<funding csv>")
    {
        ArgumentNullException.ThrowIfNull(reader);
        if (sourceUtcOffset.Ticks % TimeSpan.TicksPerMinute != 0 || Math.Abs(sourceUtcOffset.TotalHours) > 14)
            throw new ArgumentOutOfRangeException(nameof(sourceUtcOffset), sourceUtcOffset, "a UTC offset is whole minutes within ±14 h");

        var rows = new List<FundingRateRecord>();
        var lastTimeBySymbol = new Dictionary<string, long>(StringComparer.Ordinal);
        var lineNo = 0;
        var header = reader.ReadLine();
        lineNo++;
        if (header is null) throw new FundingCsvException(sourceName, 1, "empty file; expected header 'Symbol,Date,Funding Rate'");
        var cols = header.TrimStart('\uFEFF').Split(',');
        if (cols.Length != 3 || !cols[0].Trim().Equals("Symbol", StringComparison.OrdinalIgnoreCase)
            || !cols[1].Trim().Equals("Date", StringComparison.OrdinalIgnoreCase)
            || !cols[2].Trim().Equals("Funding Rate", StringComparison.OrdinalIgnoreCase))
            throw new FundingCsvException(sourceName, 1, $"header '{header}' is not 'Symbol,Date,Funding Rate'");

        while (reader.ReadLine() is { } line)
        {
            lineNo++;
            if (line.Length == 0 || string.IsNullOrWhiteSpace(line)) continue;
            var f = line.Split(',');
            if (f.Length != 3)
                throw new FundingCsvException(sourceName, lineNo, $"expected 3 fields (Symbol,Date,Funding Rate), got {f.Length}: '{line}'");
            var symbol = f[0].Trim();
            if (symbol.Length == 0) throw new FundingCsvException(sourceName, lineNo, "empty Symbol");
            if (!DateTime.TryParseExact(f[1].Trim(), DateFormats, CultureInfo.InvariantCulture, DateTimeStyles.None, out var local))
                throw new FundingCsvException(sourceName, lineNo, $"bad Date '{f[1]}' (expected yyyy-MM-dd HH:mm:ss[.fff])");
            if (!decimal.TryParse(f[2].Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out var rate))
                throw new FundingCsvException(sourceName, lineNo, $"bad Funding Rate '{f[2]}' (expected a decimal number like 0.0001)");

            var timeMs = new DateTimeOffset(DateTime.SpecifyKind(local, DateTimeKind.Unspecified), sourceUtcOffset).ToUnixTimeMilliseconds();
            if (lastTimeBySymbol.TryGetValue(symbol, out var prev) && timeMs <= prev)
                throw new FundingCsvException(sourceName, lineNo,
                    $"{symbol} settlement at '{f[1].Trim()}' is not after the previous one; the history must be in time order without duplicates");
            lastTimeBySymbol[symbol] = timeMs;
            rows.Add(new FundingRateRecord(symbol, timeMs, rate));
        }
        return rows;
    }
}
