using System.Security.Cryptography;
using System.Text;
using Arbitrage.Node.Auth;

namespace Arbitrage.Node.Dashboard;

/// <summary>
/// The browser session: the access token in <see cref="Session"/> (HttpOnly, sent with every same-site request, read by
/// the API's bearer handler when no Authorization header is present), the refresh token in <see cref="Refresh"/>
/// (HttpOnly, only sent to <c>/ui/session</c>), and a signed CSRF token in <see cref="Csrf"/> that the page echoes in
/// <see cref="CsrfHeader"/> (signed double submit). All SameSite=Strict, Secure when the request came over HTTPS.
/// No token ever reaches script-readable storage: the page only reads the CSRF token.
/// </summary>
public sealed class DashboardCookies
{
    public const string Session = "arb_session";
    public const string Refresh = "arb_refresh";
    public const string Csrf = "arb_csrf";
    public const string CsrfHeader = "X-CSRF-Token";
    public const string SessionPath = "/ui/session";

    private readonly byte[] _csrfKey;

    public DashboardCookies(AuthOptions options)
    {
        // Bound to the JWT key so every node of a cluster accepts the others' CSRF tokens; a development node without a key gets a random one.
        _csrfKey = string.IsNullOrWhiteSpace(options.JwtKey)
            ? RandomNumberGenerator.GetBytes(32)
            : SHA256.HashData(Encoding.UTF8.GetBytes("arbitrage-dashboard-csrf|" + options.JwtKey));
    }

    /// <summary>Sets the three cookies after a login or refresh.</summary>
    public void Issue(HttpContext http, AuthEndpoints.TokenResponse tokens)
    {
        var secure = http.Request.IsHttps;
        var responseCookies = http.Response.Cookies;
        responseCookies.Append(Session, tokens.AccessToken, Options(secure, httpOnly: true, "/", tokens.ExpiresAt));
        responseCookies.Append(Refresh, tokens.RefreshToken, Options(secure, httpOnly: true, SessionPath, tokens.RefreshExpiresAt));
        responseCookies.Append(Csrf, NewCsrfToken(), Options(secure, httpOnly: false, "/", tokens.RefreshExpiresAt));
    }

    public void Clear(HttpContext http)
    {
        var secure = http.Request.IsHttps;
        var expired = DateTimeOffset.UnixEpoch;
        http.Response.Cookies.Append(Session, string.Empty, Options(secure, true, "/", expired));
        http.Response.Cookies.Append(Refresh, string.Empty, Options(secure, true, SessionPath, expired));
        http.Response.Cookies.Append(Csrf, string.Empty, Options(secure, false, "/", expired));
    }

    /// <summary>True when the header equals the cookie and the cookie carries our signature.</summary>
    public bool CsrfValid(HttpRequest request)
    {
        var cookie = request.Cookies[Csrf];
        var header = request.Headers[CsrfHeader].ToString();
        if (string.IsNullOrEmpty(cookie) || string.IsNullOrEmpty(header) || cookie.Length > 200
            || !CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(cookie), Encoding.ASCII.GetBytes(header)))
        {
            return false;
        }

        var dot = cookie.IndexOf('.', StringComparison.Ordinal);
        return dot > 0 && CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(Sign(cookie[..dot])), Encoding.ASCII.GetBytes(cookie[(dot + 1)..]));
    }

    private string NewCsrfToken()
    {
        var nonce = Base64Url(RandomNumberGenerator.GetBytes(24));
        return nonce + "." + Sign(nonce);
    }

    private string Sign(string nonce) => Base64Url(HMACSHA256.HashData(_csrfKey, Encoding.ASCII.GetBytes(nonce)));

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    private static CookieOptions Options(bool secure, bool httpOnly, string path, DateTimeOffset expires) => new()
    {
        HttpOnly = httpOnly,
        Secure = secure,
        SameSite = SameSiteMode.Strict,
        Path = path,
        Expires = expires,
        IsEssential = true,
    };
}
