using System.Globalization;
using System.Net;
using System.Text.Json.Nodes;
using Dapper;
using HiveSync.Grains.Interfaces.Auth;
using HiveSync.Tests.Platform;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace HiveSync.Tests.Auth;

/// <summary>One row of <c>audit_log</c>, as the tests read it back.</summary>
public sealed record AuditRow(
    long Id,
    string Action,
    long? ActorUserId,
    string? SubjectType,
    string? SubjectId,
    string? IpAddress,
    string? UserAgent,
    string? RequestId,
    string Details);

/// <summary>The columns of <c>users</c> the tests check after a request.</summary>
public sealed record UserDbRow(
    long Id,
    string Email,
    string? DisplayName,
    string? AvatarUrl,
    string Preferences,
    string Role,
    bool EmailVerified,
    DateTime UpdatedAt);

/// <summary>The columns of <c>device_sessions</c> the tests check after a request.</summary>
public sealed record SessionDbRow(Guid Id, long UserId, string? DeviceName, string? UserAgent, DateTime? RevokedAt, string? RevokeReason);

/// <summary>Requests and database look-ups shared by the auth and profile tests.</summary>
public static class AuthTestKit
{
    public const string Password = ApiCalls.Password;

    /// <summary>A refresh token with its last part (the MAC, or a hashed token's secret) replaced: the same session named, never issued.</summary>
    public static string WithForgedSecret(string refreshToken) => refreshToken[..refreshToken.LastIndexOf('.')] + "." + new string('A', 43);

    public static readonly string[] UserObjectKeys = ["id", "email", "tier", "subscription_status", "subscription_id", "renews_at", "ends_at"];

    public static readonly string[] TokenResponseKeys =
        ["access_token", "token_type", "expires_in", "access_token_expires_at", "refresh_token", "refresh_token_expires_at", "session_id", "user"];

    public static string NewEmail(string prefix = "user") => $"{prefix}-{Guid.NewGuid():N}@example.com";

    public static string NewRequestId() => "req-" + Guid.NewGuid().ToString("N");

    /// <summary>Shorthand for the most common <see cref="TestRequest"/>: a JSON body, a bearer token, a request id, a user agent.</summary>
    public static Task<HttpResponseMessage> SendAsync(
        this TestSilo silo,
        HttpMethod method,
        string path,
        string? json = null,
        string? token = null,
        string? requestId = null,
        string? userAgent = null) =>
        silo.SendAsync(new TestRequest(method, path) { Body = json, Bearer = token, RequestId = requestId, UserAgent = userAgent });

    public static Task<HttpResponseMessage> GetAsync(this TestSilo silo, string path, string? token) =>
        silo.SendAsync(HttpMethod.Get, path, token: token);

    public static Task<HttpResponseMessage> LoginResponseAsync(this TestSilo silo, string email, string password, string? deviceName = null, string? userAgent = null, string? requestId = null) =>
        silo.SendAsync(HttpMethod.Post, "/api/v1/auth/login", Json(new JsonObject { ["email"] = email, ["password"] = password, ["device_name"] = deviceName }), requestId: requestId, userAgent: userAgent);

    /// <summary>Signs in (asserting 200) and returns the answer's <c>data</c>.</summary>
    public static async Task<SignedIn> LoginAsync(this TestSilo silo, string email, string password = Password, string? deviceName = null, string? userAgent = null)
    {
        using var response = await silo.LoginResponseAsync(email, password, deviceName, userAgent);
        var body = await response.ReadJsonAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, body.ToJsonString());
        return SignedIn.From(body["data"]!, password);
    }

    public static Task<HttpResponseMessage> RefreshResponseAsync(this TestSilo silo, string refreshToken, string? requestId = null) =>
        silo.SendAsync(HttpMethod.Post, "/api/v1/auth/refresh", Json(new JsonObject { ["refresh_token"] = refreshToken }), requestId: requestId);

    /// <summary>Refreshes (asserting 200) and returns the answer's <c>data</c>.</summary>
    public static async Task<SignedIn> RefreshAsync(this TestSilo silo, SignedIn session)
    {
        using var response = await silo.RefreshResponseAsync(session.RefreshToken);
        var body = await response.ReadJsonAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, body.ToJsonString());
        return SignedIn.From(body["data"]!, session.Password);
    }

    public static Task<HttpResponseMessage> RegisterResponseAsync(this TestSilo silo, string json, string? requestId = null, string? userAgent = null) =>
        silo.SendAsync(HttpMethod.Post, "/api/v1/auth/register", json, requestId: requestId, userAgent: userAgent);

    /// <summary>Asserts the status and returns the JSON body.</summary>
    public static async Task<JsonNode> AssertOkJsonAsync(this HttpResponseMessage response, HttpStatusCode status = HttpStatusCode.OK)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == status, $"expected {(int)status}, got {(int)response.StatusCode}: {text}");
        Assert.StartsWith("application/json", response.Content.Headers.ContentType?.ToString(), StringComparison.Ordinal);
        return JsonNode.Parse(text)!;
    }

    /// <summary>Asserts that a protected route refuses the token with 401 and the given code.</summary>
    public static async Task AssertRefusedAsync(this TestSilo silo, string token, string code, string path = "/api/v1/user/me")
    {
        using var response = await silo.GetAsync(path, token);
        await response.AssertErrorAsync(HttpStatusCode.Unauthorized, code);
    }

    /// <summary>Asserts that a protected route accepts the token.</summary>
    public static async Task AssertAcceptedAsync(this TestSilo silo, string token, string path = "/api/v1/user/me")
    {
        using var response = await silo.GetAsync(path, token);
        await response.AssertOkJsonAsync();
    }

    public static string Json(JsonNode node) => node.ToJsonString();

    public static void AssertExactKeys(JsonNode? node, params string[] keys)
    {
        Assert.NotNull(node);
        Assert.Equal(keys.Order(StringComparer.Ordinal), node.AsObject().Select(p => p.Key).Order(StringComparer.Ordinal));
    }

    /// <summary>Asserts an ISO 8601 UTC timestamp ending in Z and returns it.</summary>
    public static DateTimeOffset AssertUtcTimestamp(JsonNode? node)
    {
        Assert.NotNull(node);
        var text = node.GetValue<string>();
        Assert.EndsWith("Z", text, StringComparison.Ordinal);
        Assert.Contains("T", text, StringComparison.Ordinal);
        return DateTimeOffset.Parse(text, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind);
    }

    public static void AssertUserObject(JsonNode? user, long id, string email)
    {
        AssertExactKeys(user, UserObjectKeys);
        Assert.Equal(id, user!["id"]!.GetValue<long>());
        Assert.Equal(email, user["email"]!.GetValue<string>());
        Assert.Equal("free", user["tier"]!.GetValue<string>());
        Assert.Null(user["subscription_status"]);
        Assert.Null(user["subscription_id"]);
        Assert.Null(user["renews_at"]);
        Assert.Null(user["ends_at"]);
    }

    // ---- database ----

    public static async Task<IReadOnlyList<AuditRow>> AuditRowsAsync(this TestSilo silo, string action, string? requestId = null, long? actorUserId = null, string? subjectId = null)
    {
        await using var db = await silo.OpenDatabaseAsync();
        var rows = await db.QueryAsync<AuditRow>(
            """
            SELECT id AS Id, action AS Action, actor_user_id AS ActorUserId, subject_type AS SubjectType, subject_id AS SubjectId,
                   ip_address AS IpAddress, user_agent AS UserAgent, request_id AS RequestId, details::text AS Details
            FROM audit_log
            WHERE action = @action
              AND (@requestId::text IS NULL OR request_id = @requestId)
              AND (@actorUserId::bigint IS NULL OR actor_user_id = @actorUserId)
              AND (@subjectId::text IS NULL OR subject_id = @subjectId)
            ORDER BY id
            """,
            new { action, requestId, actorUserId, subjectId });
        return rows.AsList();
    }

    public static async Task<IReadOnlyList<AuditRow>> AuditRowsByRequestAsync(this TestSilo silo, string requestId)
    {
        await using var db = await silo.OpenDatabaseAsync();
        var rows = await db.QueryAsync<AuditRow>(
            """
            SELECT id AS Id, action AS Action, actor_user_id AS ActorUserId, subject_type AS SubjectType, subject_id AS SubjectId,
                   ip_address AS IpAddress, user_agent AS UserAgent, request_id AS RequestId, details::text AS Details
            FROM audit_log WHERE request_id = @requestId ORDER BY id
            """,
            new { requestId });
        return rows.AsList();
    }

    public static async Task<UserDbRow?> UserRowAsync(this TestSilo silo, string email)
    {
        await using var db = await silo.OpenDatabaseAsync();
        return await db.QuerySingleOrDefaultAsync<UserDbRow>(
            """
            SELECT id AS Id, email AS Email, display_name AS DisplayName, avatar_url AS AvatarUrl, preferences::text AS Preferences,
                   role AS Role, email_verified AS EmailVerified, updated_at AS UpdatedAt
            FROM users WHERE email = @email
            """,
            new { email });
    }

    /// <summary>Users whose email equals the given one ignoring case and surrounding spaces.</summary>
    public static async Task<long> CountUsersAsync(this TestSilo silo, string email)
    {
        await using var db = await silo.OpenDatabaseAsync();
        return await db.ExecuteScalarAsync<long>("SELECT count(*) FROM users WHERE email = lower(btrim(@email))", new { email });
    }

    public static async Task<long> CountAllUsersAsync(this TestSilo silo)
    {
        await using var db = await silo.OpenDatabaseAsync();
        return await db.ExecuteScalarAsync<long>("SELECT count(*) FROM users");
    }

    public static async Task<IReadOnlyList<SessionDbRow>> SessionRowsAsync(this TestSilo silo, long userId)
    {
        await using var db = await silo.OpenDatabaseAsync();
        var rows = await db.QueryAsync<SessionDbRow>(
            """
            SELECT id AS Id, user_id AS UserId, device_name AS DeviceName, user_agent AS UserAgent, revoked_at AS RevokedAt, revoke_reason AS RevokeReason
            FROM device_sessions WHERE user_id = @userId ORDER BY created_at, id
            """,
            new { userId });
        return rows.AsList();
    }

    // ---- access tokens ----

    public static AuthOptions AuthOptions(this TestSilo silo) => silo.Service<IOptions<AuthOptions>>().Value;

    /// <summary>Mints an access token the way the silo does, with whatever the test needs changed.</summary>
    public static string MintAccessToken(
        this TestSilo silo,
        long userId,
        Guid sessionId,
        DateTime? expires = null,
        byte[]? key = null,
        string? issuer = null,
        string? audience = null,
        bool includeSession = true,
        string role = Roles.User,
        bool withoutSignature = false)
    {
        var options = silo.AuthOptions();
        var exp = expires ?? DateTime.UtcNow.AddMinutes(10);
        var issued = exp.AddMinutes(-15);
        var claims = new Dictionary<string, object>
        {
            ["sub"] = userId.ToString(CultureInfo.InvariantCulture),
            ["role"] = role,
            ["jti"] = Guid.NewGuid().ToString("N"),
        };
        if (includeSession)
        {
            claims["sid"] = sessionId.ToString();
        }

        var descriptor = new SecurityTokenDescriptor
        {
            Issuer = issuer ?? options.Issuer,
            Audience = audience ?? options.Audience,
            IssuedAt = issued,
            NotBefore = issued,
            Expires = exp,
            Claims = claims,
        };
        if (!withoutSignature)
        {
            descriptor.SigningCredentials = new SigningCredentials(
                new SymmetricSecurityKey(key ?? Convert.FromBase64String(options.SigningKey!)),
                SecurityAlgorithms.HmacSha256);
        }

        return new JsonWebTokenHandler().CreateToken(descriptor);
    }
}
