using System.Buffers.Binary;
using System.Globalization;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Arbitrage.Engine.Replay;

/// <summary>
/// Shortest round-trip double → text, byte-for-byte what <c>double.TryFormat(dst, out n, "R", CultureInfo.InvariantCulture)</c>
/// writes, without its Grisu3/Dragon4 machinery: Ryū digits (Ulf Adams, PLDI 2018) laid out as .NET's "R" does.
/// </summary>
/// <remarks>
/// .NET's "R" (Core 3.0+) takes the shortest digits that parse back to the same double (ties: the closest, then
/// the even digit — the same choice Ryū makes) and prints them through the "G" layout with at least 17 digits of
/// room: with d digits and decimal exponent s (value = 0.d₁d₂… × 10^s) it writes fixed notation when
/// −3 ≤ s ≤ 17 and otherwise d₁[.d₂…]E±XX with at least two exponent digits. Negative zero is "-0". NaN and the
/// infinities ("NaN", "Infinity", "-Infinity" in the invariant culture) and powers of two (see TryFormat) are
/// delegated to .NET. The tests compare against .NET on millions of values.
/// </remarks>
public static class ShortestDouble
{
    /// <summary>The longest text a finite double formats to ("-2.2250738585072014E-308" is 24).</summary>
    public const int MaxFiniteLength = 24;

    private const int MantissaBits = 52;
    private const int ExponentBits = 11;
    private const int Bias = 1023;
    private const int Pow5InvBitCount = 125;
    private const int Pow5BitCount = 125;
    private const int Pow5InvTableSize = 342;
    private const int Pow5TableSize = 326;

    // 128-bit multipliers as (low, high) pairs: ⌊2^k / 5^q⌋ + 1 and 5^i normalised to 125 bits (the Ryū tables),
    // computed once instead of pasted as 1,300 literals.
    private static readonly ulong[] Pow5InvSplit = BuildPow5InvSplit();
    private static readonly ulong[] Pow5Split = BuildPow5Split();

    private static ReadOnlySpan<byte> DigitPairs =>
        "00010203040506070809101112131415161718192021222324252627282930313233343536373839404142434445464748495051525354555657585960616263646566676869707172737475767778798081828384858687888990919293949596979899"u8;

    private static ReadOnlySpan<ulong> PowersOf10 =>
    [
        1UL, 10UL, 100UL, 1_000UL, 10_000UL, 100_000UL, 1_000_000UL, 10_000_000UL, 100_000_000UL, 1_000_000_000UL,
        10_000_000_000UL, 100_000_000_000UL, 1_000_000_000_000UL, 10_000_000_000_000UL, 100_000_000_000_000UL,
        1_000_000_000_000_000UL, 10_000_000_000_000_000UL, 100_000_000_000_000_000UL, 1_000_000_000_000_000_000UL,
        10_000_000_000_000_000_000UL,
    ];

    private static ReadOnlySpan<ulong> PowersOf5 =>
    [
        1UL, 5UL, 25UL, 125UL, 625UL, 3_125UL, 15_625UL, 78_125UL, 390_625UL, 1_953_125UL, 9_765_625UL, 48_828_125UL,
        244_140_625UL, 1_220_703_125UL, 6_103_515_625UL, 30_517_578_125UL, 152_587_890_625UL, 762_939_453_125UL,
        3_814_697_265_625UL, 19_073_486_328_125UL, 95_367_431_640_625UL, 476_837_158_203_125UL,
    ];

    /// <summary>[f - 1]: the largest m with m·5^f ≤ 999,999,999,999,999 (at most 15 digits), for f = 1..21.</summary>
    private static ReadOnlySpan<ulong> ExactFractionLimit =>
    [
        199_999_999_999_999UL, 39_999_999_999_999UL, 7_999_999_999_999UL, 1_599_999_999_999UL, 319_999_999_999UL,
        63_999_999_999UL, 12_799_999_999UL, 2_559_999_999UL, 511_999_999UL, 102_399_999UL, 20_479_999UL, 4_095_999UL,
        819_199UL, 163_839UL, 32_767UL, 6_553UL, 1_310UL, 262UL, 52UL, 10UL, 2UL,
    ];

    public static bool TryFormat(double value, Span<byte> destination, out int bytesWritten)
    {
        ulong bits = BitConverter.DoubleToUInt64Bits(value);
        bool negative = (long)bits < 0;
        ulong ieeeMantissa = bits & ((1UL << MantissaBits) - 1);
        uint ieeeExponent = (uint)(bits >> MantissaBits) & ((1u << ExponentBits) - 1);

        ulong digits;
        int exponent;
        if (ieeeExponent - 1u < (1u << ExponentBits) - 2u)
        {
            // Normal. Integers below 2^53 have their digits right in the mantissa (and at most 16 of them, so
            // always fixed notation): the common "-12345" skips Ryū altogether.
            int shift = Bias + MantissaBits - (int)ieeeExponent;
            ulong m2 = (1UL << MantissaBits) | ieeeMantissa;
            if ((uint)shift <= MantissaBits && (m2 & ((1UL << shift) - 1)) == 0)
            {
                return WriteInteger(m2 >> shift, negative, destination, out bytesWritten);
            }

            // Exact short decimals (83.5, -0.75, 79483.25): m2·2^-shift = (m2 >> tz)·5^f / 10^f with f = shift - tz.
            // When that numerator has at most 15 digits it is the answer: two different decimals of ≤ 15 digits
            // never round to the same double, so no shorter one can, and it is exact, so it is also the closest.
            int tz = BitOperations.TrailingZeroCount(m2);
            int fraction = shift - tz;
            if ((uint)(fraction - 1) < (uint)ExactFractionLimit.Length && (m2 >> tz) <= ExactFractionLimit[fraction - 1])
            {
                return WriteDecimal((m2 >> tz) * PowersOf5[fraction], -fraction, negative, destination, out bytesWritten);
            }

            if (ieeeMantissa == 0)
            {
                // A power of two (its lower neighbour is half as far). .NET gets two of these "wrong" (2^-25 and
                // 2^-958 print digits that parse to the double below); matching bytes is the contract, so let
                // .NET print the whole (rare) class rather than pin its quirks.
                return value.TryFormat(destination, out bytesWritten, "R", CultureInfo.InvariantCulture);
            }

            (digits, exponent) = Ryu(m2, (int)ieeeExponent - Bias - MantissaBits - 2);
        }
        else if (ieeeExponent == 0)
        {
            if (ieeeMantissa == 0)
            {
                return WriteZero(negative, destination, out bytesWritten);
            }

            (digits, exponent) = Ryu(ieeeMantissa, 1 - Bias - MantissaBits - 2);
        }
        else
        {
            return value.TryFormat(destination, out bytesWritten, "R", CultureInfo.InvariantCulture);
        }

        return WriteDecimal(digits, exponent, negative, destination, out bytesWritten);
    }

    /// <summary>The same text as UTF-16 (what <c>double.TryFormat(Span&lt;char&gt;, …, "R", invariant)</c> writes).</summary>
    public static bool TryFormat(double value, Span<char> destination, out int charsWritten)
    {
        Span<byte> utf8 = stackalloc byte[32];
        if (!double.IsFinite(value))
        {
            return value.TryFormat(destination, out charsWritten, "R", CultureInfo.InvariantCulture);
        }

        TryFormat(value, utf8, out int n);
        if (n > destination.Length)
        {
            charsWritten = 0;
            return false;
        }

        for (int i = 0; i < n; i++)
        {
            destination[i] = (char)utf8[i];
        }

        charsWritten = n;
        return true;
    }

    /// <summary>
    /// Ryū's d2d: the shortest decimal digits·10^exponent inside the rounding interval of m2·2^(e2+2), the one
    /// closest to it among those (ties to even). Only for symmetric intervals: powers of two (whose lower
    /// neighbour is half as far) never get here.
    /// </summary>
    private static (ulong Digits, int Exponent) Ryu(ulong m2, int e2)
    {
        bool acceptBounds = (m2 & 1) == 0;
        ulong mv = 4 * m2;

        ulong vr, vp, vm;
        int e10;
        bool vmIsTrailingZeros = false;
        bool vrIsTrailingZeros = false;
        if (e2 >= 0)
        {
            int q = Log10Pow2(e2) - (e2 > 3 ? 1 : 0);
            e10 = q;
            int k = Pow5InvBitCount + Pow5Bits(q) - 1;
            int i = -e2 + q + k;
            ref ulong mul = ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(Pow5InvSplit), 2 * q);
            vr = MulShiftAll(mv, mul, Unsafe.Add(ref mul, 1), i, out vp, out vm);
            if (q <= 21)
            {
                // At most one of mp, mv, mm is a multiple of 5; an exact quotient means the digits we drop are zeros.
                if (mv % 5 == 0)
                {
                    vrIsTrailingZeros = IsMultipleOfPowerOf5(mv, q);
                }
                else if (acceptBounds)
                {
                    vmIsTrailingZeros = IsMultipleOfPowerOf5(mv - 2, q);
                }
                else if (IsMultipleOfPowerOf5(mv + 2, q))
                {
                    vp--;
                }
            }
        }
        else
        {
            int q = Log10Pow5(-e2) - (-e2 > 1 ? 1 : 0);
            e10 = q + e2;
            int i = -e2 - q;
            int k = Pow5Bits(i) - Pow5BitCount;
            int j = q - k;
            ref ulong mul = ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(Pow5Split), 2 * i);
            vr = MulShiftAll(mv, mul, Unsafe.Add(ref mul, 1), j, out vp, out vm);
            if (q <= 1)
            {
                // mv = 4·m2 has two trailing zero bits, mm = mv - 2 one.
                vrIsTrailingZeros = true;
                if (acceptBounds)
                {
                    vmIsTrailingZeros = true;
                }
                else
                {
                    vp--;
                }
            }
            else if (q < 63)
            {
                // The full product has q trailing decimal zeros iff mv has q trailing binary ones (5-factors are plenty).
                vrIsTrailingZeros = (mv & ((1UL << q) - 1)) == 0;
            }
        }

        int removed = 0;
        ulong output;
        if (vmIsTrailingZeros || vrIsTrailingZeros)
        {
            // Rare general case: exact bounds or an exact value, where ties and inclusive bounds matter.
            uint lastRemovedDigit = 0;
            while (true)
            {
                ulong vpDiv10 = vp / 10;
                ulong vmDiv10 = vm / 10;
                if (vpDiv10 <= vmDiv10)
                {
                    break;
                }

                ulong vrDiv10 = vr / 10;
                vmIsTrailingZeros &= vm - (10 * vmDiv10) == 0;
                vrIsTrailingZeros &= lastRemovedDigit == 0;
                lastRemovedDigit = (uint)(vr - (10 * vrDiv10));
                vr = vrDiv10;
                vp = vpDiv10;
                vm = vmDiv10;
                removed++;
            }

            if (vmIsTrailingZeros)
            {
                while (true)
                {
                    ulong vmDiv10 = vm / 10;
                    if (vm - (10 * vmDiv10) != 0)
                    {
                        break;
                    }

                    ulong vrDiv10 = vr / 10;
                    vrIsTrailingZeros &= lastRemovedDigit == 0;
                    lastRemovedDigit = (uint)(vr - (10 * vrDiv10));
                    vr = vrDiv10;
                    vp /= 10;
                    vm = vmDiv10;
                    removed++;
                }
            }

            if (vrIsTrailingZeros && lastRemovedDigit == 5 && (vr & 1) == 0)
            {
                // Exactly half-way: round to even.
                lastRemovedDigit = 4;
            }

            output = vr + ((vr == vm && (!acceptBounds || !vmIsTrailingZeros)) || lastRemovedDigit >= 5 ? 1UL : 0UL);
        }
        else
        {
            // Common case: only whether the dropped digits reach one half matters. Ryū drops one or two digits a
            // step; a short decimal like 79483.7 drops eleven, so drop 8, 4, 2, 1 at a time while the interval
            // still holds a shorter number (that test is monotone in the count, so greedy chunks find the maximum).
            bool roundUp = false;
            while (TryDrop(ref vr, ref vp, ref vm, 100_000_000, ref roundUp))
            {
                removed += 8;
            }

            removed += TryDrop(ref vr, ref vp, ref vm, 10_000, ref roundUp) ? 4 : 0;
            removed += TryDrop(ref vr, ref vp, ref vm, 100, ref roundUp) ? 2 : 0;
            removed += TryDrop(ref vr, ref vp, ref vm, 10, ref roundUp) ? 1 : 0;

            output = vr + (vr == vm || roundUp ? 1UL : 0UL);
        }

        return (output, e10 + removed);
    }

    /// <summary>
    /// ⌊x·mul / 2^j⌋, ⌊(x + 2)·mul / 2^j⌋ and ⌊(x - 2)·mul / 2^j⌋ for a 128-bit mul and 64 &lt; j &lt; 128: one
    /// 192-bit product, the neighbours by adding and subtracting 2·mul (&lt; 2^127) instead of two more products.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ulong MulShiftAll(ulong x, ulong mulLo, ulong mulHi, int j, out ulong plus, out ulong minus)
    {
        ulong high0 = Math.BigMul(x, mulLo, out ulong w0);
        ulong w2 = Math.BigMul(x, mulHi, out ulong low1);
        ulong w1 = high0 + low1;
        w2 += w1 < high0 ? 1UL : 0UL;

        // 2·mul = (t1:t0) with t1 < 2^63, so t1 plus a carry cannot overflow; w1 + that wraps iff the sum is below w1.
        ulong t0 = mulLo << 1;
        ulong t1 = (mulHi << 1) | (mulLo >> 63);
        ulong upCarry = t1 + (w0 + t0 < w0 ? 1UL : 0UL);
        ulong downBorrow = t1 + (w0 < t0 ? 1UL : 0UL);
        ulong up1 = w1 + upCarry;
        int shift = j - 64;
        plus = ShiftRight(w2 + (up1 < w1 ? 1UL : 0UL), up1, shift);
        minus = ShiftRight(w2 - (w1 < downBorrow ? 1UL : 0UL), w1 - downBorrow, shift);
        return ShiftRight(w2, w1, shift);
    }

    /// <summary>(high:low) >> shift, 0 &lt; shift &lt; 64.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ulong ShiftRight(ulong high, ulong low, int shift) => (high << (64 - shift)) | (low >> shift);

    private static bool IsMultipleOfPowerOf5(ulong value, int p)
    {
        int count = 0;
        while (value % 5 == 0)
        {
            value /= 5;
            if (++count >= p)
            {
                return true;
            }
        }

        return count >= p;
    }

    // ⌊log10(2^e)⌋, ⌊log10(5^e)⌋ and ⌈log2(5^e)⌉ (1 for e = 0) by fixed-point multiplication, exact on Ryū's ranges.
    private static int Log10Pow2(int e) => (int)(((uint)e * 78913) >> 18);

    private static int Log10Pow5(int e) => (int)(((uint)e * 732923) >> 20);

    private static int Pow5Bits(int e) => (int)(((uint)e * 1217359) >> 19) + 1;

    private static bool WriteZero(bool negative, Span<byte> destination, out int bytesWritten)
    {
        int length = negative ? 2 : 1;
        if (destination.Length < length)
        {
            bytesWritten = 0;
            return false;
        }

        if (negative)
        {
            destination[0] = (byte)'-';
        }

        destination[length - 1] = (byte)'0';
        bytesWritten = length;
        return true;
    }

    private static bool WriteInteger(ulong value, bool negative, Span<byte> destination, out int bytesWritten)
    {
        int sign = negative ? 1 : 0;
        int n = DecimalLength(value);
        int length = sign + n;
        if (destination.Length < length)
        {
            bytesWritten = 0;
            return false;
        }

        ref byte dst = ref MemoryMarshal.GetReference(destination);
        dst = (byte)'-';
        WriteDigits(ref Unsafe.Add(ref dst, sign), value, n);
        bytesWritten = length;
        return true;
    }

    /// <summary>digits·10^exponent (digits without trailing zeros) in .NET's "R" layout.</summary>
    private static bool WriteDecimal(ulong digits, int exponent, bool negative, Span<byte> destination, out int bytesWritten)
    {
        int sign = negative ? 1 : 0;
        int n = DecimalLength(digits);
        int scale = n + exponent;
        bool scientific = scale > 17 || scale < -3;
        int exp10 = scale - 1;
        int length;
        if (scientific)
        {
            int expAbs = exp10 < 0 ? -exp10 : exp10;
            length = sign + n + (n > 1 ? 1 : 0) + 2 + (expAbs >= 100 ? 3 : 2);
        }
        else if (scale <= 0)
        {
            length = sign + 2 - scale + n;
        }
        else if (scale >= n)
        {
            length = sign + scale;
        }
        else
        {
            length = sign + n + 1;
        }

        if (destination.Length < length)
        {
            bytesWritten = 0;
            return false;
        }

        ref byte dst = ref MemoryMarshal.GetReference(destination);
        dst = (byte)'-';
        ref byte p = ref Unsafe.Add(ref dst, sign);
        if (scientific)
        {
            WriteWithPoint(ref p, digits, n, 1);
            ref byte e = ref Unsafe.Add(ref p, n > 1 ? n + 1 : n);
            e = (byte)'E';
            int expAbs = exp10;
            Unsafe.Add(ref e, 1) = (byte)'+';
            if (exp10 < 0)
            {
                Unsafe.Add(ref e, 1) = (byte)'-';
                expAbs = -exp10;
            }

            if (expAbs >= 100)
            {
                Unsafe.Add(ref e, 2) = (byte)('0' + (expAbs / 100));
                WritePair(ref Unsafe.Add(ref e, 3), (uint)(expAbs % 100));
            }
            else
            {
                WritePair(ref Unsafe.Add(ref e, 2), (uint)expAbs);
            }
        }
        else if (scale <= 0)
        {
            p = (byte)'0';
            Unsafe.Add(ref p, 1) = (byte)'.';
            for (int i = 0; i < -scale; i++)
            {
                Unsafe.Add(ref p, 2 + i) = (byte)'0';
            }

            WriteDigits(ref Unsafe.Add(ref p, 2 - scale), digits, n);
        }
        else if (scale >= n)
        {
            WriteDigits(ref p, digits, n);
            for (int i = n; i < scale; i++)
            {
                Unsafe.Add(ref p, i) = (byte)'0';
            }
        }
        else
        {
            WriteWithPoint(ref p, digits, n, scale);
        }

        bytesWritten = length;
        return true;
    }

    /// <summary>The n digits with a decimal point after the first <paramref name="before"/> (none if n ≤ before).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void WriteWithPoint(ref byte dst, ulong digits, int n, int before)
    {
        if (n <= before)
        {
            WriteDigits(ref dst, digits, n);
            return;
        }

        // Write them one to the right, slide the integer part back and drop the point in the gap.
        WriteDigits(ref Unsafe.Add(ref dst, 1), digits, n);
        for (int i = 0; i < before; i++)
        {
            Unsafe.Add(ref dst, i) = Unsafe.Add(ref dst, i + 1);
        }

        Unsafe.Add(ref dst, before) = (byte)'.';
    }

    /// <summary>The n = DecimalLength(value) digits of value at dst[0..n).</summary>
    private static void WriteDigits(ref byte dst, ulong value, int n)
    {
        int end = n;
        if (value >= 100_000_000)
        {
            // At most 17 digits: the low 8 in one store, then what is left fits 32-bit arithmetic.
            ulong high = value / 100_000_000;
            Unsafe.WriteUnaligned(ref Unsafe.Add(ref dst, end - 8), EightDigits((uint)(value - (high * 100_000_000))));
            value = high;
            end -= 8;
            if (end >= 8)
            {
                uint top = (uint)(value / 100_000_000);
                Unsafe.WriteUnaligned(ref Unsafe.Add(ref dst, end - 8), EightDigits((uint)value - (top * 100_000_000)));
                if (end == 9)
                {
                    dst = (byte)('0' + top);
                }

                return;
            }
        }

        uint v = (uint)value;
        while (v >= 10_000)
        {
            uint c = v % 10_000;
            v /= 10_000;
            WritePair(ref Unsafe.Add(ref dst, end - 2), c % 100);
            WritePair(ref Unsafe.Add(ref dst, end - 4), c / 100);
            end -= 4;
        }

        if (v >= 100)
        {
            WritePair(ref Unsafe.Add(ref dst, end - 2), v % 100);
            v /= 100;
        }

        if (v >= 10)
        {
            WritePair(ref dst, v);
        }
        else
        {
            dst = (byte)('0' + v);
        }
    }

    /// <summary>
    /// n &lt; 10^8 as eight ASCII digits in memory order, with no per-digit branches or table lookups: split into
    /// 4+4 digits in two 32-bit lanes, each into 2+2 in 16-bit lanes, each into 1+1 in bytes, by multiply-shift
    /// divisions that are exact on these ranges (x·10486 >> 20 = x / 100 below 10^4, x·103 >> 10 = x / 10 below 100).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ulong EightDigits(uint n)
    {
        ulong x = (n / 10_000) | ((ulong)(n % 10_000) << 32);
        ulong hundreds = ((x * 10_486) >> 20) & 0x0000_007F_0000_007F;
        x = hundreds | ((x - (hundreds * 100)) << 16);
        ulong tens = ((x * 103) >> 10) & 0x000F_000F_000F_000F;
        x = tens | ((x - (tens * 10)) << 8);
        x |= 0x3030_3030_3030_3030;
        return BitConverter.IsLittleEndian ? x : BinaryPrimitives.ReverseEndianness(x);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void WritePair(ref byte dst, uint pair) =>
        Unsafe.WriteUnaligned(ref dst, Unsafe.ReadUnaligned<ushort>(ref Unsafe.Add(ref MemoryMarshal.GetReference(DigitPairs), (int)(2 * pair))));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int DecimalLength(ulong value)
    {
        // ⌊log10⌋ from the bit length (1233/4096 ≈ log10 2), then one correction.
        int guess = ((64 - BitOperations.LeadingZeroCount(value | 1)) * 1233) >> 12;
        return guess + (value >= PowersOf10[guess] ? 1 : 0);
    }

    private static ulong[] BuildPow5InvSplit()
    {
        var table = new ulong[2 * Pow5InvTableSize];
        for (int q = 0; q < Pow5InvTableSize; q++)
        {
            var pow = BigInteger.Pow(5, q);
            int shift = (int)pow.GetBitLength() - 1 + Pow5InvBitCount;
            Store(table, q, (BigInteger.One << shift) / pow + 1);
        }

        return table;
    }

    private static ulong[] BuildPow5Split()
    {
        var table = new ulong[2 * Pow5TableSize];
        for (int i = 0; i < Pow5TableSize; i++)
        {
            var pow = BigInteger.Pow(5, i);
            int shift = (int)pow.GetBitLength() - Pow5BitCount;
            Store(table, i, shift >= 0 ? pow >> shift : pow << -shift);
        }

        return table;
    }

    private static void Store(ulong[] table, int index, BigInteger value)
    {
        table[2 * index] = (ulong)(value & ulong.MaxValue);
        table[(2 * index) + 1] = (ulong)(value >> 64);
    }

    /// <summary>
    /// Drops the last log10(<paramref name="divisor"/>) digits of the interval (vm, vp) and of vr when a shorter
    /// number still lies inside it; <paramref name="roundUp"/> = whether the dropped digits of vr reach one half.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static bool TryDrop(ref ulong vr, ref ulong vp, ref ulong vm, ulong divisor, ref bool roundUp)
    {
        if (vp / divisor <= vm / divisor)
        {
            return false;
        }

        ulong vrDiv = vr / divisor;
        roundUp = vr - (vrDiv * divisor) >= divisor / 2;
        vr = vrDiv;
        vp /= divisor;
        vm /= divisor;
        return true;
    }
}
