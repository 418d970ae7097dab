using System.Text.Json;

namespace Arbitrage.Binance.Protocol;

/// <summary>Shared bits of the frame writers and error reporting.</summary>
internal static class WireWrite
{
    /// <summary>Binance quotes decimals as strings; the decimal's own scale keeps "0.010" as "0.010".</summary>
    public static void Decimal(Utf8JsonWriter w, ReadOnlySpan<byte> name, decimal value)
    {
        Span<byte> buf = stackalloc byte[40];
        value.TryFormat(buf, out int n, default, System.Globalization.CultureInfo.InvariantCulture);
        w.WriteString(name, buf[..n]);
    }

    public static void Levels(Utf8JsonWriter w, ReadOnlySpan<byte> name, ReadOnlySpan<Arbitrage.Core.Books.PriceLevel> levels)
    {
        Span<byte> buf = stackalloc byte[40];
        w.WriteStartArray(name);
        foreach (var l in levels)
        {
            w.WriteStartArray();
            l.Price.TryFormat(buf, out int n, default, System.Globalization.CultureInfo.InvariantCulture);
            w.WriteStringValue(buf[..n]);
            l.Quantity.TryFormat(buf, out n, default, System.Globalization.CultureInfo.InvariantCulture);
            w.WriteStringValue(buf[..n]);
            w.WriteEndArray();
        }

        w.WriteEndArray();
    }

    /// <summary>Error field names are literals so that reporting a failure allocates nothing.</summary>
    public static string FieldName(ReadOnlySpan<byte> name)
    {
        if (name.Length == 1)
        {
            return name[0] switch
            {
                (byte)'e' => "e", (byte)'E' => "E", (byte)'s' => "s", (byte)'a' => "a", (byte)'A' => "A",
                (byte)'b' => "b", (byte)'B' => "B", (byte)'p' => "p", (byte)'P' => "P", (byte)'q' => "q",
                (byte)'Q' => "Q", (byte)'f' => "f", (byte)'l' => "l", (byte)'L' => "L", (byte)'T' => "T",
                (byte)'t' => "t", (byte)'m' => "m", (byte)'M' => "M", (byte)'u' => "u", (byte)'U' => "U",
                (byte)'i' => "i", (byte)'r' => "r", (byte)'k' => "k", (byte)'o' => "o", (byte)'c' => "c",
                (byte)'h' => "h", (byte)'v' => "v", (byte)'V' => "V", (byte)'n' => "n", (byte)'x' => "x",
                (byte)'X' => "X", (byte)'z' => "z", (byte)'S' => "S",
                _ => "?",
            };
        }

        return name.SequenceEqual("pu"u8) ? "pu" : name.SequenceEqual("ap"u8) ? "ap" : name.SequenceEqual("bids"u8) ? "bids"
            : name.SequenceEqual("asks"u8) ? "asks" : name.SequenceEqual("lastUpdateId"u8) ? "lastUpdateId" : "?";
    }
}
