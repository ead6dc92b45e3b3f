using HiveSync.Grains.Interfaces.Auth;
using HiveSync.WebApi.Platform.Auth;
using Microsoft.Extensions.Options;

namespace HiveSync.WebApi.Auth;

public sealed record SessionTokenResponse(string Url);

public sealed record SessionExchangeRequest(string Token);

/// <summary>The spec's exact answer: <c>{ "status": "success", "user": { ... } }</c>.</summary>
public sealed record SessionExchangeResponse(string Status, UserResponse User);

public sealed record SessionTokenServices(IGrainFactory Grains, SessionCookies Cookies, IOptions<AuthOptions> Options)
{
    public ISessionTokenExchangeGrain TokenExchange => Grains.GetGrain<ISessionTokenExchangeGrain>(0);

    /// <summary>The web frontend's page that exchanges the token (base64url, so it needs no escaping).</summary>
    public string LoginUrl(string token) => $"{Options.Value.WebBaseUrl.TrimEnd('/')}/login/session/{token}";
}
