using System.Reflection;
using System.Runtime.CompilerServices;
using System.Text.Json;
using System.Text.RegularExpressions;
using Arbitrage.Core.Risk;
using Arbitrage.Node.Api.Live;
using Arbitrage.Node.Auth;
using Arbitrage.Testing;

namespace Arbitrage.Node.Tests.Api;

/// <summary>
/// The README's "Operating the node" reference matches the code: every SSE event the stream carries is documented
/// under its topic with all its fields, and the register body and answer are the endpoint's.
/// </summary>
public sealed partial class ReadmeOperatingTests
{
    private static readonly string Readme = File.ReadAllText(Path.Combine(RepoPaths.Root, "README.md"));

    private static string Section(string heading)
    {
        var start = Readme.IndexOf("\n### " + heading, StringComparison.Ordinal);
        Assert.True(start >= 0, $"README has no '### {heading}' section");
        var end = Readme.IndexOf("\n#", start + 5, StringComparison.Ordinal);
        return end < 0 ? Readme[start..] : Readme[start..end];
    }

    private static string Camel(string name) => JsonNamingPolicy.CamelCase.ConvertName(name);

    /// <summary>Every concrete type of the domain and the engine that the SSE stream would pass on, with its stream.</summary>
    private static Dictionary<string, (Type Type, string Stream)> StreamedTypes()
    {
        var streamed = new Dictionary<string, (Type, string)>(StringComparer.Ordinal);
        foreach (var type in typeof(IRiskEvent).Assembly.GetTypes().Concat(typeof(Engine.Risk.RiskGuardActor).Assembly.GetTypes()))
        {
            if (!type.IsClass || type.IsAbstract || type.ContainsGenericParameters || typeof(Delegate).IsAssignableFrom(type))
            {
                continue;
            }

            if (LiveTopics.StreamOf(RuntimeHelpers.GetUninitializedObject(type)) is { } stream)
            {
                streamed.Add(type.Name, (type, stream));
            }
        }

        return streamed;
    }

    [Fact]
    public void Every_live_event_is_documented_under_its_topic_with_all_its_fields()
    {
        var rows = EventRow().Matches(Section("Live events")).ToDictionary(m => m.Groups[2].Value, m => (Topic: m.Groups[1].Value, Fields: m.Groups[3].Value));
        var streamed = StreamedTypes();

        Assert.True(streamed.Count >= 10, "found too few streamed types: " + string.Join(", ", streamed.Keys));
        Assert.Empty(streamed.Keys.Except(rows.Keys).Select(n => "undocumented: " + n));
        Assert.Empty(rows.Keys.Except(streamed.Keys).Select(n => "documented but never streamed: " + n));
        foreach (var (name, (type, stream)) in streamed)
        {
            var row = rows[name];
            Assert.True(row.Topic == stream, $"{name} is documented under {row.Topic} but streamed under {stream}");
            foreach (var property in type.GetProperties(BindingFlags.Public | BindingFlags.Instance))
            {
                Assert.True(row.Fields.Contains($"`{Camel(property.Name)}`", StringComparison.Ordinal), $"{name}: field {Camel(property.Name)} is not documented");
            }
        }
    }

    [Fact]
    public void The_register_body_and_answer_are_the_endpoints()
    {
        var section = Section("Registering with an invite");
        var body = RequestJson().Match(section);
        Assert.True(body.Success, "no JSON request body in the register section");
        var documented = JsonDocument.Parse(body.Groups[1].Value).RootElement.EnumerateObject().Select(p => p.Name).ToList();
        var actual = typeof(AuthEndpoints.RegisterRequest).GetProperties().Select(p => Camel(p.Name)).ToList();
        Assert.Equal(actual.Order(), documented.Order());

        foreach (var field in typeof(AuthEndpoints.MeResponse).GetProperties().Select(p => Camel(p.Name)))
        {
            Assert.Contains($"\"{field}\":", section, StringComparison.Ordinal);
        }

        Assert.Contains("POST /api/auth/register", section, StringComparison.Ordinal);
        Assert.Contains("arbctl register", section, StringComparison.Ordinal);
    }

    [GeneratedRegex(@"^\| (signals|indicators|risk|trades|strategies|triangles) \| `(\w+)` \| (.+) \|$", RegexOptions.Multiline)]
    private static partial Regex EventRow();

    [GeneratedRegex("```json\\s*(\\{.*?\\})\\s*```", RegexOptions.Singleline)]
    private static partial Regex RequestJson();
}
