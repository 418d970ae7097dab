using System.Buffers.Text;
using System.Globalization;

namespace Arbitrage.Binance.Protocol;

/// <summary>
/// Parses Binance's decimal strings ("29150.10000") straight from UTF-8 bytes. The fast path builds
/// the mantissa from the digits; anything unusual (more than 19 digits, exponents) falls back to the
/// BCL parsers, so results are always exact (decimal) or correctly rounded (double).
/// </summary>
public static class Utf8Number
{
    private static readonly double[] Pow10 =
    [
        1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11,
        1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
    ];

    /// <summary>Decimal with the scale of the text kept ("0.010" has scale 3), so it formats back identically.</summary>
    public static bool TryParseDecimal(ReadOnlySpan<byte> s, out decimal value)
    {
        if (TryScan(s, out ulong mantissa, out int scale, out bool negative) && scale <= 28)
        {
            value = new decimal((int)mantissa, (int)(mantissa >> 32), 0, negative, (byte)scale);
            return true;
        }

        return Utf8Parser.TryParse(s, out value, out int consumed) && consumed == s.Length && s.Length > 0;
    }

    /// <summary>Correctly rounded double: mantissa and 10^scale are both exact doubles on the fast path.</summary>
    public static bool TryParseDouble(ReadOnlySpan<byte> s, out double value)
    {
        if (TryScan(s, out ulong mantissa, out int scale, out bool negative)
            && mantissa <= (1UL << 53) && scale <= 22)
        {
            double d = scale == 0 ? mantissa : mantissa / Pow10[scale];
            value = negative ? -d : d;
            return true;
        }

        if (s.Length == 0 || s.Length > 64)
        {
            value = 0;
            return false;
        }

        return double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out value);
    }

    /// <summary>A JSON integer (optionally negative); false on overflow or any non-digit.</summary>
    public static bool TryParseInt64(ReadOnlySpan<byte> s, out long value)
    {
        value = 0;
        int i = 0;
        bool negative = false;
        if (s.Length > 0 && s[0] == (byte)'-')
        {
            negative = true;
            i = 1;
        }

        if (i >= s.Length || s.Length - i > 19)
        {
            return false;
        }

        ulong acc = 0;
        for (; i < s.Length; i++)
        {
            uint d = (uint)(s[i] - '0');
            if (d > 9)
            {
                return false;
            }

            acc = (acc * 10) + d;
        }

        if (acc > (negative ? 9223372036854775808UL : long.MaxValue))
        {
            return false;
        }

        value = negative ? (long)(0 - acc) : (long)acc;
        return true;
    }

    /// <summary>Digits with at most one '.', at most 19 significant digits; no exponent.</summary>
    private static bool TryScan(ReadOnlySpan<byte> s, out ulong mantissa, out int scale, out bool negative)
    {
        mantissa = 0;
        scale = 0;
        negative = false;
        int i = 0;
        if (s.Length > 0 && s[0] == (byte)'-')
        {
            negative = true;
            i = 1;
        }

        int digits = 0;
        int significant = 0;
        bool dot = false;
        for (; i < s.Length; i++)
        {
            uint d = (uint)(s[i] - '0');
            if (d <= 9)
            {
                digits++;
                if (mantissa != 0 || d != 0)
                {
                    if (++significant > 19)
                    {
                        return false;
                    }
                }

                mantissa = (mantissa * 10) + d;
                if (dot)
                {
                    scale++;
                }
            }
            else if (s[i] == (byte)'.' && !dot)
            {
                dot = true;
            }
            else
            {
                return false;
            }
        }

        return digits > 0;
    }
}
