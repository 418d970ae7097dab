using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Arbitrage.Core.Triangles;

/// <summary>One line of a book tape: <see cref="Symbol"/>'s full book (top levels, best first) after an event at <see cref="TimeMs"/>.</summary>
/// <param name="Line">1-based line number in its tape.</param>
public sealed record BookTapeEvent(long TimeMs, string Symbol, BookLevel[] Bids, BookLevel[] Asks, int Line);

/// <summary>A malformed book-tape line; the message starts with <c>source:line:</c>.</summary>
public sealed class BookTapeException(string source, int line, string problem)
    : FormatException($"{source}:{line}: {problem}")
{
    public string SourceName { get; } = source;

    public int Line { get; } = line;

    public string Problem { get; } = problem;
}

/// <summary>
/// The Arbitrade seed's book replay format (ARCHITECTURE §7): JSONL, one book event a line,
/// <c>{"timestamp": ISO-8601 or epoch ms, "symbol": "BTC/USD", "bids": [[p, q], …], "asks": [[p, q], …]}</c>, each line
/// holding that symbol's full book (top levels) after the event; replayed in timestamp order, stable for equal
/// timestamps. Pure: parses text the caller read.
/// </summary>
/// <remarks>
/// Accepted: <c>timestamp</c> as epoch milliseconds (a JSON number, a fraction is floored, or a string of digits) or an
/// ISO-8601 string (<c>2026-06-01T12:00:00.123Z</c>; an offset is converted to UTC, none means UTC, sub-millisecond
/// digits are floored); prices and quantities as JSON numbers or numeric strings (<c>"60696.02"</c>), extra elements of a
/// level (e.g. a per-level timestamp) ignored; other keys ignored; blank lines skipped. Refused, naming line and field:
/// anything else, a missing or repeated key, a symbol that is not <c>BASE/QUOTE</c>, a price that is not finite and
/// &gt; 0, a quantity that is not finite and ≥ 0. Levels are kept as written; the detector walks them best first.
/// </remarks>
public static class BookTape
{
    private static readonly JsonReaderOptions ReaderOptions = new() { CommentHandling = JsonCommentHandling.Disallow, MaxDepth = 16 };

    /// <summary>Every event of a tape's text, in timestamp order (stable: equal timestamps keep their line order).</summary>
    public static IReadOnlyList<BookTapeEvent> Parse(string source, string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return Parse(source, Encoding.UTF8.GetBytes(text));
    }

    /// <summary>Every event of a tape's UTF-8 bytes, in timestamp order (stable). Throws <see cref="BookTapeException"/> at the first bad line.</summary>
    public static IReadOnlyList<BookTapeEvent> Parse(string source, ReadOnlySpan<byte> utf8)
    {
        ArgumentNullException.ThrowIfNull(source);
        if (utf8.StartsWith("\uFEFF"u8))
        {
            utf8 = utf8[3..];
        }

        var symbols = new Dictionary<string, string>(StringComparer.Ordinal);
        var events = new List<BookTapeEvent>();
        int lineNumber = 0;
        while (utf8.Length > 0)
        {
            lineNumber++;
            int end = utf8.IndexOf((byte)'\n');
            var line = end < 0 ? utf8 : utf8[..end];
            utf8 = end < 0 ? default : utf8[(end + 1)..];
            if (IsBlank(line))
            {
                continue;
            }

            var e = ParseLine(line, source, lineNumber);
            // One string per symbol for the whole tape.
            if (symbols.TryGetValue(e.Symbol, out var shared))
            {
                e = e with { Symbol = shared };
            }
            else
            {
                symbols.Add(e.Symbol, e.Symbol);
            }

            events.Add(e);
        }

        return Order(events);
    }

    /// <summary>Several tapes' events as one stream in timestamp order; equal timestamps keep tape order, then line order.</summary>
    public static IReadOnlyList<BookTapeEvent> Merge(IEnumerable<IReadOnlyList<BookTapeEvent>> tapes)
    {
        ArgumentNullException.ThrowIfNull(tapes);
        var all = new List<BookTapeEvent>();
        foreach (var t in tapes)
        {
            all.AddRange(t);
        }

        return Order(all);
    }

    /// <summary>Parses one line (without its line end) of UTF-8 JSON; <paramref name="source"/> and <paramref name="lineNumber"/> name it in errors.</summary>
    public static BookTapeEvent ParseLine(ReadOnlySpan<byte> utf8Line, string source, int lineNumber)
    {
        try
        {
            return Read(utf8Line, source, lineNumber);
        }
        catch (JsonException ex)
        {
            var reason = ex.Message;
            var cut = reason.IndexOf(" LineNumber:", StringComparison.Ordinal);
            throw new BookTapeException(source, lineNumber,
                $"invalid JSON at position {(ex.BytePositionInLine ?? 0) + 1}: {(cut > 0 ? reason[..cut] : reason)}");
        }
    }

    /// <summary>Parses one line of text (without its line end).</summary>
    public static BookTapeEvent ParseLine(string line, string source, int lineNumber)
    {
        ArgumentNullException.ThrowIfNull(line);
        return ParseLine(Encoding.UTF8.GetBytes(line), source, lineNumber);
    }

    private static BookTapeEvent Read(ReadOnlySpan<byte> utf8, string source, int lineNumber)
    {
        var reader = new Utf8JsonReader(utf8, ReaderOptions);
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
        {
            throw Bad(source, lineNumber, "expected a JSON object {\"timestamp\", \"symbol\", \"bids\", \"asks\"}");
        }

        long? time = null;
        string? symbol = null;
        BookLevel[]? bids = null, asks = null;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var name = reader.GetString()!;
            reader.Read();
            switch (name)
            {
                case "timestamp":
                    Once(time is not null, name, source, lineNumber);
                    time = Timestamp(ref reader, source, lineNumber);
                    break;
                case "symbol":
                    Once(symbol is not null, name, source, lineNumber);
                    symbol = Symbol(ref reader, source, lineNumber);
                    break;
                case "bids":
                    Once(bids is not null, name, source, lineNumber);
                    bids = Levels(ref reader, name, source, lineNumber);
                    break;
                case "asks":
                    Once(asks is not null, name, source, lineNumber);
                    asks = Levels(ref reader, name, source, lineNumber);
                    break;
                default:
                    reader.Skip();
                    break;
            }
        }

        if (reader.Read())
        {
            throw Bad(source, lineNumber, "text after the JSON object (one event per line)");
        }

        return new BookTapeEvent(
            time ?? throw Missing("timestamp", source, lineNumber),
            symbol ?? throw Missing("symbol", source, lineNumber),
            bids ?? throw Missing("bids", source, lineNumber),
            asks ?? throw Missing("asks", source, lineNumber),
            lineNumber);
    }

    private static long Timestamp(ref Utf8JsonReader reader, string source, int line)
    {
        const string rule = "timestamp must be epoch milliseconds (a number or a string of digits) or an ISO-8601 time";
        if (reader.TokenType == JsonTokenType.Number)
        {
            if (reader.TryGetInt64(out var ms))
            {
                return ms;
            }

            if (reader.TryGetDouble(out var d) && double.IsFinite(d) && Math.Abs(d) < 9e15)
            {
                return (long)Math.Floor(d);
            }

            throw Bad(source, line, $"{rule} (got {Raw(ref reader)})");
        }

        if (reader.TokenType != JsonTokenType.String)
        {
            throw Bad(source, line, $"{rule} (got {Raw(ref reader)})");
        }

        var s = reader.GetString()!;
        if (s.Length > 0 && s.Length <= 19 && s.AsSpan().IndexOfAnyExceptInRange('0', '9') < 0)
        {
            return long.Parse(s, NumberStyles.None, CultureInfo.InvariantCulture);
        }

        if (s.Length >= 10 && char.IsAsciiDigit(s[0]) && char.IsAsciiDigit(s[3]) && s[4] == '-' && s[7] == '-'
            && DateTimeOffset.TryParse(s, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var t))
        {
            return t.ToUnixTimeMilliseconds();
        }

        throw Bad(source, line, $"{rule} (got {Raw(ref reader)})");
    }

    private static string Symbol(ref Utf8JsonReader reader, string source, int line)
    {
        if (reader.TokenType == JsonTokenType.String && TradingPair.TryParse(reader.GetString()!, out var pair))
        {
            return pair.Symbol;
        }

        throw Bad(source, line, $"symbol must be a string BASE/QUOTE, e.g. \"BTC/USD\" (got {Raw(ref reader)})");
    }

    private static BookLevel[] Levels(ref Utf8JsonReader reader, string side, string source, int line)
    {
        if (reader.TokenType != JsonTokenType.StartArray)
        {
            throw Bad(source, line, $"{side} must be an array of [price, quantity] (got {Raw(ref reader)})");
        }

        var levels = new List<BookLevel>();
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            int i = levels.Count;
            if (reader.TokenType != JsonTokenType.StartArray)
            {
                throw Bad(source, line, $"{side}[{i}] must be [price, quantity] (got {Raw(ref reader)})");
            }

            reader.Read();
            double price = Number(ref reader, side, i, "price", source, line);
            reader.Read();
            double quantity = Number(ref reader, side, i, "quantity", source, line);
            if (!(price > 0))
            {
                throw Bad(source, line, $"{side}[{i}]: price must be a number > 0 (got {price.ToString("R", CultureInfo.InvariantCulture)})");
            }

            if (!(quantity >= 0))
            {
                throw Bad(source, line, $"{side}[{i}]: quantity must be a number ≥ 0 (got {quantity.ToString("R", CultureInfo.InvariantCulture)})");
            }

            // Extra elements of a level (some venues add a per-level time) are not part of the book.
            while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
            {
                reader.Skip();
            }

            levels.Add(new BookLevel(price, quantity));
        }

        return [.. levels];
    }

    private static double Number(ref Utf8JsonReader reader, string side, int i, string what, string source, int line)
    {
        if (reader.TokenType == JsonTokenType.EndArray)
        {
            throw Bad(source, line, $"{side}[{i}] must be [price, quantity] (the {what} is missing)");
        }

        double value;
        bool ok;
        if (reader.TokenType == JsonTokenType.Number)
        {
            ok = reader.TryGetDouble(out value);
        }
        else if (reader.TokenType == JsonTokenType.String)
        {
            ok = reader.ValueIsEscaped
                ? double.TryParse(reader.GetString(), NumberStyles.Float, CultureInfo.InvariantCulture, out value)
                : double.TryParse(reader.ValueSpan, NumberStyles.Float, CultureInfo.InvariantCulture, out value);
        }
        else
        {
            ok = false;
            value = 0;
        }

        if (!ok || !double.IsFinite(value))
        {
            throw Bad(source, line, $"{side}[{i}]: {what} must be a finite number (got {Raw(ref reader)})");
        }

        return value;
    }

    private static void Once(bool seen, string name, string source, int line)
    {
        if (seen)
        {
            throw Bad(source, line, $"key \"{name}\" appears more than once");
        }
    }

    private static BookTapeException Missing(string name, string source, int line) => Bad(source, line, $"required key \"{name}\" is missing");

    private static BookTapeException Bad(string source, int line, string problem) => new(source, line, problem);

    /// <summary>The current value as written, cut to a readable length.</summary>
    private static string Raw(ref Utf8JsonReader reader)
    {
        string raw;
        if (reader.TokenType is JsonTokenType.StartArray or JsonTokenType.StartObject)
        {
            raw = reader.TokenType == JsonTokenType.StartArray ? "an array" : "an object";
        }
        else
        {
            raw = Encoding.UTF8.GetString(reader.ValueSpan);
            if (reader.TokenType == JsonTokenType.String)
            {
                raw = "\"" + raw + "\"";
            }
        }

        return raw.Length <= 60 ? raw : raw[..57] + "...";
    }

    private static bool IsBlank(ReadOnlySpan<byte> line)
    {
        foreach (var b in line)
        {
            if (b is not ((byte)' ' or (byte)'\t' or (byte)'\r'))
            {
                return false;
            }
        }

        return true;
    }

    private static List<BookTapeEvent> Order(List<BookTapeEvent> events)
    {
        // List.Sort is unstable: break ties on the position.
        var keyed = new (long Time, int Position, BookTapeEvent Event)[events.Count];
        for (int i = 0; i < keyed.Length; i++)
        {
            keyed[i] = (events[i].TimeMs, i, events[i]);
        }

        Array.Sort(keyed, static (a, b) => a.Time != b.Time ? a.Time.CompareTo(b.Time) : a.Position.CompareTo(b.Position));
        var result = new List<BookTapeEvent>(keyed.Length);
        foreach (var k in keyed)
        {
            result.Add(k.Event);
        }

        return result;
    }
}
