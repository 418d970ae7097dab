using System.Reflection;
using System.Text.RegularExpressions;
using Arbitrage.Engine.Persistence;
using Arbitrage.Node.Auth;
using Arbitrage.Node.Hosting;
using Arbitrage.Simulator;
using Arbitrage.Testing;
using Microsoft.Extensions.Configuration;
using YamlDotNet.RepresentationModel;

namespace Arbitrage.Node.Tests.Hosting;

/// <summary>
/// Docker does not run on the development machines, so the deployment files (Dockerfile, deploy/compose.yaml,
/// deploy/.env.example) are checked here against the code: every <c>ARB__</c> key they set is a key the node binds,
/// the values bind and pass the node's own cluster and storage checks, the simulator's flags parse with its own parser,
/// every file they name exists, the image runs as non-root, and no secret is committed.
/// </summary>
public sealed partial class DeploymentFilesTests
{
    private static readonly string Deploy = Path.Combine(RepoPaths.Root, "deploy");
    private static readonly string ComposePath = Path.Combine(Deploy, "compose.yaml");
    private static readonly string DockerfilePath = Path.Combine(RepoPaths.Root, "Dockerfile");
    private static readonly string[] Nodes = ["node1", "node2", "node3"];

    [Fact]
    public void Every_ARB_key_of_the_compose_file_and_the_Dockerfile_is_a_configuration_key_of_the_node()
    {
        var keys = Services().SelectMany(s => Environment(s.Value).Keys).Concat(DockerfileEnv().Keys)
            .Where(k => k.StartsWith(NodeConfiguration.EnvironmentPrefix, StringComparison.Ordinal))
            .Distinct(StringComparer.Ordinal)
            .ToList();
        Assert.Contains("ARB__Cluster__Seeds__0", keys);
        Assert.Contains("ARB__Storage__Postgres", keys);

        var unknown = keys.Where(k => !IsNodeKey(k[NodeConfiguration.EnvironmentPrefix.Length..].Split("__"))).ToList();
        Assert.True(unknown.Count == 0, $"not configuration keys of the node: {string.Join(", ", unknown)}");
    }

    [Theory]
    [InlineData("ARB__Cluster__Seeds__0", true)]
    [InlineData("ARB__Execution__Symbols__BTCUSDT__Leverage", true)]
    [InlineData("ARB__Auth__JwtKey", true)]
    [InlineData("ARB__Cluster__Seed__0", false)]
    [InlineData("ARB__Cluster__Seeds__first", false)]
    [InlineData("ARB__Cluster__Port__0", false)]
    [InlineData("ARB__Auth__JwtSecret", false)]
    [InlineData("ARB__Storage__Backend", false)] // a computed property, not a setting
    public void The_key_check_refuses_misspelled_and_misshapen_keys(string key, bool known) =>
        Assert.Equal(known, IsNodeKey(key[NodeConfiguration.EnvironmentPrefix.Length..].Split("__")));

    [Fact]
    public void Each_node_binds_as_the_node_does_and_passes_its_cluster_storage_and_jwt_checks()
    {
        var services = Services();
        var example = DotEnv(Path.Combine(Deploy, ".env.example"));
        var simulatorPort = SimulatorArguments(services).Options!.Port;
        var endpoints = new Dictionary<string, (string Host, int Port)>(StringComparer.Ordinal);
        foreach (var name in Nodes)
        {
            Assert.True(services.ContainsKey(name), $"compose.yaml has no service {name}");
            var env = DockerfileEnv();
            foreach (var (key, value) in Environment(services[name]))
            {
                env[key] = Interpolate(value, example);
            }

            // The node's own sources: environment variables with the ARB__ prefix.
            var configuration = new ConfigurationBuilder()
                .AddInMemoryCollection(env.Where(e => e.Key.StartsWith(NodeConfiguration.EnvironmentPrefix, StringComparison.Ordinal))
                    .Select(e => KeyValuePair.Create(e.Key[NodeConfiguration.EnvironmentPrefix.Length..].Replace("__", ":", StringComparison.Ordinal), (string?)e.Value)))
                .Build();
            var options = NodeConfiguration.Bind(configuration);
            var database = Database.From(options.Storage);
            Assert.Equal(StorageBackend.PostgreSql, database.Backend);
            Assert.Null(ClusterCheck.Validate(options.Cluster, database));
            Assert.Contains(ClusterNodeOptions.EngineRole, options.Cluster.Roles);
            Assert.Equal(name, options.Cluster.Hostname);
            Assert.Equal(name, Scalar(services[name], "hostname"));
            endpoints[name] = (options.Cluster.Hostname, options.Cluster.Port);

            // Every exchange URL is the simulator service on the port its command line gives.
            foreach (var url in new[] { options.Exchange.RestUrl, options.Exchange.SpotRestUrl, options.Exchange.WsUrl, options.Exchange.SpotWsUrl })
            {
                var uri = new Uri(url!);
                Assert.Equal(("simulator", simulatorPort), (uri.Host, uri.Port));
            }

            // A cluster needs a JWT key on every node; the committed placeholder is refused.
            Assert.NotNull(configuration["Auth:JwtKey"]);
            Assert.NotNull(JwtKeyCheck.Validate(configuration["Auth:JwtKey"], isDevelopment: false, clustered: true));

            // The healthcheck asks this node's own bridge for /api/health, on the port of Http:Urls; that port is published.
            var httpPort = new Uri(options.Http.Urls.Replace("0.0.0.0", "localhost", StringComparison.Ordinal)).Port;
            var health = string.Join(' ', Sequence(Node(services[name], "healthcheck"), "test"));
            Assert.Contains($"127.0.0.1:{httpPort}/api/health", health, StringComparison.Ordinal);
            Assert.Contains(Sequence(services[name], "ports"), p => p.EndsWith($":{httpPort}", StringComparison.Ordinal));
        }

        // Every seed is one of the nodes, on the host and port that node binds.
        foreach (var name in Nodes)
        {
            foreach (var seed in Environment(services[name]).Where(e => e.Key.StartsWith("ARB__Cluster__Seeds__", StringComparison.Ordinal)).Select(e => new Uri(e.Value)))
            {
                Assert.Contains((seed.Host, seed.Port), endpoints.Values);
            }
        }
    }

    [Fact]
    public void The_simulator_service_runs_with_flags_its_parser_accepts_on_a_tape_of_the_repository_listening_for_the_other_containers()
    {
        var parsed = SimulatorArguments(Services());
        Assert.True(parsed.Error is null, $"the simulator refuses compose.yaml's command: {parsed.Error}");
        Assert.Equal(System.Net.IPAddress.Any, parsed.Options!.Host);
        Assert.NotEqual(0, parsed.Options.Port);
        Assert.All(parsed.Options.Tapes, t => Assert.StartsWith(RepoPaths.Fixtures, t, StringComparison.Ordinal));
    }

    [Fact]
    public void Every_file_the_deployment_names_exists_in_the_repository()
    {
        foreach (var (name, service) in Services())
        {
            if (Node(service, "build") is YamlMappingNode build)
            {
                var context = Path.GetFullPath(Path.Combine(Deploy, Scalar(build, "context")!));
                Assert.True(File.Exists(Path.Combine(context, Scalar(build, "dockerfile") ?? "Dockerfile")), $"{name}: no Dockerfile in {context}");
            }

            foreach (var volume in Sequence(service, "volumes").Where(v => v.StartsWith('.')))
            {
                var host = Path.GetFullPath(Path.Combine(Deploy, volume.Split(':')[0]));
                Assert.True(Directory.Exists(host) || File.Exists(host), $"{name}: volume source {host} does not exist");
            }
        }

        // The Dockerfile's build stage: the projects it publishes and the files it copies from the context.
        var dockerfile = File.ReadAllText(DockerfilePath);
        foreach (var project in new[] { "Arbitrage.Node", "Arbitrage.Simulator" })
        {
            Assert.Contains(project, dockerfile, StringComparison.Ordinal);
            Assert.True(File.Exists(Path.Combine(RepoPaths.Root, "src", project, $"{project}.csproj")), project);
        }

        Assert.True(File.Exists(Path.Combine(Deploy, "ReadyToRun.targets")));
        Assert.Contains("/src/deploy/ReadyToRun.targets", dockerfile, StringComparison.Ordinal);
        Assert.True(Directory.Exists(RepoPaths.Strategies));
        Assert.Contains("PublishReadyToRun=true", dockerfile, StringComparison.Ordinal);

        // What the image needs must not be ignored by .dockerignore; tests/ may be (the tape is a volume).
        var ignored = File.ReadAllLines(Path.Combine(RepoPaths.Root, ".dockerignore")).Select(l => l.Trim()).ToHashSet(StringComparer.Ordinal);
        foreach (var needed in new[] { "src/", "hocon/", "strategies/", "deploy/", "Directory.Build.props", "Directory.Packages.props", "global.json" })
        {
            Assert.DoesNotContain(needed, ignored);
        }
    }

    [Fact]
    public void The_image_is_multi_stage_and_runs_as_a_non_root_user_exposing_the_HTTP_and_cluster_ports()
    {
        var lines = DockerfileLines();
        var stages = lines.Where(l => l.StartsWith("FROM ", StringComparison.OrdinalIgnoreCase)).ToList();
        Assert.Equal(2, stages.Count);
        Assert.Contains("dotnet/sdk", stages[0], StringComparison.Ordinal);
        Assert.Contains("dotnet/aspnet", stages[1], StringComparison.Ordinal);

        var final = lines.Skip(lines.IndexOf(stages[^1])).ToList();
        var user = final.LastOrDefault(l => l.StartsWith("USER ", StringComparison.OrdinalIgnoreCase));
        Assert.NotNull(user);
        var who = user["USER ".Length..].Split(':')[0].Trim();
        Assert.DoesNotContain(who, new[] { "root", "0" });
        Assert.True(final.IndexOf(user) > final.FindLastIndex(l => l.StartsWith("RUN ", StringComparison.OrdinalIgnoreCase)), "USER must come after the last RUN");
        Assert.Matches("^ENTRYPOINT \\[", final[^1]); // exec form: the node is PID 1 and receives SIGTERM

        var env = DockerfileEnv();
        var exposed = final.Where(l => l.StartsWith("EXPOSE ", StringComparison.OrdinalIgnoreCase))
            .SelectMany(l => l["EXPOSE ".Length..].Split(' ', StringSplitOptions.RemoveEmptyEntries)).ToHashSet(StringComparer.Ordinal);
        Assert.Contains(env["ARB__Cluster__Port"], exposed);
        Assert.Contains(new Uri(env["ARB__Http__Urls"]).Port.ToString(System.Globalization.CultureInfo.InvariantCulture), exposed);
    }

    [Fact]
    public void No_secret_is_committed_only_placeholders_filled_from_an_env_file_that_git_ignores()
    {
        var example = DotEnv(Path.Combine(Deploy, ".env.example"));
        Assert.NotEmpty(example);
        foreach (var (key, value) in example)
        {
            Assert.True(value.StartsWith("change-me", StringComparison.Ordinal), $".env.example: {key} must be a change-me placeholder, not a value");
        }

        var gitignore = File.ReadAllLines(Path.Combine(Deploy, ".gitignore")).Select(l => l.Trim());
        Assert.Contains(".env", gitignore);
        Assert.False(File.Exists(Path.Combine(Deploy, ".env")) && IsTracked("deploy/.env"), "deploy/.env is committed");

        var variables = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (name, service) in Services())
        {
            foreach (var (key, value) in Environment(service))
            {
                foreach (Match m in Interpolation().Matches(value))
                {
                    variables.Add(m.Groups["name"].Value);
                }

                if (IsSecretKey(key))
                {
                    Assert.True(WholeInterpolation().IsMatch(value), $"{name}: {key} must come from deploy/.env (${{VAR}}), not be written in compose.yaml");
                }

                if (key == "ARB__Storage__Postgres")
                {
                    var password = new Npgsql.NpgsqlConnectionStringBuilder(value).Password;
                    Assert.True(password is not null && WholeInterpolation().IsMatch(password), $"{name}: the connection string's password must be ${{POSTGRES_PASSWORD}}");
                }
            }
        }

        // Every variable compose reads is in the example (an operator copying it misses none), and nothing else is.
        Assert.Equal(variables.Order(StringComparer.Ordinal), example.Keys.Order(StringComparer.Ordinal));

        foreach (var (key, value) in DockerfileEnv())
        {
            Assert.False(IsSecretKey(key), $"Dockerfile bakes {key} into the image");
        }
    }

    // ---- the node's configuration keys ----

    /// <summary>
    /// Whether the path (env segments after <c>ARB__</c>) names a settable property of <see cref="NodeOptions"/> or of
    /// the <c>Auth</c> section (<see cref="AuthOptions"/>): names as the binder matches them (case-insensitive), list
    /// elements by index, dictionary entries by any key.
    /// </summary>
    private static bool IsNodeKey(IReadOnlyList<string> path)
    {
        if (path.Count == 0)
        {
            return false;
        }

        return string.Equals(path[0], AuthOptions.Section, StringComparison.OrdinalIgnoreCase)
            ? IsKeyOf(typeof(AuthOptions), path.Skip(1).ToList())
            : IsKeyOf(typeof(NodeOptions), path);
    }

    private static bool IsKeyOf(Type type, IReadOnlyList<string> path)
    {
        if (path.Count == 0)
        {
            return IsLeaf(type);
        }

        if (type.IsArray)
        {
            return int.TryParse(path[0], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out _)
                && IsKeyOf(type.GetElementType()!, path.Skip(1).ToList());
        }

        if (type.IsGenericType && type.GetGenericTypeDefinition() == typeof(Dictionary<,>))
        {
            return IsKeyOf(type.GetGenericArguments()[1], path.Skip(1).ToList());
        }

        var property = type.GetProperty(path[0], BindingFlags.Public | BindingFlags.Instance | BindingFlags.IgnoreCase);
        return property is not null && (property.SetMethod is not null || !IsLeaf(property.PropertyType))
            && IsKeyOf(property.PropertyType, path.Skip(1).ToList());
    }

    private static bool IsLeaf(Type type)
    {
        var t = Nullable.GetUnderlyingType(type) ?? type;
        return t.IsPrimitive || t.IsEnum || t == typeof(string) || t == typeof(decimal);
    }

    private static bool IsSecretKey(string key) =>
        SecretKey().IsMatch(key) && !key.StartsWith("ARB__Storage__", StringComparison.Ordinal);

    // ---- the files ----

    private static Dictionary<string, YamlMappingNode> Services()
    {
        var yaml = new YamlStream();
        using (var reader = new StreamReader(ComposePath))
        {
            yaml.Load(reader);
        }

        var root = (YamlMappingNode)yaml.Documents[0].RootNode;
        return ((YamlMappingNode)root.Children[new YamlScalarNode("services")]).Children
            .ToDictionary(c => ((YamlScalarNode)c.Key).Value!, c => (YamlMappingNode)c.Value, StringComparer.Ordinal);
    }

    private static YamlNode? Node(YamlMappingNode map, string key) =>
        map.Children.TryGetValue(new YamlScalarNode(key), out var node) ? node : null;

    private static string? Scalar(YamlMappingNode map, string key) => (Node(map, key) as YamlScalarNode)?.Value;

    private static List<string> Sequence(YamlNode? map, string key) =>
        map is YamlMappingNode m && Node(m, key) is YamlSequenceNode seq ? seq.Children.Select(c => ((YamlScalarNode)c).Value!).ToList() : [];

    /// <summary>A service's <c>environment</c>, as a mapping or as a list of <c>KEY=VALUE</c>.</summary>
    private static Dictionary<string, string> Environment(YamlMappingNode service) =>
        Node(service, "environment") switch
        {
            YamlMappingNode map => map.Children.ToDictionary(c => ((YamlScalarNode)c.Key).Value!, c => ((YamlScalarNode)c.Value).Value ?? "", StringComparer.Ordinal),
            YamlSequenceNode list => list.Children.Select(c => ((YamlScalarNode)c).Value!.Split('=', 2)).ToDictionary(p => p[0], p => p.Length > 1 ? p[1] : "", StringComparer.Ordinal),
            _ => new Dictionary<string, string>(StringComparer.Ordinal),
        };

    /// <summary>The simulator service's entrypoint arguments, its tape paths mapped from the container onto the repository.</summary>
    private static SimulatorCommandLine.Result SimulatorArguments(Dictionary<string, YamlMappingNode> services)
    {
        var simulator = services["simulator"];
        Assert.Contains("Arbitrage.Simulator.dll", string.Join(' ', Sequence(simulator, "entrypoint")));
        var mounts = Sequence(simulator, "volumes").Select(v => v.Split(':')).ToList();
        var args = Sequence(simulator, "command").Select(a =>
        {
            foreach (var m in mounts)
            {
                if (a.StartsWith(m[1] + "/", StringComparison.Ordinal))
                {
                    return Path.GetFullPath(Path.Combine(Deploy, m[0])) + a[m[1].Length..];
                }
            }

            return a;
        }).ToList();
        return SimulatorCommandLine.Parse(args);
    }

    private static List<string> DockerfileLines()
    {
        // Continuation lines joined; comments dropped.
        var lines = new List<string>();
        var current = "";
        foreach (var raw in File.ReadAllLines(DockerfilePath))
        {
            var line = raw.Trim();
            if (line.StartsWith('#') || (line.Length == 0 && current.Length == 0))
            {
                continue;
            }

            current += (current.Length > 0 ? " " : "") + line.TrimEnd('\\').Trim();
            if (!line.EndsWith('\\'))
            {
                lines.Add(current);
                current = "";
            }
        }

        return lines;
    }

    /// <summary>The <c>ENV KEY=VALUE ...</c> settings of the image's final stage.</summary>
    private static Dictionary<string, string> DockerfileEnv()
    {
        var lines = DockerfileLines();
        var final = lines.Skip(lines.FindLastIndex(l => l.StartsWith("FROM ", StringComparison.OrdinalIgnoreCase)));
        var env = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var line in final.Where(l => l.StartsWith("ENV ", StringComparison.OrdinalIgnoreCase)))
        {
            foreach (var pair in line["ENV ".Length..].Split(' ', StringSplitOptions.RemoveEmptyEntries))
            {
                var kv = pair.Split('=', 2);
                Assert.True(kv.Length == 2, $"Dockerfile: ENV {pair}: write ENV KEY=VALUE");
                env[kv[0]] = kv[1];
            }
        }

        return env;
    }

    private static Dictionary<string, string> DotEnv(string path) =>
        File.ReadAllLines(path).Select(l => l.Trim()).Where(l => l.Length > 0 && !l.StartsWith('#'))
            .Select(l => l.Split('=', 2)).ToDictionary(p => p[0], p => p[1], StringComparer.Ordinal);

    /// <summary>Compose's <c>${VAR}</c>, <c>${VAR:?message}</c>, <c>${VAR:-default}</c> from the .env values.</summary>
    private static string Interpolate(string value, Dictionary<string, string> variables) =>
        Interpolation().Replace(value, m =>
        {
            Assert.True(variables.TryGetValue(m.Groups["name"].Value, out var v), $"compose.yaml reads ${{{m.Groups["name"].Value}}}, which .env.example does not set");
            return v;
        });

    private static bool IsTracked(string path)
    {
        using var git = System.Diagnostics.Process.Start(new System.Diagnostics.ProcessStartInfo("git", ["-C", RepoPaths.Root, "ls-files", "--error-unmatch", path])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        })!;
        git.WaitForExit();
        return git.ExitCode == 0;
    }

    [GeneratedRegex(@"\$\{(?<name>[A-Za-z_][A-Za-z0-9_]*)(?::?[-?][^}]*)?\}")]
    private static partial Regex Interpolation();

    [GeneratedRegex(@"^\$\{[A-Za-z_][A-Za-z0-9_]*(?::?[-?][^}]*)?\}$")]
    private static partial Regex WholeInterpolation();

    [GeneratedRegex("(key|secret|password|invite|token)", RegexOptions.IgnoreCase)]
    private static partial Regex SecretKey();
}
