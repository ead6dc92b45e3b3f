using System.Security.Claims;
using HiveSync.Grains.Interfaces.Auth;
using HiveSync.Grains.Interfaces.Platform;
using HiveSync.Grains.Interfaces.Limits;
using HiveSync.WebApi.Platform;
using HiveSync.WebApi.Platform.RateLimiting;
using HiveSync.WebApi.Platform.Auth;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;

namespace HiveSync.WebApi.Auth;

/// <summary><c>/api/v1/auth</c>: accounts, sign-in, token refresh and device sessions.</summary>
public static class AuthApi
{
    public static IEndpointRouteBuilder MapAuthApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/auth").WithTags("Auth").RequireRateLimit(RateLimitGroups.Auth);

        api.MapPost("/register", Register).AllowAnonymous().WithNoStore().Describe("register", "Create an account and sign in").ProducesErrors(400, 409, 413, 415);
        api.MapPost("/login", Login).AllowAnonymous().WithNoStore().Describe("login", "Sign in with email and password").ProducesErrors(400, 401, 413, 415);
        api.MapPost("/refresh", Refresh).AllowAnonymous().WithNoStore().Describe("refreshToken", "Rotate a refresh token for a new access token").ProducesErrors(400, 401, 413, 415);
        api.MapPost("/logout", Logout).RequireAuthorization().Describe("logout", "End the caller's session").ProducesErrors(401);
        api.MapGet("/me", Me).RequireAuthorization().Describe("getAuthMe", "The signed-in user").ProducesErrors(401);
        api.MapGet("/sessions", ListSessions).RequireAuthorization().Describe("listSessions", "The caller's live sessions").ProducesErrors(400, 401);
        api.MapDelete("/sessions/{session_id}", DeleteSession).RequireAuthorization().Describe("deleteSession", "End one of the caller's sessions").ProducesErrors(401, 404);
        api.MapPost("/session-token", CreateSessionToken).RequireAuthorization().WithNoStore().Describe("createSessionToken", "A one-time login link for the web frontend").ProducesErrors(401, 403);
        api.MapPost("/session-exchange", ExchangeSessionToken).AllowAnonymous().WithNoStore().Describe("exchangeSessionToken", "Redeem a login link for a cookie session").ProducesErrors(400, 410, 413, 415);

        return app;
    }

    public static async Task<Created<DataEnvelope<TokenResponse>>> Register(RegisterRequest request, HttpContext http, [AsParameters] AuthServices services)
    {
        var session = await services.Accounts.Register(new Registration(request.Email, request.Password, request.DisplayName), DeviceInfoOf.Request(http, request.DeviceName));
        return TypedResults.Created("/api/v1/auth/me", new DataEnvelope<TokenResponse>(services.TokenResponse(session)));
    }

    public static async Task<Ok<DataEnvelope<TokenResponse>>> Login(LoginRequest request, HttpContext http, [AsParameters] AuthServices services)
    {
        var session = await services.Accounts.SignIn(request.Email ?? "", request.Password ?? "", DeviceInfoOf.Request(http, request.DeviceName));
        return TypedResults.Ok(new DataEnvelope<TokenResponse>(services.TokenResponse(session)));
    }

    public static async Task<Ok<DataEnvelope<TokenResponse>>> Refresh(RefreshRequest request, HttpContext http, [AsParameters] AuthServices services)
    {
        var session = await services.Accounts.Refresh(request.RefreshToken ?? "", DeviceInfoOf.Request(http));
        return TypedResults.Ok(new DataEnvelope<TokenResponse>(services.TokenResponse(session)));
    }

    public static async Task<NoContent> Logout(ClaimsPrincipal user, HttpContext http, [AsParameters] AuthServices services)
    {
        await services.User(user).EndSession(user.SessionId(), SessionEndReason.Logout, DeviceInfoOf.Request(http));
        SessionCookies.DeleteIfCookieSession(http);
        return TypedResults.NoContent();
    }

    public static Ok<DataEnvelope<UserResponse>> Me(HttpContext http) =>
        TypedResults.Ok(new DataEnvelope<UserResponse>(UserResponse.From(http.CallerAccount())));

    public static async Task<Ok<PageEnvelope<SessionResponse>>> ListSessions(ClaimsPrincipal user, [AsParameters] PageQuery query, HttpContext http, [AsParameters] AuthServices services)
    {
        var page = query.Validate(http);
        var current = user.SessionId();
        var sessions = await services.User(user).ListSessions();
        return TypedResults.Ok(sessions
            .Select(s => new SessionResponse(s.Id, s.Id == current, s.DeviceName, s.UserAgent, s.IpAddress, s.CreatedAt, s.LastSeenAt, s.ExpiresAt))
            .ToList()
            .ToPage(page));
    }

    public static async Task<NoContent> DeleteSession([FromRoute(Name = "session_id")] string sessionId, ClaimsPrincipal user, HttpContext http, [AsParameters] AuthServices services)
    {
        if (!Guid.TryParse(sessionId, out var id))
        {
            throw new DomainException(ErrorCodes.SessionNotFound, "No live session with this id.");
        }

        await services.User(user).EndSession(id, SessionEndReason.Revoked, DeviceInfoOf.Request(http));
        return TypedResults.NoContent();
    }

    /// <summary>A one-time login link for the web frontend (the spec's shape: <c>{ "url" }</c>, not wrapped).</summary>
    public static async Task<Ok<SessionTokenResponse>> CreateSessionToken(ClaimsPrincipal user, HttpContext http, [AsParameters] SessionTokenServices services)
    {
        var issued = await services.TokenExchange.Issue(user.UserId(), user.SessionId(), DeviceInfoOf.Request(http));
        return TypedResults.Ok(new SessionTokenResponse(services.LoginUrl(issued.Token)));
    }

    /// <summary>Redeems a login link once: a cookie session and its CSRF cookie, and the user (the spec's shape).</summary>
    public static async Task<Ok<SessionExchangeResponse>> ExchangeSessionToken(SessionExchangeRequest request, HttpContext http, [AsParameters] SessionTokenServices services)
    {
        var session = await services.TokenExchange.Exchange(request.Token ?? "", DeviceInfoOf.Request(http));
        services.Cookies.Append(http, session);
        return TypedResults.Ok(new SessionExchangeResponse("success", UserResponse.From(session.User)));
    }
}

public sealed record AuthServices(IGrainFactory Grains, AccessTokens Tokens)
{
    public IAccountsGrain Accounts => Grains.GetGrain<IAccountsGrain>(0);

    public IUserGrain User(ClaimsPrincipal principal) => Grains.GetGrain<IUserGrain>(principal.UserId());

    public TokenResponse TokenResponse(IssuedSession session)
    {
        var access = Tokens.Issue(session);
        return new TokenResponse(
            access.Token,
            TokenTypes.Bearer,
            access.ExpiresInSeconds,
            access.ExpiresAt,
            session.RefreshToken,
            session.RefreshTokenExpiresAt,
            session.SessionId,
            UserResponse.From(session.User));
    }
}
