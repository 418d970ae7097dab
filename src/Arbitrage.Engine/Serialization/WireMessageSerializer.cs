using System.Text.Json;
using System.Text.Json.Serialization;
using Akka.Actor;
using Akka.Serialization;

namespace Arbitrage.Engine.Serialization;

/// <summary>
/// Versioned JSON for messages between nodes (<see cref="IWireMessage"/>): the same conventions as the journal
/// (<see cref="PersistedMessageSerializer"/>: snake_case, stable manifests, unknown fields ignored), plus actor
/// references written as their full remote paths and resolved on the receiving node.
/// </summary>
public sealed class WireMessageSerializer : SerializerWithStringManifest
{
    /// <summary>The serializer id registered in hocon/akka.conf (serialization-identifiers).</summary>
    public const int Id = 4712;

    private readonly ManifestRegistry _registry;
    private readonly JsonSerializerOptions _json;

    public WireMessageSerializer(ExtendedActorSystem system)
        : this(system, ManifestRegistry.Shared)
    {
    }

    public WireMessageSerializer(ExtendedActorSystem system, ManifestRegistry registry)
        : base(system)
    {
        _registry = registry;
        _json = new JsonSerializerOptions(PersistedMessageSerializer.Json);
        _json.Converters.Add(new ActorRefConverter(system));
    }

    public override int Identifier => Id;

    public override string Manifest(object o) => _registry.ManifestOf(o.GetType());

    public override byte[] ToBinary(object obj) => JsonSerializer.SerializeToUtf8Bytes(obj, obj.GetType(), _json);

    public override object FromBinary(byte[] bytes, string manifest)
    {
        var type = _registry.TypeOf(manifest);
        return JsonSerializer.Deserialize(bytes, type, _json)
            ?? throw new System.Runtime.Serialization.SerializationException($"Wire message '{manifest}' deserialised to null.");
    }

    /// <summary>An <see cref="IActorRef"/> as its serialized path (with the sender's address), resolved on read.</summary>
    private sealed class ActorRefConverter(ExtendedActorSystem system) : JsonConverter<IActorRef>
    {
        public override bool CanConvert(Type typeToConvert) => typeof(IActorRef).IsAssignableFrom(typeToConvert);

        public override IActorRef? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
            reader.TokenType == JsonTokenType.Null ? null : system.Provider.ResolveActorRef(reader.GetString()!);

        public override void Write(Utf8JsonWriter writer, IActorRef value, JsonSerializerOptions options) =>
            writer.WriteStringValue(Akka.Serialization.Serialization.SerializedActorPath(value));
    }
}
