using System.Text;
using System.Text.Json;

namespace Arbitrage.Core.Sweeps;

/// <summary>
/// One finished configuration: a line of <c>results.jsonl</c>. <see cref="Values"/> are the configuration's values (JSON
/// text, in the spec's parameter order); <see cref="FirstMs"/>/<see cref="LastMs"/> the replay's first and last tick;
/// <see cref="TapeTrades"/> the trades the replay read.
/// </summary>
public sealed record SweepResult(string ConfigId, IReadOnlyList<string> Values, long FirstMs, long LastMs, long TapeTrades, IReadOnlyList<SweepWindowResult> Windows)
{
    /// <summary>
    /// The line (no newline): <c>{"config_id", "parameters": {path: value}, "first_ms", "last_ms", "tape_trades",
    /// "windows": [{"train_from_ms", "train_to_ms", "test_from_ms", "test_to_ms", "train": {metrics}, "test": {metrics}}]}</c>,
    /// metrics <c>trades, pnl_usd, pnl_r, profit_factor, sortino, sharpe, expectancy_r, calmar</c> (null: undefined).
    /// Doubles are written shortest round-trip, so reading the line back gives the same numbers.
    /// </summary>
    public string ToJsonLine(IReadOnlyList<SweepParameter> parameters)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            w.WriteString("config_id", ConfigId);
            w.WriteStartObject("parameters");
            for (var i = 0; i < parameters.Count; i++)
            {
                w.WritePropertyName(parameters[i].Path);
                w.WriteRawValue(Values[i]);
            }

            w.WriteEndObject();
            w.WriteNumber("first_ms", FirstMs);
            w.WriteNumber("last_ms", LastMs);
            w.WriteNumber("tape_trades", TapeTrades);
            w.WriteStartArray("windows");
            foreach (var window in Windows)
            {
                w.WriteStartObject();
                w.WriteNumber("train_from_ms", window.Window.TrainFromMs);
                w.WriteNumber("train_to_ms", window.Window.TrainToMs);
                w.WriteNumber("test_from_ms", window.Window.TestFromMs);
                w.WriteNumber("test_to_ms", window.Window.TestToMs);
                Write(w, "train", window.Train);
                Write(w, "test", window.Test);
                w.WriteEndObject();
            }

            w.WriteEndArray();
            w.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    /// <summary>Reads a line written by <see cref="ToJsonLine"/>; values in <paramref name="parameters"/> order.</summary>
    public static SweepResult Parse(string line, IReadOnlyList<SweepParameter> parameters)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        using var doc = JsonDocument.Parse(line);
        var r = doc.RootElement;
        var p = r.GetProperty("parameters");
        return new SweepResult(
            r.GetProperty("config_id").GetString() ?? throw new JsonException("config_id is null"),
            parameters.Select(x => p.GetProperty(x.Path).GetRawText()).ToArray(),
            r.GetProperty("first_ms").GetInt64(),
            r.GetProperty("last_ms").GetInt64(),
            r.GetProperty("tape_trades").GetInt64(),
            r.GetProperty("windows").EnumerateArray().Select(w => new SweepWindowResult(
                new SweepWindow(w.GetProperty("train_from_ms").GetInt64(), w.GetProperty("train_to_ms").GetInt64(), w.GetProperty("test_from_ms").GetInt64(), w.GetProperty("test_to_ms").GetInt64()),
                Read(w.GetProperty("train")),
                Read(w.GetProperty("test")))).ToArray());
    }

    private static void Write(Utf8JsonWriter w, string name, SweepMetrics m)
    {
        w.WriteStartObject(name);
        w.WriteNumber("trades", m.Trades);
        w.WriteNumber("pnl_usd", m.PnlUsd);
        w.WriteNumber("pnl_r", m.PnlR);
        Nullable(w, "profit_factor", m.ProfitFactor);
        Nullable(w, "sortino", m.Sortino);
        Nullable(w, "sharpe", m.Sharpe);
        Nullable(w, "expectancy_r", m.ExpectancyR);
        Nullable(w, "calmar", m.Calmar);
        w.WriteEndObject();
    }

    private static void Nullable(Utf8JsonWriter w, string name, double? v)
    {
        if (v is { } x && double.IsFinite(x))
        {
            w.WriteNumber(name, x);
        }
        else
        {
            w.WriteNull(name);
        }
    }

    private static SweepMetrics Read(JsonElement m) => new(
        m.GetProperty("trades").GetInt32(),
        m.GetProperty("pnl_usd").GetDecimal(),
        m.GetProperty("pnl_r").GetDecimal(),
        Nullable(m, "profit_factor"),
        Nullable(m, "sortino"),
        Nullable(m, "sharpe"),
        Nullable(m, "expectancy_r"),
        Nullable(m, "calmar"));

    private static double? Nullable(JsonElement m, string name) => m.GetProperty(name) is { ValueKind: JsonValueKind.Number } v ? v.GetDouble() : null;
}

/// <summary>
/// <c>results.jsonl</c> as a resume reads it: every complete line (ending in a newline) is a finished configuration; a last
/// line without its newline was torn by a kill mid-write and is dropped (the caller truncates the file to
/// <see cref="CompleteLength"/> before appending).
/// </summary>
public sealed record SweepResultsLog(IReadOnlyList<SweepResult> Results, long CompleteLength)
{
    /// <summary>Reads <paramref name="utf8"/>; a complete line that does not parse is an error naming its line number.</summary>
    public static SweepResultsLog Read(ReadOnlySpan<byte> utf8, IReadOnlyList<SweepParameter> parameters, out string? error)
    {
        var results = new List<SweepResult>();
        var complete = utf8.LastIndexOf((byte)'\n') + 1;
        var text = Encoding.UTF8.GetString(utf8[..complete]);
        var lineNumber = 0;
        foreach (var line in text.Split('\n'))
        {
            lineNumber++;
            if (line.Length == 0)
            {
                continue;
            }

            try
            {
                results.Add(SweepResult.Parse(line, parameters));
            }
            catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException or FormatException)
            {
                error = $"line {lineNumber}: not a result of this sweep ({e.Message})";
                return new SweepResultsLog([], 0);
            }
        }

        error = null;
        return new SweepResultsLog(results, complete);
    }
}
