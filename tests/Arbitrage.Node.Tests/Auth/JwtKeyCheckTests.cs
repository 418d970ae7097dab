using Arbitrage.Node.Auth;

namespace Arbitrage.Node.Tests.Auth;

public sealed class JwtKeyCheckTests
{
    private const string Random48 = "q3Z9vK1xT7mB2nR8wL4yH6jD0fS5aG3cE9uP1iO7kM2tV8bN";

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("   ")]
    public void A_missing_key_is_refused_outside_development_and_tolerated_in_it(string? key)
    {
        Assert.Contains("ARB__Auth__JwtKey", JwtKeyCheck.Validate(key, isDevelopment: false));
        Assert.Null(JwtKeyCheck.Validate(key, isDevelopment: true));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    public void A_cluster_node_needs_an_explicit_key_even_in_development(string? key)
    {
        var error = JwtKeyCheck.Validate(key, isDevelopment: true, clustered: true);
        Assert.Contains("ARB__Auth__JwtKey", error);
        Assert.Contains("Cluster:Seeds", error);
        Assert.Null(JwtKeyCheck.Validate(Random48, isDevelopment: true, clustered: true));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void A_key_shorter_than_32_bytes_is_refused_everywhere(bool development)
    {
        var error = JwtKeyCheck.Validate("q3Z9vK1xT7mB2nR8wL4yH6jD0fS5aG3", development);
        Assert.Contains("too short", error);
    }

    [Theory]
    [InlineData("change-me-change-me-change-me-change-me")]
    [InlineData("your-256-bit-secret-your-256-bit-secret")]
    [InlineData("MySuperSecretKeyThatIsLongEnough1234567")]
    [InlineData("replace-with-a-real-key-before-production")]
    [InlineData("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa")]
    [InlineData("abababababababababababababababababababab")]
    public void Default_placeholder_or_low_entropy_keys_are_refused_outside_development(string key)
    {
        Assert.NotNull(JwtKeyCheck.Validate(key, isDevelopment: false));
        Assert.Null(JwtKeyCheck.Validate(key, isDevelopment: true));
    }

    [Fact]
    public void A_random_key_passes()
    {
        Assert.Null(JwtKeyCheck.Validate(Random48, isDevelopment: false));
        Assert.Null(JwtKeyCheck.Validate(Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32)), isDevelopment: false));
    }

    [Fact]
    public void The_message_never_echoes_the_key()
    {
        const string Key = "change-me-change-me-change-me-change-me";
        Assert.DoesNotContain(Key, JwtKeyCheck.Validate(Key, isDevelopment: false)!);
    }
}
