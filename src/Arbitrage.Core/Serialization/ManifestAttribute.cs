namespace Arbitrage.Core.Serialization;

/// <summary>
/// The stable name a persisted type is stored under, e.g. <c>signal-emitted.v1</c>. Never rename one:
/// add a <c>.v2</c> type and make the old one <see cref="IUpcast"/>.
/// </summary>
[AttributeUsage(AttributeTargets.Class | AttributeTargets.Struct, Inherited = false)]
public sealed class ManifestAttribute(string name) : Attribute
{
    public string Name { get; } = name;
}
