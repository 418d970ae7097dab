using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Arbitrage.Simulator.Http;

/// <summary>Small helpers to write Binance-shaped JSON (numbers as strings, no trailing zeros).</summary>
public static class JsonText
{
    public static string Write(Action<Utf8JsonWriter> write)
    {
        var buffer = new ArrayBufferWriter<byte>(512);
        using (var w = new Utf8JsonWriter(buffer))
            write(w);
        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    /// <summary>Binance sends decimals as strings; normalised, invariant, never in exponent form.</summary>
    public static string D(decimal value) => (value / 1.000000000000000000000000000000000m).ToString(CultureInfo.InvariantCulture);

    public static void Dec(this Utf8JsonWriter w, string name, decimal value) => w.WriteString(name, D(value));
}
