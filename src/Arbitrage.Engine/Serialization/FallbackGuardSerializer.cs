using System.Collections.Concurrent;
using System.Reflection;
using System.Runtime.Serialization;
using Akka.Actor;
using Akka.Serialization;

namespace Arbitrage.Engine.Serialization;

/// <summary>
/// Akka's catch-all binding (<c>System.Object</c>) as we configure it: Akka's own Newtonsoft serializer for
/// types that are not ours, and a loud refusal for ours. A message of ours that reaches this serializer has no
/// versioned binding (<see cref="IWireMessage"/> / <see cref="IPersistedMessage"/>); Newtonsoft would write CLR
/// type names that break at the first rename, or fail on the receiving node (immutable collections, interfaces)
/// long after the sender moved on. Refusing at the sender names the type in the log, and with
/// <c>akka.actor.serialize-messages = on</c> fails the send itself.
/// </summary>
/// <remarks>
/// <c>arbitrage.serialization.check-ours-only = on</c> is a diagnostic for one node running with
/// <c>akka.actor.serialize-messages = on</c>: other libraries' messages then pass by reference instead of through
/// Newtonsoft (Akka.Persistence's internal messages carry tasks and do not survive it), so the check covers exactly
/// our types. Never for a cluster: such bytes mean nothing to another process.
/// </remarks>
public sealed class FallbackGuardSerializer : Serializer
{
    /// <summary>The serializer id registered in hocon/akka.conf (serialization-identifiers).</summary>
    public const int Id = 4713;

    /// <summary>The diagnostic switch (see the remarks).</summary>
    public const string CheckOursOnlyKey = "arbitrage.serialization.check-ours-only";

    private readonly NewtonSoftJsonSerializer _newtonsoft;
    private readonly bool _foreignByReference;
    // Process-wide, not per instance: Akka may create more than one instance of a serializer (threads racing to the
    // first use of a binding), and the bytes one wrote must be read by whichever instance deserializes them.
    private static readonly ConcurrentDictionary<long, object> InFlight = new();
    private static long _next;

    public FallbackGuardSerializer(ExtendedActorSystem system)
        : base(system)
    {
        _newtonsoft = new NewtonSoftJsonSerializer(system);
        _foreignByReference = system.Settings.Config.GetBoolean(CheckOursOnlyKey, false);
    }

    public override int Identifier => Id;

    public override bool IncludeManifest => _newtonsoft.IncludeManifest;

    public override byte[] ToBinary(object obj)
    {
        if (IsOurs(obj.GetType()))
        {
            throw new SerializationException(
                $"{obj.GetType().FullName} would cross nodes through Akka's Newtonsoft fallback: implement IWireMessage with a " +
                "[Manifest(\"name.v1\")] (it may leave its node) or INoSerializationVerificationNeeded (it never does).");
        }

        if (_foreignByReference)
        {
            var id = Interlocked.Increment(ref _next);
            InFlight[id] = obj;
            return BitConverter.GetBytes(id);
        }

        return _newtonsoft.ToBinary(obj);
    }

    public override object FromBinary(byte[] bytes, Type type)
    {
        if (_foreignByReference)
        {
            return bytes.Length == sizeof(long) && InFlight.TryRemove(BitConverter.ToInt64(bytes), out var value)
                ? value
                : throw new SerializationException($"{CheckOursOnlyKey} is on: {type?.FullName} bytes from another process cannot be read (a single-node diagnostic)");
        }

        return _newtonsoft.FromBinary(bytes, type);
    }

    /// <summary>True for a type from a shipped Arbitrage assembly, or a collection/generic/array built over one.</summary>
    public static bool IsOurs(Type type)
    {
        if (type.IsArray)
        {
            return IsOurs(type.GetElementType()!);
        }

        if (IsArbitrageAssembly(type.Assembly))
        {
            return true;
        }

        if (type.IsGenericType)
        {
            foreach (var argument in type.GetGenericArguments())
            {
                if (IsOurs(argument))
                {
                    return true;
                }
            }
        }

        return false;
    }

    /// <summary>The shipped assemblies; test assemblies keep Akka's default for their own probe messages.</summary>
    private static bool IsArbitrageAssembly(Assembly assembly) =>
        assembly.GetName().Name is { } name
        && name.StartsWith("Arbitrage.", StringComparison.Ordinal)
        && !name.EndsWith(".Tests", StringComparison.Ordinal)
        && !name.EndsWith(".Benchmarks", StringComparison.Ordinal);
}
