using System.Diagnostics.CodeAnalysis;

namespace Arbitrage.Binance.Rest;

/// <summary>The outcome of a Binance call: a value or a <see cref="BinanceError"/>, never an exception for expected failures.</summary>
public readonly record struct BinanceResult<T>
{
    private BinanceResult(T? data, BinanceError? error)
    {
        Data = data;
        Error = error;
    }

    public T? Data { get; }
    public BinanceError? Error { get; }

    [MemberNotNullWhen(true, nameof(Data))]
    [MemberNotNullWhen(false, nameof(Error))]
    public bool Success => Error is null;

    public static BinanceResult<T> Ok(T data) => new(data, null);
    public static BinanceResult<T> Fail(BinanceError error) => new(default, error);

    public static implicit operator BinanceResult<T>(BinanceError error) => Fail(error);
    public static implicit operator BinanceResult<T>(T data) => Ok(data);

    /// <summary>The value, or an exception naming the error (for tests and tools, not trading paths).</summary>
    public T GetOrThrow() => Success ? Data : throw new InvalidOperationException($"Binance call failed: {Error}");

    public BinanceResult<TOut> Map<TOut>(Func<T, TOut> map) =>
        Success ? BinanceResult<TOut>.Ok(map(Data)) : BinanceResult<TOut>.Fail(Error);

    public override string ToString() => Success ? $"Ok({Data})" : $"Fail({Error})";
}
