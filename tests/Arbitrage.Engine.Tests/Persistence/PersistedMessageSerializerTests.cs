using System.Text;
using Akka.Actor;
using Arbitrage.Core.Serialization;
using Arbitrage.Engine.Serialization;

namespace Arbitrage.Engine.Tests.Persistence;

[Manifest("test-order-placed.v1")]
public sealed record OrderPlacedV1(string ClientOrderId, decimal Quantity, double Price) : IPersistedEvent;

// The same manifest as read by a later version of the code that added a field.
public sealed record OrderPlacedWithVenue(string ClientOrderId, decimal Quantity, double Price, string? Venue = null) : IPersistedEvent;

[Manifest("test-fill.v1")]
public sealed record FillV1(string Id, double Qty) : IPersistedEvent, IUpcast
{
    public IPersistedMessage Upcast() => new FillV2(Id, (decimal)Qty, "unknown");
}

[Manifest("test-fill.v2")]
public sealed record FillV2(string Id, decimal Qty, string Liquidity) : IPersistedEvent;

public sealed class PersistedMessageSerializerTests : IDisposable
{
    private readonly ActorSystem _system = ActorSystem.Create("serializer-tests");

    public void Dispose() => _system.Terminate().Wait(TimeSpan.FromSeconds(10));

    private PersistedMessageSerializer Serializer(ManifestRegistry? registry = null) =>
        new((ExtendedActorSystem)_system, registry ?? new ManifestRegistry());

    [Fact]
    public void Round_trips_with_a_stable_manifest_and_exact_numbers()
    {
        var s = Serializer();
        var evt = new OrderPlacedV1("v51-BTCUSDT-L-1-E", 0.123456789012345678m, 0.1 + 0.2);
        var bytes = s.ToBinary(evt);

        Assert.Equal("test-order-placed.v1", s.Manifest(evt));
        Assert.Equal(evt, s.FromBinary(bytes, "test-order-placed.v1"));
        Assert.DoesNotContain("Arbitrage", Encoding.UTF8.GetString(bytes), StringComparison.Ordinal);
    }

    [Fact]
    public void An_event_written_today_still_reads_after_a_field_is_added()
    {
        var today = Serializer();
        var bytes = today.ToBinary(new OrderPlacedV1("abc", 2.5m, 61000.5));

        // Tomorrow's code maps the same manifest to the extended record.
        var registry = new ManifestRegistry(() => []);
        registry.Register(typeof(OrderPlacedWithVenue), "test-order-placed.v1");
        var tomorrow = Serializer(registry);

        var read = Assert.IsType<OrderPlacedWithVenue>(tomorrow.FromBinary(bytes, "test-order-placed.v1"));
        Assert.Equal(new OrderPlacedWithVenue("abc", 2.5m, 61000.5, null), read);
    }

    [Fact]
    public void A_row_written_by_the_first_version_is_readable_as_is()
    {
        // Bytes exactly as stored by the v1 code: guards against accidental option changes (naming, enums).
        var stored = Encoding.UTF8.GetBytes("""{"client_order_id":"abc","quantity":2.5,"price":61000.5}""");
        Assert.Equal(new OrderPlacedV1("abc", 2.5m, 61000.5), Serializer().FromBinary(stored, "test-order-placed.v1"));
    }

    [Fact]
    public void Old_versions_are_upcast_on_read()
    {
        var s = Serializer();
        var bytes = s.ToBinary(new FillV1("f1", 1.5));
        Assert.Equal(new FillV2("f1", 1.5m, "unknown"), s.FromBinary(bytes, "test-fill.v1"));
    }

    [Fact]
    public void Unknown_manifest_and_missing_attribute_are_clear_errors()
    {
        var s = Serializer();
        var unknown = Assert.Throws<InvalidOperationException>(() => s.FromBinary("{}"u8.ToArray(), "nope.v9"));
        Assert.Contains("nope.v9", unknown.Message, StringComparison.Ordinal);

        var missing = Assert.Throws<InvalidOperationException>(() => s.Manifest(new OrderPlacedWithVenue("a", 1, 1)));
        Assert.Contains("[Manifest", missing.Message, StringComparison.Ordinal);
    }
}
