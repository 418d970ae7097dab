using Arbitrage.Node.Api.Live;

namespace Arbitrage.Node.Tests.Live;

public sealed class LiveTopicsTests
{
    [Theory]
    [InlineData("BTCUSDT", true)]
    [InlineData("BTCUSD_PERP", true)] // COIN-M perpetuals carry an underscore (the cluster test streams one)
    [InlineData("BTCUSDT_250328", true)]
    [InlineData("btcusdt", false)]
    [InlineData("B", false)]
    [InlineData("BTC-USDT", false)]
    [InlineData("ABCDEFGHIJKLMNOPQRSTUVWXYZ012345", false)]
    public void A_stream_symbol_filter_accepts_the_exchanges_symbol_names(string symbol, bool valid) =>
        Assert.Equal(valid, LiveTopics.IsValidSymbol(symbol));
}
