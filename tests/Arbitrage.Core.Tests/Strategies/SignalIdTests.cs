using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using Arbitrage.Core.Strategies;
using CsCheck;

namespace Arbitrage.Core.Tests.Strategies;

public sealed partial class SignalIdTests
{
    [GeneratedRegex(@"^[\.A-Z\:/a-z0-9_-]{1,36}$")]
    private static partial Regex BinanceClientOrderId();

    private static string Sha(string text, int digits) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)))[..digits];

    [Fact]
    public void Readable_form_when_it_fits()
    {
        Assert.Equal("v51-BTCUSDT-L-1715126400000", SignalId.Create("v51", "BTCUSDT", SignalDirection.Long, 1_715_126_400_000));
        Assert.Equal("v52-ETHUSDT-S-1715126415000", SignalId.Create("v52", "ETHUSDT", SignalDirection.Short, 1_715_126_415_000));
    }

    [Fact]
    public void Long_prefix_is_hashed_to_8_hex_digits()
    {
        var id = SignalId.Create("v51_baseline", "BTCUSDT", SignalDirection.Long, 1_715_126_400_000);
        Assert.Equal($"{Sha("v51_baseline", 8)}-BTCUSDT-L-1715126400000", id);
        Assert.Equal(32, id.Length);
    }

    [Fact]
    public void Long_symbol_hashes_prefix_and_symbol_together()
    {
        // Readable: 3 + 1 + 20 + 17 = 41 > 34; hashed prefix: 8 + 1 + 20 + 17 = 46 > 34.
        var id = SignalId.Create("v51", "ABCDEFGHIJKLMNOPUSDT", SignalDirection.Short, 1_715_126_400_000);
        Assert.Equal($"{Sha("v51|ABCDEFGHIJKLMNOPUSDT", 16)}-S-1715126400000", id);
        Assert.Equal("v51-1000SHIBUSDT-S-1715126400000", SignalId.Create("v51", "1000SHIBUSDT", SignalDirection.Short, 1_715_126_400_000));
    }

    [Fact]
    public void Strategy_overload_uses_the_tag_else_the_id()
    {
        var tagged = StrategyFixtures.Load(StrategyFixtures.ValidJson);
        Assert.Equal("t1-BTCUSDT-L-1715126400000", SignalId.Create(tagged, "BTCUSDT", SignalDirection.Long, 1_715_126_400_000));
        var untagged = StrategyFixtures.Load(StrategyFixtures.Mutate(r => r.Remove("tag")));
        // "test_strategy-BTCUSDT-L-1715126400000" would be 37 characters.
        Assert.Equal($"{Sha("test_strategy", 8)}-BTCUSDT-L-1715126400000",
            SignalId.Create(untagged, "BTCUSDT", SignalDirection.Long, 1_715_126_400_000));
    }

    [Fact]
    public void No_direction_has_no_id() =>
        Assert.Throws<ArgumentException>(() => SignalId.Create("v51", "BTCUSDT", SignalDirection.None, 0));

    private static readonly Gen<string> Prefix = Gen.Char["abcdefghijklmnopqrstuvwxyz0123456789_"].Array[1, 64].Select(c => new string(c));
    private static readonly Gen<string> Symbol = Gen.Char["ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_"].Array[2, 30].Select(c => new string(c));

    [Fact]
    public void Every_id_plus_a_2_char_leg_suffix_is_a_valid_client_order_id_and_deterministic() =>
        Gen.Select(Prefix, Symbol, Gen.Bool, Gen.Long[0, 9_999_999_999_999]).Sample((prefix, symbol, isLong, t) =>
        {
            var direction = isLong ? SignalDirection.Long : SignalDirection.Short;
            var id = SignalId.Create(prefix, symbol, direction, t);
            Assert.True(id.Length <= SignalId.MaxLength, id);
            Assert.Matches(BinanceClientOrderId(), id + "-1");
            Assert.Equal(id, SignalId.Create(prefix, symbol, direction, t));
            Assert.NotEqual(id, SignalId.Create(prefix, symbol, isLong ? SignalDirection.Short : SignalDirection.Long, t));
            Assert.NotEqual(id, SignalId.Create(prefix, symbol, direction, t + 15_000));
        });
}
