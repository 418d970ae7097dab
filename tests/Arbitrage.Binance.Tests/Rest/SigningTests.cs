using Arbitrage.Binance.Signing;

namespace Arbitrage.Binance.Tests.Rest;

public class SigningTests
{
    private const string Secret = "2b5eb11e18796d12d88f13dc27dbbd02c2cc51ff7059765ed9821957d82bb4d9";

    [Fact]
    public void Official_test_vector()
    {
        var signer = new BinanceSigner(Secret);
        var sig = signer.Sign("symbol=BTCUSDT&side=BUY&type=LIMIT&quantity=1&price=9000&timeInForce=GTC&recvWindow=5000&timestamp=1591702613943");
        Assert.Equal("3c661234138461fcc7a7d8746c6558c9842d4e10870d2ecbedf7777cad694af9", sig);
    }

    [Fact]
    public void Query_and_body_are_signed_as_one_string()
    {
        var signer = new BinanceSigner(Secret);
        Assert.Equal(
            signer.Sign("symbol=BTCUSDT&side=BUY&type=LIMIT&quantity=1&price=9000&timeInForce=GTC&recvWindow=5000&timestamp=1591702613943"),
            signer.Sign("symbol=BTCUSDT&side=BUY&type=LIMIT", "&quantity=1&price=9000&timeInForce=GTC&recvWindow=5000&timestamp=1591702613943"));
        Assert.True(signer.Verify("a=1", "", signer.Sign("a=1").ToUpperInvariant()));
        Assert.False(signer.Verify("a=2", "", signer.Sign("a=1")));
    }

    [Fact]
    public void Credentials_never_print_the_secret()
    {
        var c = new BinanceCredentials("abcdefKEY", Secret);
        var text = c + " " + c.Signer + $" {c}";
        Assert.DoesNotContain(Secret, text);
        Assert.DoesNotContain("abcdefKEY", text);
        Assert.Contains("***", text);
    }

    [Fact]
    public void Server_clock_applies_the_measured_offset()
    {
        var time = new ManualTimeProvider(DateTimeOffset.FromUnixTimeMilliseconds(1_000_000));
        var clock = new ServerClock(time);
        // Sent at 1 000 000, answered at 1 000 100, server said 1 002 050: offset = 2050 - 50.
        clock.Observe(1_002_050, 1_000_000, 1_000_100);
        Assert.Equal(2_000, clock.OffsetMs);
        Assert.Equal(1_002_000, clock.NowMs);
        time.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(1_003_000, clock.NowMs);
    }
}
