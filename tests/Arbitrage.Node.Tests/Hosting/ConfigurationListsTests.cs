using System.Collections;
using Arbitrage.Node.Hosting;
using Microsoft.Extensions.Configuration;

namespace Arbitrage.Node.Tests.Hosting;

/// <summary>Tests that set ARB__* variables of this process run alone (no other test reads them meanwhile).</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ProcessEnvironmentCollection
{
    public const string Name = "process environment";
}

/// <summary>
/// Every list setting, from each source the node reads (appsettings.json, ARB__...__N variables, switches),
/// through the node's own configuration sources and binding: the list of the highest-priority source that
/// names it replaces the default as a whole; symbols appear once each.
/// </summary>
[Collection(ProcessEnvironmentCollection.Name)]
public sealed class ConfigurationListsTests : IDisposable
{
    private readonly string _work = Path.Combine(Path.GetTempPath(), "arb-config-tests", Guid.NewGuid().ToString("N"));

    public ConfigurationListsTests()
    {
        Directory.CreateDirectory(_work);
    }

    public void Dispose() => Directory.Delete(_work, recursive: true);

    public static TheoryData<string, string> ListsAndSources => new()
    {
        { ConfigurationLists.Symbols, "appsettings" },
        { ConfigurationLists.Symbols, "env" },
        { ConfigurationLists.Symbols, "switch" },
        { ConfigurationLists.Tapes, "appsettings" },
        { ConfigurationLists.Tapes, "env" },
        { ConfigurationLists.Tapes, "switch" },
        { ConfigurationLists.Seeds, "appsettings" },
        { ConfigurationLists.Seeds, "env" },
        { ConfigurationLists.Roles, "appsettings" },
        { ConfigurationLists.Roles, "env" },
        { ConfigurationLists.CorsOrigins, "appsettings" },
        { ConfigurationLists.CorsOrigins, "env" },
    };

    [Fact]
    public void The_shipped_defaults_bind_each_element_once()
    {
        var options = Bind();

        Assert.Equal(["BTCUSDT", "ETHUSDT"], options.Exchange.Symbols);
        Assert.Equal(["engine"], options.Cluster.Roles);
        Assert.Empty(options.Cluster.Seeds);
        Assert.Empty(options.Exchange.Tapes);
        Assert.Empty(options.Http.CorsOrigins);
    }

    [Theory]
    [MemberData(nameof(ListsAndSources))]
    public void A_configured_list_replaces_the_default_as_a_whole(string key, string source)
    {
        string[] given = key switch
        {
            ConfigurationLists.Symbols => ["SOLUSDT"],
            ConfigurationLists.Tapes => ["/tapes/a.csv", "/tapes/b.csv"],
            ConfigurationLists.Seeds => ["akka.tcp://arbitrage@127.0.0.1:4053", "akka.tcp://arbitrage@127.0.0.1:4054"],
            ConfigurationLists.Roles => ["gateway"],
            _ => ["https://dash.example"],
        };

        var options = source switch
        {
            "appsettings" => Bind(appsettings: Json(key, given)),
            "env" => Bind(env: Indexed(key, given).ToDictionary(kv => NodeConfiguration.EnvironmentPrefix + kv.Key.Replace(":", "__", StringComparison.Ordinal), kv => kv.Value)),
            _ => Bind(args: given.SelectMany(v => new[] { key == ConfigurationLists.Symbols ? "--symbol" : "--tape", v }).ToArray()),
        };

        Assert.Equal(given, List(options, key));
    }

    [Fact]
    public void The_highest_priority_source_that_names_a_list_gives_all_of_it()
    {
        // appsettings names three symbols, the environment two, the command line one: the command line wins whole.
        var env = new Dictionary<string, string>
        {
            ["ARB__Exchange__Symbols__0"] = "ADAUSDT",
            ["ARB__Exchange__Symbols__1"] = "XRPUSDT",
            ["ARB__Exchange__Tapes__0"] = "/tapes/env1.csv",
            ["ARB__Exchange__Tapes__1"] = "/tapes/env2.csv",
            ["ARB__Exchange__Tapes__2"] = "/tapes/env3.csv",
            ["ARB__Cluster__Roles__0"] = "engine",
        };
        var appsettings = """
            { "Exchange": { "Symbols": [ "DOGEUSDT", "BNBUSDT", "LTCUSDT" ] },
              "Cluster": { "Roles": [ "engine", "gateway", "api" ], "Seeds": [ "akka.tcp://arbitrage@127.0.0.1:1", "akka.tcp://arbitrage@127.0.0.1:2" ] } }
            """;

        var options = Bind(appsettings, env, ["--symbol", "SOLUSDT", "--tape", "/tapes/cli.csv"]);

        Assert.Equal(["SOLUSDT"], options.Exchange.Symbols);
        Assert.Equal(["/tapes/cli.csv"], options.Exchange.Tapes);
        Assert.Equal(["engine"], options.Cluster.Roles);
        Assert.Equal(["akka.tcp://arbitrage@127.0.0.1:1", "akka.tcp://arbitrage@127.0.0.1:2"], options.Cluster.Seeds);
        Assert.Equal(["ADAUSDT", "XRPUSDT"], Bind(appsettings, env).Exchange.Symbols);
    }

    [Fact]
    public void Symbols_are_upper_cased_and_kept_once_in_the_order_given()
    {
        var options = Bind(
            env: new Dictionary<string, string> { ["ARB__Exchange__Symbols__0"] = "solusdt", ["ARB__Exchange__Symbols__1"] = "BTCUSDT", ["ARB__Exchange__Symbols__2"] = "SolUsdt" });
        Assert.Equal(["SOLUSDT", "BTCUSDT"], options.Exchange.Symbols);

        Assert.Equal(["ETHUSDT", "BTCUSDT"], Bind(args: ["--symbol", "ethusdt", "--symbol", "btcusdt", "--symbol", "ETHUSDT"]).Exchange.Symbols);
    }

    [Fact]
    public void An_empty_or_comma_separated_value_names_the_whole_list()
    {
        var options = Bind(env: new Dictionary<string, string>
        {
            ["ARB__Cluster__Roles"] = "",
            ["ARB__Exchange__Symbols"] = "SOLUSDT, BTCUSDT",
        });

        Assert.Empty(options.Cluster.Roles);
        Assert.Equal(["SOLUSDT", "BTCUSDT"], options.Exchange.Symbols);
        Assert.Empty(Bind(appsettings: """{ "Exchange": { "Symbols": [] } }""").Exchange.Symbols);
    }

    private NodeOptions Bind(string? appsettings = null, IReadOnlyDictionary<string, string>? env = null, string[]? args = null)
    {
        if (appsettings is not null)
        {
            File.WriteAllText(Path.Combine(_work, "appsettings.json"), appsettings);
        }

        var switches = NodeCommandLine.Parse(args ?? [], out var error);
        Assert.Null(error);
        using var scope = new EnvironmentScope(env ?? new Dictionary<string, string>());
        var configuration = new ConfigurationBuilder().AddNodeSources(switches, _work).Build();
        return NodeConfiguration.Bind(configuration);
    }

    private static string[] List(NodeOptions options, string key) => key switch
    {
        ConfigurationLists.Symbols => options.Exchange.Symbols,
        ConfigurationLists.Tapes => options.Exchange.Tapes,
        ConfigurationLists.Seeds => options.Cluster.Seeds,
        ConfigurationLists.Roles => options.Cluster.Roles,
        ConfigurationLists.CorsOrigins => options.Http.CorsOrigins,
        _ => throw new ArgumentOutOfRangeException(nameof(key), key, null),
    };

    private static IEnumerable<KeyValuePair<string, string>> Indexed(string key, string[] values) =>
        values.Select((v, i) => KeyValuePair.Create($"{key}:{i}", v));

    private static string Json(string key, string[] values)
    {
        var (section, name) = (key.Split(':')[0], key.Split(':')[1]);
        return System.Text.Json.JsonSerializer.Serialize(new Dictionary<string, Dictionary<string, string[]>> { [section] = new() { [name] = values } });
    }

    /// <summary>Sets exactly these ARB__ variables (clearing any others) and restores the previous ones.</summary>
    private sealed class EnvironmentScope : IDisposable
    {
        private readonly Dictionary<string, string?> _previous = new(StringComparer.Ordinal);

        public EnvironmentScope(IReadOnlyDictionary<string, string> variables)
        {
            foreach (DictionaryEntry e in Environment.GetEnvironmentVariables())
            {
                var name = (string)e.Key;
                if (name.StartsWith(NodeConfiguration.EnvironmentPrefix, StringComparison.Ordinal))
                {
                    _previous[name] = (string?)e.Value;
                    Environment.SetEnvironmentVariable(name, null);
                }
            }

            foreach (var (name, value) in variables)
            {
                _previous.TryAdd(name, null);
                Environment.SetEnvironmentVariable(name, value);
            }
        }

        public void Dispose()
        {
            foreach (var (name, value) in _previous)
            {
                Environment.SetEnvironmentVariable(name, value);
            }
        }
    }
}
