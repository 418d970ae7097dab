using System.Runtime.CompilerServices;

namespace Arbitrage.Binance.Protocol;

/// <summary>
/// Primitives for the compact fast paths: Binance sends its stream frames without whitespace and with
/// one-letter keys, so a parser can walk <c>"k":value</c> pairs directly instead of going through the
/// general <see cref="JsonScanner"/>. Every primitive accepts only the plain form (no whitespace, no
/// escapes, no sign, no exponent, at most 18 integer digits / 19 significant decimal digits); anything
/// else returns false and the caller falls back to the general parser, which produces the same value
/// or the precise error. So the fast path can never accept a frame differently from the slow one.
/// </summary>
internal static class CompactFrame
{
    /// <summary>
    /// Position of the payload object: after <c>{"stream":"…","data":</c> for a combined-stream frame
    /// (<paramref name="wrapped"/> true) or 0 for a bare frame that starts with <c>{"e":</c>; -1 otherwise.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int PayloadStart(ReadOnlySpan<byte> f, out bool wrapped)
    {
        wrapped = false;
        if (f.StartsWith("{\"stream\":\""u8))
        {
            var rest = f[11..];
            int q = rest.IndexOfAny((byte)'"', (byte)'\\');
            if (q < 0 || rest[q] != (byte)'"' || !rest[(q + 1)..].StartsWith(",\"data\":{"u8))
            {
                return -1;
            }

            wrapped = true;
            return 11 + q + 9;
        }

        return f.StartsWith("{\"e\":"u8) ? 0 : -1;
    }

    /// <summary>At <c>"k":</c> with a one-byte key: returns the key and moves past the colon; 0 otherwise.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static byte Key(ReadOnlySpan<byte> f, ref int p)
    {
        if (p + 4 <= f.Length && f[p] == (byte)'"' && f[p + 2] == (byte)'"' && f[p + 3] == (byte)':')
        {
            byte k = f[p + 1];
            p += 4;
            return k;
        }

        return 0;
    }

    /// <summary>
    /// After a value: ',' → true (more); '}' → true with <paramref name="end"/>; then, at the end of the
    /// payload, the wrapper's closing brace (if wrapped) and nothing else may follow.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool Next(ReadOnlySpan<byte> f, ref int p, bool wrapped, out bool end)
    {
        end = false;
        if (p >= f.Length)
        {
            return false;
        }

        if (f[p] == (byte)',')
        {
            p++;
            return true;
        }

        if (f[p] != (byte)'}')
        {
            return false;
        }

        end = true;
        p++;
        if (wrapped)
        {
            if (p >= f.Length || f[p] != (byte)'}')
            {
                return false;
            }

            p++;
        }

        return p == f.Length;
    }

    /// <summary>A bare non-negative integer of 1–18 digits.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool Int64(ReadOnlySpan<byte> f, ref int p, out long value)
    {
        ulong acc = 0;
        int start = p;
        while (p < f.Length)
        {
            uint d = (uint)(f[p] - '0');
            if (d > 9)
            {
                break;
            }

            acc = (acc * 10) + d;
            p++;
        }

        value = (long)acc;
        int n = p - start;
        return n is > 0 and <= 18;
    }

    /// <summary>A quoted non-negative decimal ("61837.63000000"), scale kept, ≤ 19 significant digits.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool QuotedDecimal(ReadOnlySpan<byte> f, ref int p, out decimal value)
    {
        value = default;
        if (p >= f.Length || f[p] != (byte)'"')
        {
            return false;
        }

        int i = p + 1;
        ulong mantissa = 0;
        int digits = 0, significant = 0, scale = 0;
        bool dot = false;
        while (i < f.Length)
        {
            byte b = f[i];
            uint d = (uint)(b - '0');
            if (d <= 9)
            {
                digits++;
                if ((mantissa | d) != 0)
                {
                    significant++;
                }

                mantissa = (mantissa * 10) + d;
                scale += dot ? 1 : 0;
            }
            else if (b == (byte)'.' && !dot)
            {
                dot = true;
            }
            else if (b == (byte)'"')
            {
                break;
            }
            else
            {
                return false;
            }

            i++;
        }

        if (i >= f.Length || digits == 0 || significant > 19 || scale > 28)
        {
            return false;
        }

        value = new decimal((int)mantissa, (int)(mantissa >> 32), 0, false, (byte)scale);
        p = i + 1;
        return true;
    }

    /// <summary>A quoted string without escapes; the span is its content.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool PlainString(ReadOnlySpan<byte> f, ref int p, out ReadOnlySpan<byte> value)
    {
        value = default;
        if (p >= f.Length || f[p] != (byte)'"')
        {
            return false;
        }

        int i = p + 1;
        while (i < f.Length && f[i] != (byte)'"')
        {
            if (f[i] == (byte)'\\')
            {
                return false;
            }

            i++;
        }

        if (i >= f.Length)
        {
            return false;
        }

        value = f[(p + 1)..i];
        p = i + 1;
        return true;
    }

    /// <summary>A bare <c>true</c> or <c>false</c>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool Bool(ReadOnlySpan<byte> f, ref int p, out bool value)
    {
        var rest = f[p..];
        if (rest.StartsWith("true"u8))
        {
            value = true;
            p += 4;
            return true;
        }

        value = false;
        if (rest.StartsWith("false"u8))
        {
            p += 5;
            return true;
        }

        return false;
    }
}
