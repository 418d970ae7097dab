using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Arbitrage.Tapes;

/// <summary>
/// Turns a cryptofeed capture (<c>&lt;unix seconds.fraction&gt;: &lt;raw JSON&gt;</c> a line, handshake lines starting
/// with the stream URL) of Gemini <c>l2_updates</c> or bitFlyer <c>lightning_board[_snapshot]_*</c> messages into the
/// JSONL book tape of ARCHITECTURE §7: after every book message of a chosen symbol, one line with that symbol's full
/// book (best <c>depth</c> levels per side, best first) at the capture's receive time in epoch ms (the messages carry
/// no exchange time). Deterministic: the same capture always gives the same bytes.
/// </summary>
/// <remarks>
/// Gemini: a symbol's first <c>l2_updates</c> message is its whole book, later ones change levels
/// (<c>["buy"|"sell", price, qty]</c>, qty 0 removes); every message is applied to the book kept so far.
/// bitFlyer: a <c>lightning_board_snapshot_*</c> message replaces the book (bitFlyer sends its top levels, ~300 a side,
/// every few seconds); <c>lightning_board_*</c> diffs change levels (size 0 removes); diffs before a symbol's first
/// snapshot are dropped, its book being unknown until then. Prices and quantities are kept as exact decimals and
/// written without trailing zeros or exponents. Books are written as the venue left them (a bitFlyer book may cross).
/// </remarks>
public static class CryptofeedToJsonl
{
    public const int DefaultDepth = 20;

    private const string BoardSnapshot = "lightning_board_snapshot_";
    private const string Board = "lightning_board_";

    /// <summary>
    /// The tape of <paramref name="capture"/> for the raw symbols in <paramref name="pairs"/> (raw → <c>BASE/QUOTE</c>,
    /// e.g. <c>BTCUSD</c> → <c>BTC/USD</c>, <c>ETH_BTC</c> → <c>ETH/BTC</c>); other symbols are skipped.
    /// </summary>
    public static string Convert(string capture, IReadOnlyDictionary<string, string> pairs, int depth, out int events)
    {
        ArgumentNullException.ThrowIfNull(capture);
        ArgumentNullException.ThrowIfNull(pairs);
        ArgumentOutOfRangeException.ThrowIfLessThan(depth, 1);
        var books = new Dictionary<string, Book>(StringComparer.Ordinal);
        var output = new StringBuilder();
        events = 0;
        int lineNumber = 0;
        foreach (var rawLine in capture.Split('\n'))
        {
            lineNumber++;
            var line = rawLine.TrimEnd('\r');
            if (line.Length == 0 || line.StartsWith("wss://", StringComparison.Ordinal) || line.StartsWith("https://", StringComparison.Ordinal))
            {
                continue;
            }

            int colon = line.IndexOf(": ", StringComparison.Ordinal);
            if (colon <= 0 || !TryEpochMs(line.AsSpan(0, colon), out long timeMs))
            {
                throw new FormatException($"line {lineNumber}: expected '<unix seconds>: <json>'");
            }

            using var doc = JsonDocument.Parse(line.AsMemory(colon + 2));
            var root = doc.RootElement;
            string? symbol = Gemini(root, pairs, books) ?? BitFlyer(root, pairs, books);
            if (symbol is not null)
            {
                Write(output, timeMs, pairs[symbol], books[symbol], depth);
                events++;
            }
        }

        return output.ToString();
    }

    /// <summary>Applies a Gemini l2_updates message of a chosen symbol; its raw symbol, or null.</summary>
    private static string? Gemini(JsonElement root, IReadOnlyDictionary<string, string> pairs, Dictionary<string, Book> books)
    {
        if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("type", out var type) || type.GetString() != "l2_updates"
            || root.GetProperty("symbol").GetString() is not { } symbol || !pairs.ContainsKey(symbol))
        {
            return null;
        }

        if (!books.TryGetValue(symbol, out var book))
        {
            book = new Book();
            books.Add(symbol, book);
        }

        foreach (var change in root.GetProperty("changes").EnumerateArray())
        {
            var side = change[0].GetString() switch
            {
                "buy" => book.Bids,
                "sell" => book.Asks,
                var other => throw new FormatException($"unknown Gemini side \"{other}\""),
            };
            Set(side, Decimal(change[1]), Decimal(change[2]));
        }

        return symbol;
    }

    /// <summary>Applies a bitFlyer board snapshot or diff of a chosen symbol; its raw symbol, or null (also for a diff before any snapshot).</summary>
    private static string? BitFlyer(JsonElement root, IReadOnlyDictionary<string, string> pairs, Dictionary<string, Book> books)
    {
        if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("params", out var p) || p.ValueKind != JsonValueKind.Object
            || !p.TryGetProperty("channel", out var ch) || !p.TryGetProperty("message", out var message) || ch.GetString() is not { } channel)
        {
            return null;
        }

        bool snapshot = channel.StartsWith(BoardSnapshot, StringComparison.Ordinal);
        if (!snapshot && !channel.StartsWith(Board, StringComparison.Ordinal))
        {
            return null;
        }

        var symbol = channel[(snapshot ? BoardSnapshot : Board).Length..];
        if (!pairs.ContainsKey(symbol))
        {
            return null;
        }

        if (snapshot)
        {
            books[symbol] = new Book();
        }
        else if (!books.ContainsKey(symbol))
        {
            return null;
        }

        var book = books[symbol];
        foreach (var (name, side) in new[] { ("bids", book.Bids), ("asks", book.Asks) })
        {
            foreach (var level in message.GetProperty(name).EnumerateArray())
            {
                Set(side, Decimal(level.GetProperty("price")), Decimal(level.GetProperty("size")));
            }
        }

        return symbol;
    }

    private static void Set(SortedDictionary<decimal, decimal> side, decimal price, decimal quantity)
    {
        if (quantity == 0)
        {
            side.Remove(price);
        }
        else
        {
            side[price] = quantity;
        }
    }

    private static void Write(StringBuilder output, long timeMs, string symbol, Book book, int depth)
    {
        output.Append("{\"timestamp\":").Append(timeMs.ToString(CultureInfo.InvariantCulture))
            .Append(",\"symbol\":\"").Append(symbol).Append('"');
        foreach (var (name, side) in new[] { ("bids", book.Bids), ("asks", book.Asks) })
        {
            output.Append(",\"").Append(name).Append("\":[");
            int n = 0;
            foreach (var (price, quantity) in side)
            {
                if (n == depth)
                {
                    break;
                }

                output.Append(n++ == 0 ? "[" : ",[").Append(Text(price)).Append(',').Append(Text(quantity)).Append(']');
            }

            output.Append(']');
        }

        output.Append("}\n");
    }

    /// <summary>Seconds with a fraction → ms, from the text (no binary rounding): <c>1618677942.586266</c> → 1618677942586.</summary>
    private static bool TryEpochMs(ReadOnlySpan<char> text, out long ms)
    {
        ms = 0;
        int dot = text.IndexOf('.');
        var whole = dot < 0 ? text : text[..dot];
        var fraction = dot < 0 ? [] : text[(dot + 1)..];
        if (whole.Length == 0 || !long.TryParse(whole, NumberStyles.None, CultureInfo.InvariantCulture, out long seconds)
            || fraction.IndexOfAnyExceptInRange('0', '9') >= 0)
        {
            return false;
        }

        long milli = 0;
        for (int i = 0; i < 3; i++)
        {
            milli = (milli * 10) + (i < fraction.Length ? fraction[i] - '0' : 0);
        }

        ms = (seconds * 1000) + milli;
        return true;
    }

    /// <summary>A JSON number or numeric string as an exact decimal.</summary>
    private static decimal Decimal(JsonElement el) =>
        decimal.Parse(el.ValueKind == JsonValueKind.String ? el.GetString()! : el.GetRawText(), NumberStyles.Float, CultureInfo.InvariantCulture);

    /// <summary>Exact decimal text without trailing zeros or an exponent (dividing by 1.000… normalises the scale).</summary>
    private static string Text(decimal d) => (d / 1.0000000000000000000000000000m).ToString(CultureInfo.InvariantCulture);

    private sealed class Book
    {
        public SortedDictionary<decimal, decimal> Bids { get; } = new(Comparer<decimal>.Create(static (a, b) => b.CompareTo(a)));

        public SortedDictionary<decimal, decimal> Asks { get; } = new();
    }
}
