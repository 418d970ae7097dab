using System.Text.Json;
using System.Text.Json.Nodes;

namespace Arbitrage.Core.Sweeps;

/// <summary>
/// A strategy file with a configuration's values set at their dotted paths (<c>signals.cvd.params.base_share</c>). Every
/// key on the path must already be in the file: a misspelt path is refused instead of adding a key nothing reads.
/// </summary>
public static class StrategyPatch
{
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    /// <summary>The patched JSON text; <paramref name="error"/> names the parameter path that does not fit the file.</summary>
    public static string? Apply(string strategyJson, IReadOnlyList<SweepParameter> parameters, IReadOnlyList<string> values, out string? error)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        ArgumentNullException.ThrowIfNull(values);
        JsonNode? root;
        try
        {
            root = JsonNode.Parse(strategyJson, documentOptions: new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
        }
        catch (JsonException e)
        {
            error = "strategy: not valid JSON: " + e.Message;
            return null;
        }

        for (var i = 0; i < parameters.Count; i++)
        {
            var path = parameters[i].Path;
            var keys = path.Split('.');
            var node = root;
            for (var k = 0; k < keys.Length - 1; k++)
            {
                node = node is JsonObject o && o.TryGetPropertyValue(keys[k], out var child) ? child : null;
            }

            if (node is not JsonObject parent || !parent.ContainsKey(keys[^1]))
            {
                error = $"parameters.{path}: the strategy file has no value at this path";
                return null;
            }

            parent[keys[^1]] = JsonNode.Parse(values[i]);
        }

        error = null;
        return root!.ToJsonString(Indented);
    }
}
