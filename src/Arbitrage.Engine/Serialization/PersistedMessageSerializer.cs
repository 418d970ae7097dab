using System.Text.Json;
using System.Text.Json.Serialization;
using Akka.Actor;
using Akka.Serialization;

namespace Arbitrage.Engine.Serialization;

/// <summary>
/// Versioned JSON for the journal and snapshot store: the row holds UTF-8 JSON of the record and a
/// stable string manifest (never a CLR type name), so types can be renamed and moved freely.
/// Reading tolerates added and removed fields; a breaking change gets a new manifest and an upcaster.
/// </summary>
public sealed class PersistedMessageSerializer : SerializerWithStringManifest
{
    /// <summary>The serializer id registered in hocon/akka.conf (serialization-identifiers).</summary>
    public const int Id = 4711;

    /// <summary>Options shared by everything we persist: snake_case names, exact doubles, no type names.</summary>
    public static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DictionaryKeyPolicy = null,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower) },
        IncludeFields = false,
        WriteIndented = false,
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Skip,
    };

    private readonly ManifestRegistry _registry;

    public PersistedMessageSerializer(ExtendedActorSystem system)
        : this(system, ManifestRegistry.Shared)
    {
    }

    public PersistedMessageSerializer(ExtendedActorSystem system, ManifestRegistry registry)
        : base(system)
    {
        _registry = registry;
    }

    public override int Identifier => Id;

    public override string Manifest(object o) => _registry.ManifestOf(o.GetType());

    public override byte[] ToBinary(object obj) => JsonSerializer.SerializeToUtf8Bytes(obj, obj.GetType(), Json);

    public override object FromBinary(byte[] bytes, string manifest)
    {
        var type = _registry.TypeOf(manifest);
        var value = JsonSerializer.Deserialize(bytes, type, Json)
            ?? throw new System.Runtime.Serialization.SerializationException($"Persisted '{manifest}' deserialised to null.");
        while (value is IUpcast old)
        {
            value = old.Upcast();
        }

        return value;
    }
}
