using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Arbitrage.Node.Auth;

/// <summary>Issues HS256 access tokens and holds the matching validation parameters (one key, one place).</summary>
public sealed class AccessTokens
{
    private readonly AuthOptions _options;
    private readonly TimeProvider _clock;
    private readonly SigningCredentials _credentials;
    private readonly JsonWebTokenHandler _handler = new();

    public AccessTokens(AuthOptions options, SymmetricSecurityKey key, TimeProvider clock)
    {
        _options = options;
        _clock = clock;
        _credentials = new SigningCredentials(key, SecurityAlgorithms.HmacSha256);
        Validation = new TokenValidationParameters
        {
            ValidateIssuer = true,
            ValidIssuer = options.Issuer,
            ValidateAudience = true,
            ValidAudience = options.Audience,
            ValidateLifetime = true,
            RequireExpirationTime = true,
            ValidateIssuerSigningKey = true,
            IssuerSigningKey = key,
            ValidAlgorithms = [SecurityAlgorithms.HmacSha256],
            ClockSkew = TimeSpan.FromSeconds(30),
            NameClaimType = AuthClaims.Name,
            RoleClaimType = AuthClaims.Role,
        };
    }

    public TokenValidationParameters Validation { get; }

    public TimeSpan Lifetime => TimeSpan.FromMinutes(_options.AccessTokenMinutes);

    /// <param name="familyId">The refresh-token family (login session) the token belongs to: <see cref="AuthClaims.Family"/>.</param>
    public (string Token, DateTimeOffset ExpiresAt) Issue(AuthUser user, string familyId)
    {
        var now = _clock.GetUtcNow();
        var expires = now + Lifetime;
        var token = _handler.CreateToken(new SecurityTokenDescriptor
        {
            Issuer = _options.Issuer,
            Audience = _options.Audience,
            IssuedAt = now.UtcDateTime,
            NotBefore = now.UtcDateTime,
            Expires = expires.UtcDateTime,
            SigningCredentials = _credentials,
            Claims = new Dictionary<string, object>
            {
                [AuthClaims.Subject] = user.Id,
                [AuthClaims.Name] = user.Username,
                [AuthClaims.Role] = user.Role,
                [AuthClaims.Family] = familyId,
                ["jti"] = Guid.NewGuid().ToString("N"),
            },
        });
        return (token, expires);
    }
}
