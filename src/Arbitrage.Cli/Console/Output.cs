using System.Text.Json;
using Spectre.Console;
using Spectre.Console.Rendering;

namespace Arbitrage.Cli.Bridge;

/// <summary>Prints bridge answers: JSON as-is for scripts (<c>--json</c>), Spectre tables for people.</summary>
public static class Output
{
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    public static void Json(JsonElement? value) =>
        System.Console.Out.WriteLine(value is { } v ? JsonSerializer.Serialize(v, Indented) : "null");

    /// <summary>Arrays of objects (or <c>{items: [...]}</c> pages) as a table; other objects as field/value rows.</summary>
    public static void Render(JsonElement? value, bool json, string? title = null)
    {
        if (json)
        {
            Json(value);
            return;
        }

        if (value is not { } v)
        {
            AnsiConsole.MarkupLine("[grey]done[/]");
            return;
        }

        if (v.ValueKind == JsonValueKind.Object && v.TryGetProperty("items", out var items) && items.ValueKind == JsonValueKind.Array)
        {
            v = items;
        }

        AnsiConsole.Write(v.ValueKind switch
        {
            JsonValueKind.Array => Rows(v, title),
            JsonValueKind.Object => Fields(v, title),
            _ => new Text(Cell(v)),
        });
    }

    public static string Cell(JsonElement v) => v.ValueKind switch
    {
        JsonValueKind.String => v.GetString()!,
        JsonValueKind.Null or JsonValueKind.Undefined => string.Empty,
        JsonValueKind.Array when v.GetArrayLength() == 0 => string.Empty,
        JsonValueKind.Array when v.EnumerateArray().All(e => e.ValueKind is JsonValueKind.String or JsonValueKind.Number) =>
            string.Join(", ", v.EnumerateArray().Select(Cell)),
        _ => v.GetRawText(),
    };

    private static IRenderable Rows(JsonElement array, string? title)
    {
        if (array.GetArrayLength() == 0)
        {
            return new Markup("[grey](none)[/]\n");
        }

        var columns = new List<string>();
        foreach (var row in array.EnumerateArray().Where(r => r.ValueKind == JsonValueKind.Object))
        {
            columns.AddRange(row.EnumerateObject().Select(p => p.Name).Where(n => !columns.Contains(n)));
        }

        var table = new Table().Border(TableBorder.Rounded);
        if (title is not null)
        {
            table.Title(title);
        }

        if (columns.Count == 0)
        {
            table.AddColumn("value");
            foreach (var row in array.EnumerateArray())
            {
                table.AddRow(Markup.Escape(Cell(row)));
            }

            return table;
        }

        foreach (var c in columns)
        {
            table.AddColumn(Markup.Escape(c));
        }

        foreach (var row in array.EnumerateArray())
        {
            table.AddRow(columns.Select(c => Markup.Escape(row.ValueKind == JsonValueKind.Object && row.TryGetProperty(c, out var cell) ? Cell(cell) : string.Empty)).ToArray());
        }

        return table;
    }

    private static Table Fields(JsonElement obj, string? title)
    {
        var table = new Table().Border(TableBorder.Rounded).AddColumn("field").AddColumn("value");
        if (title is not null)
        {
            table.Title(title);
        }

        foreach (var p in obj.EnumerateObject())
        {
            table.AddRow(Markup.Escape(p.Name), Markup.Escape(Cell(p.Value)));
        }

        return table;
    }
}
