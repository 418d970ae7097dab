using System.Globalization;
using System.Text;
using Arbitrage.Binance.Protocol;
using CsCheck;

namespace Arbitrage.Binance.Tests.Protocol;

public class Utf8NumberTests
{
    [Theory]
    [InlineData("29150.10000")]
    [InlineData("0.00000000")]
    [InlineData("-0.00016125")]
    [InlineData("61837.63000000")]
    [InlineData("7")]
    [InlineData("1234567890123456789")]
    [InlineData("12345678901234567890.123")] // > 19 digits: BCL fallback
    public void Decimal_matches_decimal_Parse_with_scale(string text)
    {
        Assert.True(Utf8Number.TryParseDecimal(Encoding.ASCII.GetBytes(text), out decimal d));
        decimal expected = decimal.Parse(text, CultureInfo.InvariantCulture);
        Assert.Equal(expected, d);
        Assert.Equal(expected.ToString(CultureInfo.InvariantCulture), d.ToString(CultureInfo.InvariantCulture));
    }

    [Theory]
    [InlineData("")]
    [InlineData("-")]
    [InlineData("1.2.3")]
    [InlineData("12a")]
    [InlineData(".")]
    public void Garbage_is_rejected(string text)
    {
        Assert.False(Utf8Number.TryParseDecimal(Encoding.ASCII.GetBytes(text), out _));
        Assert.False(Utf8Number.TryParseDouble(Encoding.ASCII.GetBytes(text), out _));
    }

    [Fact]
    public void Double_is_correctly_rounded_like_double_Parse()
    {
        Gen.Select(Gen.Long[0, 999_999_999_999_999_999], Gen.Int[0, 18], Gen.Bool).Sample((m, scale, neg) =>
        {
            string digits = m.ToString(CultureInfo.InvariantCulture).PadLeft(scale + 1, '0');
            string text = (neg ? "-" : "") + (scale == 0 ? digits : digits[..^scale] + "." + digits[^scale..]);
            Assert.True(Utf8Number.TryParseDouble(Encoding.ASCII.GetBytes(text), out double d), text);
            Assert.Equal(double.Parse(text, CultureInfo.InvariantCulture), d);
            Assert.True(Utf8Number.TryParseDecimal(Encoding.ASCII.GetBytes(text), out decimal dec), text);
            Assert.Equal(decimal.Parse(text, CultureInfo.InvariantCulture), dec);
        }, iter: 20_000);
    }

    [Theory]
    [InlineData("9223372036854775807", true, long.MaxValue)]
    [InlineData("-9223372036854775808", true, long.MinValue)]
    [InlineData("9223372036854775808", false, 0)]
    [InlineData("5123107852948", true, 5123107852948)]
    [InlineData("1.5", false, 0)]
    public void Int64(string text, bool ok, long expected)
    {
        Assert.Equal(ok, Utf8Number.TryParseInt64(Encoding.ASCII.GetBytes(text), out long v));
        Assert.Equal(expected, v);
    }
}
