namespace Arbitrage.Node.Auth;

/// <summary><c>Auth</c>: JWT signing and lifetimes, invites, login throttling (ARB__Auth__Key in the environment).</summary>
public sealed record AuthOptions
{
    public const string Section = "Auth";

    /// <summary>HS256 signing key, at least 32 bytes (UTF-8). Environment / user secrets only; see <see cref="JwtKeyCheck"/>.</summary>
    public string? JwtKey { get; init; }

    public string Issuer { get; init; } = "arbitrage";

    public string Audience { get; init; } = "arbitrage-api";

    public int AccessTokenMinutes { get; init; } = 15;

    public int RefreshTokenDays { get; init; } = 14;

    /// <summary>Default lifetime of an invite code created by an admin.</summary>
    public int InviteHours { get; init; } = 72;

    /// <summary>While no user exists, this code registers the first admin (single use).</summary>
    public string? BootstrapInvite { get; init; }

    /// <summary>Login attempts per minute for one username from one IP address.</summary>
    public int LoginPermitsPerMinute { get; init; } = 5;

    /// <summary>Login attempts per minute from one IP address, any username.</summary>
    public int LoginPermitsPerMinutePerIp { get; init; } = 30;
}
