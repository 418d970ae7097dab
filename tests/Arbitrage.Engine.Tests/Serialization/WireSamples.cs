using System.Collections;
using System.Collections.Immutable;
using System.Reflection;
using Akka.Actor;

namespace Arbitrage.Engine.Tests.Serialization;

/// <summary>
/// Builds a sample value of any message type from its widest public constructor: every member set to a
/// non-default value (the last enum member, one element per collection, nested records filled), so that a
/// member a serializer drops or cannot read shows up in a round trip. Types a versioned wire format cannot carry
/// (<c>object</c>, interfaces other than collections, abstract types, delegates) throw, naming the member.
/// </summary>
internal sealed class WireSamples(IActorRef actorRef)
{
    private const int MaxDepth = 6;

    public object Create(Type type) => Value(type, type.Name, 0);

    private object Value(Type type, string path, int depth)
    {
        if (depth > MaxDepth)
        {
            throw new InvalidOperationException($"{path}: nested deeper than {MaxDepth} (a cycle?)");
        }

        if (Nullable.GetUnderlyingType(type) is { } inner)
        {
            return Value(inner, path, depth);
        }

        if (type == typeof(string)) return "s-" + path.Length;
        if (type == typeof(bool)) return true;
        if (type == typeof(int)) return 7;
        if (type == typeof(long)) return 1_778_199_705_123L;
        if (type == typeof(short)) return (short)3;
        if (type == typeof(byte)) return (byte)5;
        if (type == typeof(double)) return 0.1 + 0.2;
        if (type == typeof(float)) return 1.25f;
        if (type == typeof(decimal)) return 0.123456789012345678m;
        if (type == typeof(DateTimeOffset)) return new DateTimeOffset(2026, 5, 8, 1, 2, 3, 456, TimeSpan.Zero);
        if (type == typeof(DateTime)) return new DateTime(2026, 5, 8, 1, 2, 3, 456, DateTimeKind.Utc);
        if (type == typeof(TimeSpan)) return TimeSpan.FromMilliseconds(1500);
        if (type == typeof(Guid)) return new Guid("0f8fad5b-d9cb-469f-a165-70867728950e");
        if (type.IsEnum) return Enum.GetValues(type).Cast<object>().Last();
        if (typeof(IActorRef).IsAssignableFrom(type)) return actorRef;

        if (type.IsArray)
        {
            var element = type.GetElementType()!;
            var array = Array.CreateInstance(element, 1);
            array.SetValue(Value(element, path + "[]", depth + 1), 0);
            return array;
        }

        if (type.IsGenericType)
        {
            var definition = type.GetGenericTypeDefinition();
            var args = type.GetGenericArguments();
            if (args.Length == 1 && (definition == typeof(IReadOnlyList<>) || definition == typeof(IList<>) || definition == typeof(List<>)
                || definition == typeof(IEnumerable<>) || definition == typeof(ICollection<>) || definition == typeof(IReadOnlyCollection<>)))
            {
                var list = (IList)Activator.CreateInstance(typeof(List<>).MakeGenericType(args[0]))!;
                list.Add(Value(args[0], path + "[]", depth + 1));
                return list;
            }

            if (definition == typeof(ImmutableArray<>) || definition == typeof(ImmutableList<>) || definition == typeof(IImmutableList<>))
            {
                var create = typeof(ImmutableArray).GetMethods().First(m => m.Name == "Create" && m.GetParameters().Length == 1 && !m.GetParameters()[0].ParameterType.IsArray && m.GetParameters()[0].ParameterType.IsGenericParameter);
                if (definition != typeof(ImmutableArray<>))
                {
                    create = typeof(ImmutableList).GetMethods().First(m => m.Name == "Create" && m.GetParameters().Length == 1 && m.GetParameters()[0].ParameterType.IsGenericParameter);
                }

                return create.MakeGenericMethod(args[0]).Invoke(null, [Value(args[0], path + "[]", depth + 1)])!;
            }

            if (args.Length == 2 && (definition == typeof(IReadOnlyDictionary<,>) || definition == typeof(IDictionary<,>) || definition == typeof(Dictionary<,>)
                || definition == typeof(ImmutableDictionary<,>) || definition == typeof(IImmutableDictionary<,>)))
            {
                var dictionary = (IDictionary)Activator.CreateInstance(typeof(Dictionary<,>).MakeGenericType(args))!;
                dictionary.Add(Value(args[0], path + ".key", depth + 1), Value(args[1], path + ".value", depth + 1));
                if (definition == typeof(ImmutableDictionary<,>) || definition == typeof(IImmutableDictionary<,>))
                {
                    var toImmutable = typeof(ImmutableDictionary).GetMethods()
                        .First(m => m.Name == "CreateRange" && m.GetParameters().Length == 1)
                        .MakeGenericMethod(args);
                    return toImmutable.Invoke(null, [dictionary])!;
                }

                return dictionary;
            }
        }

        if (type == typeof(object) || type.IsInterface || type.IsAbstract || typeof(Delegate).IsAssignableFrom(type))
        {
            throw new InvalidOperationException(
                $"{path}: a {type.Name} member cannot cross nodes in a versioned format (the receiver would not know its type)");
        }

        var constructor = type.GetConstructors(BindingFlags.Public | BindingFlags.Instance)
            .OrderByDescending(c => c.GetParameters().Length)
            .FirstOrDefault();
        if (constructor is null)
        {
            if (type.IsValueType)
            {
                return Activator.CreateInstance(type)!;
            }

            throw new InvalidOperationException($"{path}: {type.Name} has no public constructor");
        }

        var parameters = constructor.GetParameters();
        var values = new object?[parameters.Length];
        for (var i = 0; i < parameters.Length; i++)
        {
            values[i] = Value(parameters[i].ParameterType, path + "." + parameters[i].Name, depth + 1);
        }

        return constructor.Invoke(values);
    }
}
