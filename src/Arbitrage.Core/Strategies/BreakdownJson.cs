using System.Text;
using System.Text.Json;

namespace Arbitrage.Core.Strategies;

/// <summary>
/// The score breakdown as compact JSON for the signals CSV and the <c>SignalEmitted</c> event:
/// <c>[{"name":"cvd","points":30,"weight":30,"status":"ok","input":12.5},…]</c>. Byte-identical for equal
/// input on every run and machine: fixed key order, breakdown order, invariant shortest round-trip doubles;
/// a non-finite input is written as null.
/// </summary>
public static class BreakdownJson
{
    public static string Write(IReadOnlyList<SignalContribution> breakdown)
    {
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = false }))
        {
            w.WriteStartArray();
            foreach (var c in breakdown)
            {
                w.WriteStartObject();
                w.WriteString("name", c.Name);
                WriteNumber(w, "points", c.Points);
                WriteNumber(w, "weight", c.Weight);
                w.WriteString("status", c.Status);
                WriteNumber(w, "input", c.Input);
                w.WriteEndObject();
            }

            w.WriteEndArray();
        }

        return Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length);
    }

    private static void WriteNumber(Utf8JsonWriter w, string name, double? value)
    {
        if (value is { } v && double.IsFinite(v))
            w.WriteNumber(name, v);
        else
            w.WriteNull(name);
    }
}
