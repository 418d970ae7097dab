using System.Collections.Concurrent;
using System.Reflection;

namespace Arbitrage.Engine.Serialization;

/// <summary>
/// Two-way map between persisted CLR types and their manifests, discovered from
/// <see cref="ManifestAttribute"/> on the types of loaded Arbitrage assemblies.
/// </summary>
public sealed class ManifestRegistry
{
    private readonly ConcurrentDictionary<string, Type> _byManifest = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<Type, string> _byType = new();
    private readonly ConcurrentDictionary<Assembly, bool> _scanned = new();
    private readonly Func<IEnumerable<Assembly>> _assemblies;

    public ManifestRegistry(Func<IEnumerable<Assembly>>? assemblies = null)
    {
        _assemblies = assemblies ?? (() => AppDomain.CurrentDomain.GetAssemblies());
        ScanNew();
    }

    /// <summary>Registers a type explicitly (tests; types in assemblies loaded later are found by scanning).</summary>
    public void Register(Type type, string manifest)
    {
        if (_byManifest.TryGetValue(manifest, out var existing) && existing != type)
        {
            throw new InvalidOperationException(
                $"Manifest '{manifest}' is claimed by both {existing.FullName} and {type.FullName}.");
        }

        _byManifest[manifest] = type;
        _byType[type] = manifest;
    }

    public string ManifestOf(Type type)
    {
        if (_byType.TryGetValue(type, out var manifest))
        {
            return manifest;
        }

        var attribute = type.GetCustomAttribute<ManifestAttribute>()
            ?? throw new InvalidOperationException(
                $"{type.FullName} implements IPersistedMessage but has no [Manifest(\"name.v1\")] attribute.");
        Register(type, attribute.Name);
        return attribute.Name;
    }

    public Type TypeOf(string manifest)
    {
        if (_byManifest.TryGetValue(manifest, out var type))
        {
            return type;
        }

        ScanNew();
        return _byManifest.TryGetValue(manifest, out type)
            ? type
            : throw new InvalidOperationException($"Unknown persisted manifest '{manifest}': no loaded type declares it.");
    }

    private void ScanNew()
    {
        foreach (var assembly in _assemblies())
        {
            if (assembly.IsDynamic || !_scanned.TryAdd(assembly, true))
            {
                continue;
            }

            var name = assembly.GetName().Name ?? string.Empty;
            if (!name.StartsWith("Arbitrage", StringComparison.Ordinal))
            {
                continue;
            }

            Type[] types;
            try
            {
                types = assembly.GetTypes();
            }
            catch (ReflectionTypeLoadException e)
            {
                types = e.Types.Where(t => t is not null).ToArray()!;
            }

            foreach (var type in types)
            {
                if (typeof(IPersistedMessage).IsAssignableFrom(type) && type.GetCustomAttribute<ManifestAttribute>() is { } attribute)
                {
                    Register(type, attribute.Name);
                }
            }
        }
    }
}
