using System.Reflection;
using System.Text.Json.Serialization;

namespace Arbitrage.Core.Serialization;

/// <summary>
/// The short codes of a closed set: each member's <see cref="JsonStringEnumMemberNameAttribute"/> name (its name when it has
/// none), the text every serializer writes for it, so logs and CSVs can show the same code.
/// </summary>
public static class EnumCodes
{
    public static string Of<TEnum>(TEnum value)
        where TEnum : struct, Enum =>
        Names<TEnum>.ByValue.TryGetValue(value, out var code)
            ? code
            : throw new ArgumentOutOfRangeException(nameof(value), value, $"not a {typeof(TEnum).Name}");

    private static class Names<TEnum>
        where TEnum : struct, Enum
    {
        public static readonly Dictionary<TEnum, string> ByValue = Enum.GetValues<TEnum>().ToDictionary(
            v => v,
            v => typeof(TEnum).GetField(v.ToString())!.GetCustomAttribute<JsonStringEnumMemberNameAttribute>()?.Name ?? v.ToString());
    }
}
