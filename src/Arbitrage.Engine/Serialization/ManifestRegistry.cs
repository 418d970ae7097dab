using System.Collections.Concurrent;
using System.Reflection;
using Arbitrage.Binance.Streams;
using Arbitrage.Core.Funding.Carry;

namespace Arbitrage.Engine.Serialization;

/// <summary>
/// Two-way map between persisted and wire CLR types and their manifests, discovered from
/// <see cref="ManifestAttribute"/> on the types of loaded Arbitrage assemblies. One namespace of manifests for
/// both, so a name is never ambiguous.
/// </summary>
public sealed class ManifestRegistry
{
    /// <summary>
    /// Types of assemblies below the engine (they cannot reference <see cref="ManifestAttribute"/>): the feed events
    /// published on <c>market-events</c> and the carry's persisted events and state. hocon/akka.conf binds their base
    /// types to the wire and persisted-message serializers.
    /// </summary>
    private static readonly (Type Type, string Manifest)[] Foreign =
    [
        (typeof(FeedEvent.TradeEvent), "feed-trade.v1"),
        (typeof(FeedEvent.MarkPriceEvent), "feed-mark-price.v1"),
        (typeof(FeedEvent.LiquidationEvent), "feed-liquidation.v1"),
        (typeof(FeedEvent.BookTickerEvent), "feed-book-ticker.v1"),
        (typeof(FeedEvent.FeedStatusEvent), "feed-status.v1"),
        (typeof(FeedEvent.TradeGapEvent), "feed-trade-gap.v1"),
        (typeof(FeedEvent.TradeCatchUpEvent), "feed-trade-catch-up.v1"),
        (typeof(FeedEvent.BookUpdateEvent), "feed-book-update.v1"),
        (typeof(FeedEvent.BookResyncEvent), "feed-book-resync.v1"),
        (typeof(FeedEvent.BookSyncedEvent), "feed-book-synced.v1"),
        (typeof(FeedEvent.FuturesMetricsEvent), "feed-futures-metrics.v1"),
        (typeof(FeedEvent.FundingSettledEvent), "feed-funding-settled.v1"),

        // Persisted types of the carry domain (Arbitrage.Core.Funding.Carry): hocon/akka.conf binds ICarryEvent and
        // CarryState to the persisted-message serializer. The names are the ones their rows were first stored under.
        (typeof(CarryDecided), "carry-decided.v1"),
        (typeof(CarryLegFilled), "carry-leg-filled.v1"),
        (typeof(CarryLegFailed), "carry-leg-failed.v1"),
        (typeof(CarryOpened), "carry-opened.v1"),
        (typeof(CarryOpenFailed), "carry-open-failed.v1"),
        (typeof(CarryStrandedUnwound), "carry-stranded-unwound.v1"),
        (typeof(CarryFundingAccrued), "carry-funding-accrued.v1"),
        (typeof(CarryClosing), "carry-closing.v1"),
        (typeof(CarryClosed), "carry-closed.v1"),
        (typeof(CarryState), "carry-state.v1"),
    ];

    /// <summary>The registry the serializers use unless given another (tests). After <see cref="Foreign"/>: static initializers run in order.</summary>
    public static ManifestRegistry Shared { get; } = new();

    private readonly ConcurrentDictionary<string, Type> _byManifest = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<Type, string> _byType = new();
    private readonly ConcurrentDictionary<Assembly, bool> _scanned = new();
    private readonly Func<IEnumerable<Assembly>> _assemblies;

    public ManifestRegistry(Func<IEnumerable<Assembly>>? assemblies = null)
    {
        _assemblies = assemblies ?? (() => AppDomain.CurrentDomain.GetAssemblies());
        foreach (var (type, manifest) in Foreign)
        {
            Register(type, manifest);
        }

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
                $"{type.FullName} is persisted or sent between nodes but has no [Manifest(\"name.v1\")] attribute.");
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
                if ((typeof(IPersistedMessage).IsAssignableFrom(type) || typeof(IWireMessage).IsAssignableFrom(type))
                    && type.GetCustomAttribute<ManifestAttribute>() is { } attribute)
                {
                    Register(type, attribute.Name);
                }
            }
        }
    }
}
