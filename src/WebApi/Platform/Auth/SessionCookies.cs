using System.Security.Cryptography;
using System.Text;
using HiveSync.Grains.Interfaces.Auth;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace HiveSync.WebApi.Platform.Auth;

/// <summary>
/// The web frontend's cookie session: an HttpOnly cookie with a signed JWT (like an access token, but living as
/// long as the session and with its own audience, so neither works in the other's place) and a readable CSRF
/// cookie for the double-submit check. The session itself is still checked with the user's grain on every request.
/// </summary>
public sealed class SessionCookies(IOptions<AuthOptions> options, IHostEnvironment environment, TimeProvider clock)
{
    public const string CsrfHeader = "X-CSRF-Token";

    /// <summary>
    /// The browser only accepts a <c>__Host-</c> cookie that is Secure, has <c>Path=/</c> and no <c>Domain</c>, and then
    /// no sibling subdomain can set or shadow it: the prefix is used whenever those hold (no cookie domain configured).
    /// </summary>
    private const string HostPrefix = "__Host-";

    private readonly JsonWebTokenHandler _handler = new();
    private SignedTokenValidation? _validation;
    private byte[]? _csrfKey;

    /// <summary>Secure unless configured off (tests over plain http) or running in Development.</summary>
    public bool Secure => options.Value.CookieSecure ?? !environment.IsDevelopment();

    public string SessionCookie => Prefix + "hivesync_session";

    public string CsrfCookie => Prefix + "hivesync_csrf";

    private string Prefix => Secure && string.IsNullOrEmpty(options.Value.CookieDomain) ? HostPrefix : "";

    private string Audience => options.Value.Audience + "#session-cookie";

    /// <summary>Signs the session in: both cookies, for as long as the session lives.</summary>
    public void Append(HttpContext http, IssuedCookieSession session)
    {
        var maxAge = session.ExpiresAt - clock.GetUtcNow();
        http.Response.Cookies.Append(SessionCookie, MintSessionToken(session), CookieOptions(httpOnly: true, maxAge));
        http.Response.Cookies.Append(CsrfCookie, CsrfTokenFor(session.SessionId, RandomPart()), CookieOptions(httpOnly: false, maxAge));
    }

    public void Delete(HttpContext http)
    {
        http.Response.Cookies.Delete(SessionCookie, CookieOptions(httpOnly: true, maxAge: null));
        http.Response.Cookies.Delete(CsrfCookie, CookieOptions(httpOnly: false, maxAge: null));
    }

    /// <summary>Clears the cookies when the caller is signed in by them (logout); bearer callers get no Set-Cookie.</summary>
    public static void DeleteIfCookieSession(HttpContext http)
    {
        if (http.User.IsCookieSession())
        {
            http.RequestServices.GetService<SessionCookies>()?.Delete(http);
        }
    }

    /// <summary>How session cookies are checked.</summary>
    public SignedTokenValidation Validation => _validation ??= new SignedTokenValidation(options.Value, Audience, CookieSessionAuthentication.CookieScheme);

    /// <summary>
    /// Double submit: the header equals the CSRF cookie, and that cookie is one this API made for this session
    /// (an HMAC over the session id), so a cookie planted by a sibling subdomain does not pass either.
    /// </summary>
    public bool CsrfTokenMatches(HttpContext http, Guid sessionId)
    {
        var header = http.Request.Headers[CsrfHeader];
        var cookie = http.Request.Cookies[CsrfCookie];
        if (header.Count != 1 || string.IsNullOrEmpty(header[0]) || string.IsNullOrEmpty(cookie))
        {
            return false;
        }

        var dot = cookie.IndexOf('.', StringComparison.Ordinal);
        var expected = dot > 0 ? CsrfTokenFor(sessionId, cookie[..dot]) : "";
        return FixedTimeEquals(header[0]!, cookie) & FixedTimeEquals(expected, cookie);
    }

    private string MintSessionToken(IssuedCookieSession session)
    {
        var now = clock.GetUtcNow();
        return _handler.CreateToken(new SecurityTokenDescriptor
        {
            Issuer = options.Value.Issuer,
            Audience = Audience,
            IssuedAt = now.UtcDateTime,
            NotBefore = now.UtcDateTime,
            Expires = session.ExpiresAt.UtcDateTime,
            Claims = new Dictionary<string, object>
            {
                [AccessTokens.SubjectClaim] = session.User.Id.ToString(System.Globalization.CultureInfo.InvariantCulture),
                [AccessTokens.SessionClaim] = session.SessionId.ToString(),
                [JwtRegisteredClaimNames.Jti] = Guid.NewGuid().ToString("N"),
            },
            SigningCredentials = new SigningCredentials(AccessTokens.SigningKey(options.Value), SecurityAlgorithms.HmacSha256),
        });
    }

    private string CsrfTokenFor(Guid sessionId, string randomPart)
    {
        // Its own key, derived from the signing key, so a CSRF token is never a signature of anything else.
        _csrfKey ??= options.Value.DerivedKey("hivesync:csrf:v1"u8);
        var mac = HMACSHA256.HashData(_csrfKey, Encoding.UTF8.GetBytes(sessionId.ToString("N") + "." + randomPart));
        return randomPart + "." + System.Buffers.Text.Base64Url.EncodeToString(mac);
    }

    private static string RandomPart() => System.Buffers.Text.Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(32));

    private static bool FixedTimeEquals(string a, string b) =>
        CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(a), Encoding.UTF8.GetBytes(b));

    private CookieOptions CookieOptions(bool httpOnly, TimeSpan? maxAge) => new()
    {
        HttpOnly = httpOnly,
        Secure = Secure,
        SameSite = SameSiteMode.Lax,
        Path = "/",
        Domain = string.IsNullOrEmpty(options.Value.CookieDomain) ? null : options.Value.CookieDomain,
        MaxAge = maxAge,
        IsEssential = true,
    };
}
