using System.Globalization;
using System.Text;
using Arbitrage.Engine.Replay;
using CsCheck;

namespace Arbitrage.Engine.Tests.Replay;

/// <summary>ShortestDouble against the judge it imitates: .NET's own "R" with the invariant culture, byte for byte.</summary>
public class ShortestDoubleTests
{
    private static string DotNet(double value)
    {
        Span<byte> buffer = stackalloc byte[64];
        Assert.True(value.TryFormat(buffer, out int n, "R", CultureInfo.InvariantCulture));
        return Encoding.ASCII.GetString(buffer[..n]);
    }

    private static string Ours(double value)
    {
        Span<byte> buffer = stackalloc byte[64];
        buffer.Fill((byte)'#');
        Assert.True(ShortestDouble.TryFormat(value, buffer, out int n));
        Assert.Equal((byte)'#', buffer[n]);
        return Encoding.ASCII.GetString(buffer[..n]);
    }

    /// <summary>Cheap enough for millions of calls: no Assert unless the texts differ.</summary>
    private static void Same(double value)
    {
        Span<byte> expected = stackalloc byte[64];
        Span<byte> actual = stackalloc byte[64];
        value.TryFormat(expected, out int expectedLength, "R", CultureInfo.InvariantCulture);
        bool ok = ShortestDouble.TryFormat(value, actual, out int actualLength);
        if (!ok || !expected[..expectedLength].SequenceEqual(actual[..actualLength]) || actualLength > ShortestDouble.MaxFiniteLength)
        {
            Assert.Fail($"0x{BitConverter.DoubleToUInt64Bits(value):X16}: .NET \"{Encoding.ASCII.GetString(expected[..expectedLength])}\", " +
                        $"ours \"{Encoding.ASCII.GetString(actual[..actualLength])}\" (ok={ok})");
        }
    }

    private static void SameWithNeighbours(double value, int steps)
    {
        Same(value);
        double up = value, down = value;
        for (int i = 0; i < steps; i++)
        {
            up = Math.BitIncrement(up);
            down = Math.BitDecrement(down);
            Same(up);
            Same(down);
        }
    }

    [Theory]
    [InlineData(0.0, "0")]
    [InlineData(-0.0, "-0")]
    [InlineData(1e14, "100000000000000")]
    [InlineData(1e15, "1000000000000000")]
    [InlineData(1e16, "10000000000000000")]
    [InlineData(1e17, "1E+17")]
    [InlineData(123456789012345680.0, "1.2345678901234568E+17")]
    [InlineData(12345678901234568.0, "12345678901234568")]
    [InlineData(0.0001, "0.0001")]
    [InlineData(0.00012345678901234, "0.00012345678901234")]
    [InlineData(0.00001, "1E-05")]
    [InlineData(1.5e-5, "1.5E-05")]
    [InlineData(1e-100, "1E-100")]
    [InlineData(5e-324, "5E-324")]
    [InlineData(double.MaxValue, "1.7976931348623157E+308")]
    [InlineData(-double.MaxValue, "-1.7976931348623157E+308")]
    [InlineData(2.2250738585072014E-308, "2.2250738585072014E-308")]
    [InlineData(1e23, "1E+23")]
    [InlineData(-60.0, "-60")]
    [InlineData(-12345.0, "-12345")]
    [InlineData(83.5, "83.5")]
    [InlineData(79972.83457234121, "79972.8345723412")]
    [InlineData(41.27166870239117, "41.27166870239117")]
    [InlineData(0.4583333333333333, "0.4583333333333333")]
    [InlineData(0.1, "0.1")]
    [InlineData(0.3, "0.3")]
    [InlineData(0.1 + 0.2, "0.30000000000000004")]
    [InlineData(9007199254740992.0, "9007199254740992")]
    [InlineData(9007199254740994.0, "9007199254740994")]
    public void Known_values_print_as_dotnet_does(double value, string text)
    {
        Assert.Equal(text, DotNet(value));
        Assert.Equal(text, Ours(value));
    }

    /// <summary>
    /// .NET's "R" is not always the shortest round-trip: for 2^-25 and 2^-958 it prints 16 digits that parse back
    /// to the double below. The contract is .NET's bytes, so those must come out the same, quirk included.
    /// </summary>
    [Theory]
    [InlineData(-25, "2.980232238769531E-08")]
    [InlineData(-958, "4.104536801298376E-289")]
    public void Powers_of_two_dotnet_prints_too_short_are_copied(int power, string text)
    {
        double v = Math.ScaleB(1.0, power);
        Assert.Equal(text, DotNet(v));
        Assert.NotEqual(v, double.Parse(text, CultureInfo.InvariantCulture));
        Assert.Equal(text, Ours(v));
        Assert.Equal("-" + text, Ours(-v));
    }

    [Fact]
    public void Non_finite_values_are_dotnets()
    {
        foreach (double v in new[] { double.NaN, -double.NaN, double.PositiveInfinity, double.NegativeInfinity, BitConverter.UInt64BitsToDouble(0x7FF0_0000_0000_0001) })
        {
            Assert.Equal(DotNet(v), Ours(v));
        }
    }

    [Fact]
    public void Random_bit_patterns_all_exponents_both_signs()
    {
        // Uniform bits: every exponent (subnormals included) about 1,000 times each, both signs.
        Gen.ULong.Sample(bits => Same(BitConverter.UInt64BitsToDouble(bits)), iter: 2_000_000);
    }

    [Fact]
    public void Random_subnormals_and_the_smallest_normals()
    {
        Gen.Select(Gen.ULong[1, (1UL << 53) - 1], Gen.Bool)
            .Sample((bits, negative) => Same(BitConverter.UInt64BitsToDouble(bits | (negative ? 1UL << 63 : 0))), iter: 200_000);
    }

    /// <summary>Prices/quantities with 1–8 fraction digits as a parser produces them, and what indicators make of them.</summary>
    [Fact]
    public void Market_like_values()
    {
        var price = Gen.Select(Gen.Long[1, 20_000_000_000], Gen.Int[1, 8], Gen.Bool,
            (units, decimals, negative) => (negative ? -1 : 1) * double.Parse(
                units.ToString(CultureInfo.InvariantCulture) + "e-" + decimals.ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture));
        price.Sample(Same, iter: 200_000);

        Gen.Select(price.Array[2, 40], price.Array[2, 40]).Sample((prices, quantities) =>
        {
            double sum = 0, notional = 0, volume = 0;
            for (int i = 0; i < prices.Length; i++)
            {
                sum += prices[i];
                Same(sum);
                double q = Math.Abs(quantities[i % quantities.Length]);
                notional += Math.Abs(prices[i]) * q;
                volume += q;
                Same(notional / volume);
                Same(prices[i] / quantities[i % quantities.Length]);
                Same((double)i / prices.Length);
            }
        }, iter: 20_000);
    }

    [Fact]
    public void Integers_and_short_decimals()
    {
        for (int i = -100_000; i <= 100_000; i++)
        {
            Same(i);
            Same(i / 10.0);
            Same(i / 100.0);
            Same(i / 1000.0);
        }

        Gen.Long[-(1L << 62), 1L << 62].Sample(n => Same(n), iter: 100_000);
        Gen.Long[-(1L << 53), 1L << 53].Sample(n => SameWithNeighbours(n, 1), iter: 100_000);
    }

    /// <summary>Doubles that are exactly short decimals (83.5, 0.375): m·2^-f, around the 15/16-digit edge too.</summary>
    [Fact]
    public void Exact_binary_fractions()
    {
        Gen.Select(Gen.Long[1, 1L << 53], Gen.Int[1, 30], Gen.Bool)
            .Sample((m, f, negative) => SameWithNeighbours((negative ? -1 : 1) * Math.ScaleB(m, -f), 1), iter: 200_000);
        Gen.Select(Gen.Long[1, 1L << 20], Gen.Int[1, 22])
            .Sample((m, f) => Same(Math.ScaleB(m, -f)), iter: 200_000);
    }

    [Fact]
    public void Powers_of_ten_and_two_and_their_neighbours()
    {
        for (int e = -324; e <= 308; e++)
        {
            double p = double.Parse("1e" + e.ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture);
            SameWithNeighbours(p, 3);
            SameWithNeighbours(-p, 3);
        }

        for (int e = -1074; e <= 1023; e++)
        {
            SameWithNeighbours(Math.ScaleB(1.0, e), 3);
        }

        foreach (double v in new[] { double.Epsilon, double.MaxValue, 2.2250738585072014E-308, 2.2250738585072009E-308, 1e14, 1e15, 1e16, 1e17, 0.0001, 0.00001, 1.5e-5, 9007199254740992.0 })
        {
            SameWithNeighbours(v, 5);
            SameWithNeighbours(-v, 5);
        }
    }

    /// <summary>
    /// Short decimals at every scale and the doubles next to them: where a shorter candidate sits on (or just
    /// past) the edge of the rounding interval, where inclusive bounds and ties decide the digits.
    /// </summary>
    [Fact]
    public void Doubles_next_to_short_decimals_at_every_scale()
    {
        for (int d = 1; d < 100; d++)
        {
            for (int e = -325; e <= 308; e++)
            {
                double v = double.Parse(d.ToString(CultureInfo.InvariantCulture) + "e" + e.ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture);
                if (double.IsFinite(v))
                {
                    SameWithNeighbours(v, 2);
                }
            }
        }
    }

    [Fact]
    public void Too_short_destination_returns_false_and_claims_nothing()
    {
        var values = new[] { 0.0, -0.0, 7.0, 0.5, Math.ScaleB(1.0, -25), -Math.ScaleB(1.0, 900), -12345.0, 83.5, -79972.8345723412, 0.4583333333333333, 1e-5, -1.5e-300, double.MaxValue, double.Epsilon, 1e16, 0.0001234 };
        Span<byte> buffer = stackalloc byte[64];
        foreach (double v in values)
        {
            int needed = Ours(v).Length;
            for (int length = 0; length < needed; length++)
            {
                buffer.Fill((byte)'#');
                Assert.False(ShortestDouble.TryFormat(v, buffer[..length], out int written));
                Assert.Equal(0, written);
                Assert.False(v.TryFormat(buffer[..length], out _, "R", CultureInfo.InvariantCulture));
            }

            Assert.True(ShortestDouble.TryFormat(v, buffer[..needed], out int exact));
            Assert.Equal(needed, exact);
        }
    }

    [Fact]
    public void Utf16_overload_matches_dotnet_chars()
    {
        Gen.ULong.Sample(bits =>
        {
            Span<char> expected = stackalloc char[64];
            Span<char> actual = stackalloc char[64];
            double v = BitConverter.UInt64BitsToDouble(bits);
            Assert.True(v.TryFormat(expected, out int n, "R", CultureInfo.InvariantCulture));
            Assert.True(ShortestDouble.TryFormat(v, actual, out int m));
            Assert.Equal(expected[..n].ToString(), actual[..m].ToString());
            Assert.False(ShortestDouble.TryFormat(v, actual[..(m - 1)], out int none));
            Assert.Equal(0, none);
        }, iter: 20_000);
    }
}
