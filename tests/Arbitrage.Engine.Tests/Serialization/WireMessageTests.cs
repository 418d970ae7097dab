using System.Collections.Immutable;
using System.Runtime.Serialization;
using System.Text.Json;
using Akka.Actor;
using Akka.Configuration;
using Arbitrage.Binance.Streams;
using Arbitrage.Core.Risk;
using Arbitrage.Core.Serialization;
using Arbitrage.Core.Strategies;
using Arbitrage.Engine.Risk;
using Arbitrage.Engine.Serialization;
using Arbitrage.Engine.Strategies;
using Arbitrage.Testing;

namespace Arbitrage.Engine.Tests.Serialization;

/// <summary>
/// Messages that cross nodes go through our versioned serializer, never Akka's Newtonsoft default: every wire type
/// has a manifest and round-trips through the serialization the node configures (hocon/akka.conf), and a type of
/// ours without a binding is refused on the wire instead of being written with CLR type names.
/// </summary>
public sealed class WireMessageTests : IDisposable
{
    private readonly ActorSystem _system = ActorSystem.Create("wire-tests", AkkaConfigFile());

    public void Dispose() => _system.Terminate().Wait(TimeSpan.FromSeconds(10));

    private static Config AkkaConfigFile() =>
        ConfigurationFactory.ParseString(File.ReadAllText(Path.Combine(RepoPaths.Hocon, "akka.conf")))
            .WithFallback(ConfigurationFactory.ParseString("akka.actor.provider = remote\nakka.remote.dot-netty.tcp { hostname = 127.0.0.1, port = 0 }"));

    /// <summary>Every wire message type of the shipped assemblies (the engine, and the feed events of Arbitrage.Binance).</summary>
    public static TheoryData<string> WireTypes()
    {
        var data = new TheoryData<string>();
        foreach (var type in ShippedWireTypes())
        {
            data.Add(type.AssemblyQualifiedName!);
        }

        return data;
    }

    private static IEnumerable<Type> ShippedWireTypes() =>
        typeof(IWireMessage).Assembly.GetTypes()
            .Where(t => typeof(IWireMessage).IsAssignableFrom(t) && t is { IsInterface: false, IsAbstract: false })
            .Concat(typeof(FeedEvent).Assembly.GetTypes().Where(t => typeof(FeedEvent).IsAssignableFrom(t) && t is { IsAbstract: false, IsVisible: true }))
            .OrderBy(t => t.FullName, StringComparer.Ordinal);

    [Fact]
    public void Every_wire_type_has_its_own_manifest_and_none_is_also_persisted()
    {
        var registry = new ManifestRegistry();
        var seen = new Dictionary<string, Type>(StringComparer.Ordinal);
        foreach (var type in ShippedWireTypes())
        {
            Assert.False(typeof(IPersistedMessage).IsAssignableFrom(type), $"{type.Name} is both persisted and a wire message: one binding each");
            var manifest = registry.ManifestOf(type);
            Assert.Matches(@"^[a-z0-9-]+\.v[0-9]+$", manifest);
            Assert.True(seen.TryAdd(manifest, type), $"manifest {manifest} claimed by {seen.GetValueOrDefault(manifest)?.Name} and {type.Name}");
        }

        Assert.True(seen.Count >= 40, $"only {seen.Count} wire types found");
    }

    [Theory]
    [MemberData(nameof(WireTypes))]
    public void A_wire_message_round_trips_through_the_configured_serializer(string typeName)
    {
        var type = Type.GetType(typeName, throwOnError: true)!;
        var sample = new WireSamples(_system.DeadLetters).Create(type);

        var (copy, serializer) = RoundTrip(sample);

        Assert.IsType<WireMessageSerializer>(serializer);
        Assert.IsType(type, copy);
        Assert.Equal(Json(sample), Json(copy));
    }

    [Fact]
    public void The_risk_status_with_breakers_that_broke_the_second_node_round_trips()
    {
        // The reply the issue saw fail on a second node: an ImmutableDictionary<RiskRule, ActiveBreaker> under Newtonsoft.
        var state = RiskState.Initial(new RiskParameters(), 1_778_199_705_000) with
        {
            Breakers = ImmutableDictionary<RiskRule, ActiveBreaker>.Empty
                .Add(RiskRule.DailyLoss, new ActiveBreaker("daily loss -5.2 R", 1_778_199_705_000, null))
                .Add(RiskRule.ConsecutiveLosses, new ActiveBreaker("5 losses in a row", 1_778_199_000_000, 1_778_202_600_000)),
        };
        var status = new RiskStatus(state, ExecutorReady: true, [new Core.Risk.HeldPosition("BTCUSDT", 1_778_199_000_000)], 1_778_199_705_000);

        var (copy, serializer) = RoundTrip(status);

        Assert.IsType<WireMessageSerializer>(serializer);
        var read = Assert.IsType<RiskStatus>(copy);
        Assert.Equal(state.Breakers.OrderBy(b => b.Key), read.State.Breakers.OrderBy(b => b.Key));
        Assert.Equal("BTCUSDT", Assert.Single(read.Positions).Symbol);
        Assert.Equal(Json(status), Json(read));
    }

    [Fact]
    public void An_account_problem_crosses_nodes_with_its_code_as_before_the_domain_had_reject_codes()
    {
        var notReady = new Engine.Execution.AccountNotReady([new Engine.Execution.Live.AccountProblem("BTCUSDT", Core.Execution.RejectCode.LeverageMismatch, "leverage 20, configured 5")]);

        var (copy, serializer) = RoundTrip(notReady);

        // What the version with string codes wrote.
        Assert.Equal("""{"problems":[{"symbol":"BTCUSDT","code":"leverage_mismatch","reason":"leverage 20, configured 5"}]}""",
            System.Text.Encoding.UTF8.GetString(serializer.ToBinary(notReady)));
        Assert.Equal(notReady.Problems, Assert.IsType<Engine.Execution.AccountNotReady>(copy).Problems);
    }

    [Fact]
    public void Persisted_events_that_are_published_keep_the_journal_serializer()
    {
        var signal = (SignalEmitted)new WireSamples(_system.DeadLetters).Create(typeof(SignalEmitted));

        var (copy, serializer) = RoundTrip(signal);

        Assert.IsType<PersistedMessageSerializer>(serializer);
        Assert.Equal(Json(signal), Json(copy));
    }

    [Fact]
    public void An_actor_reference_in_a_wire_message_resolves_on_the_receiving_system()
    {
        var probe = _system.ActorOf(Props.Empty, "probe");
        var path = Akka.Serialization.Serialization.SerializedActorPath(probe);
        Assert.StartsWith("akka.tcp://wire-tests@127.0.0.1:", path, StringComparison.Ordinal);

        var serializer = new WireMessageSerializer((ExtendedActorSystem)_system);
        var bytes = serializer.ToBinary(new RefCarrier(probe));
        var read = Assert.IsType<RefCarrier>(serializer.FromBinary(bytes, "test-ref-carrier.v1"));

        Assert.Equal(probe, read.ReplyTo);
    }

    [Fact]
    public void A_type_of_ours_without_a_binding_is_refused_on_the_wire_naming_it()
    {
        var unbound = new StrategiesSettings("strategies");
        var serializer = _system.Serialization.FindSerializerFor(unbound);

        Assert.IsType<FallbackGuardSerializer>(serializer);
        var e = Assert.Throws<SerializationException>(() => serializer.ToBinary(unbound));
        Assert.Contains("Arbitrage.Engine.Strategies.StrategiesSettings", e.Message, StringComparison.Ordinal);
        Assert.Contains("IWireMessage", e.Message, StringComparison.Ordinal);

        // A collection of ours is ours too (an Ask<IReadOnlyList<TradeClosed>> reply must not leave its node that way).
        Assert.Throws<SerializationException>(() => _system.Serialization.FindSerializerFor(new List<StrategiesSettings> { unbound }).ToBinary(new List<StrategiesSettings> { unbound }));
    }

    [Fact]
    public void Types_of_other_libraries_keep_akkas_default()
    {
        var value = new Dictionary<string, int> { ["a"] = 1 };
        var (copy, serializer) = RoundTrip(value);

        Assert.IsType<FallbackGuardSerializer>(serializer);
        Assert.Equal(value, Assert.IsType<Dictionary<string, int>>(copy));
    }

    private (object Copy, Akka.Serialization.Serializer Serializer) RoundTrip(object message)
    {
        var serialization = _system.Serialization;
        var serializer = serialization.FindSerializerFor(message);
        var bytes = serializer.ToBinary(message);
        var manifest = Akka.Serialization.Serialization.ManifestFor(serializer, message);
        return (serialization.Deserialize(bytes, serializer.Identifier, manifest), serializer);
    }

    private static string Json(object value) =>
        JsonSerializer.Serialize(value, value.GetType(), new JsonSerializerOptions(PersistedMessageSerializer.Json) { Converters = { new RefAsPath() } });

    private sealed class RefAsPath : System.Text.Json.Serialization.JsonConverter<IActorRef>
    {
        public override bool CanConvert(Type typeToConvert) => typeof(IActorRef).IsAssignableFrom(typeToConvert);

        public override IActorRef Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) => throw new NotSupportedException();

        public override void Write(Utf8JsonWriter writer, IActorRef value, JsonSerializerOptions options) => writer.WriteStringValue(value.Path.ToString());
    }
}

[Manifest("test-ref-carrier.v1")]
public sealed record RefCarrier(IActorRef ReplyTo) : IWireMessage;
