using Arbitrage.Binance.Rest.Models;
using Arbitrage.Binance.Tapes;

namespace Arbitrage.Binance.Tests.Tapes;

public class SpotSymbolNamesTests
{
    [Theory]
    [InlineData("BTCUSDT", "BTC/USDT")]
    [InlineData("ETHBTC", "ETH/BTC")]
    [InlineData("BNBETH", "BNB/ETH")]
    [InlineData("BTCFDUSD", "BTC/FDUSD")]
    [InlineData("ETHUSDC", "ETH/USDC")]
    [InlineData("BTCTUSD", "BTC/TUSD")]
    [InlineData("BTCTRY", "BTC/TRY")]
    [InlineData("1000SATSUSDT", "1000SATS/USDT")]
    public void The_rule_takes_the_longest_known_quote_asset(string symbol, string expected) =>
        Assert.Equal(expected, SpotSymbolNames.Rule.ToPair(symbol));

    [Theory]
    [InlineData("FOOBAR")]
    [InlineData("USDT")]
    [InlineData("BTC")]
    public void The_rule_refuses_a_symbol_it_cannot_split_naming_it(string symbol)
    {
        Assert.False(SpotSymbolNames.Rule.TryToPair(symbol, out _, out var error));
        Assert.Contains($"symbol {symbol}", error, StringComparison.Ordinal);
        Assert.Contains("exchangeInfo", error, StringComparison.Ordinal);
        var thrown = Assert.Throws<ArgumentException>(() => SpotSymbolNames.Rule.ToPair(symbol));
        Assert.StartsWith(error, thrown.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Exchange_info_names_are_exact_and_only_its_symbols_are_known()
    {
        var info = new SpotExchangeInfo(0, null,
        [
            new SpotPair("ETHBTC", "ETH", "BTC", SpotPairStatus.Trading, SpotPairFilters.None),
            // A pair the rule would split otherwise (a base that ends like a quote): exchangeInfo decides.
            new SpotPair("USDTTRY", "USDT", "TRY", SpotPairStatus.Trading, SpotPairFilters.None),
        ]);
        var names = SpotSymbolNames.FromExchangeInfo(info);
        Assert.True(names.IsExact);
        Assert.Equal("ETH/BTC", names.ToPair("ETHBTC"));
        Assert.Equal("USDT/TRY", names.ToPair("USDTTRY"));
        Assert.False(names.TryToPair("BTCUSDT", out _, out var error));
        Assert.Equal("symbol BTCUSDT is not in the venue's exchangeInfo", error);
    }
}
