using Dapper;
using System.Net;
using System.Text.Json.Nodes;
using HiveSync.Grains.Auth;
using HiveSync.Tests.Platform;
using static HiveSync.Tests.Auth.AuthTestKit;

namespace HiveSync.Tests.Auth;

public sealed class RefreshTokenTests(TestSilo silo) : IClassFixture<TestSilo>
{
    [Fact]
    public async Task Refresh_returns_a_new_access_token_and_a_different_refresh_token_for_the_same_session()
    {
        var user = await silo.RegisterAsync();

        using var response = await silo.RefreshResponseAsync(user.RefreshToken);

        var body = await response.AssertOkJsonAsync();
        AssertExactKeys(body, "data");
        var data = body["data"]!;
        AssertExactKeys(data, TokenResponseKeys);
        AssertUserObject(data["user"], user.UserId, user.Email);
        AssertUtcTimestamp(data["access_token_expires_at"]);
        var refreshed = SignedIn.From(data, user.Password);
        Assert.Equal(user.SessionId, refreshed.SessionId);
        Assert.NotEqual(user.RefreshToken, refreshed.RefreshToken);
        Assert.NotEqual(user.AccessToken, refreshed.AccessToken);
        Assert.True(AssertUtcTimestamp(data["refresh_token_expires_at"]) >= AssertUtcTimestamp(user.Data["refresh_token_expires_at"]));
        await silo.AssertAcceptedAsync(refreshed.AccessToken);
        Assert.Single(await silo.SessionRowsAsync(user.UserId)); // rotation opens no new session
    }

    [Fact]
    public async Task Refresh_tokens_keep_rotating_along_a_chain()
    {
        var current = await silo.RegisterAsync();
        var seen = new HashSet<string> { current.RefreshToken };

        for (var i = 0; i < 4; i++)
        {
            current = await silo.RefreshAsync(current);
            Assert.True(seen.Add(current.RefreshToken), "a refresh token was handed out twice");
            await silo.AssertAcceptedAsync(current.AccessToken);
        }
    }

    [Fact]
    public async Task A_refresh_token_works_only_once()
    {
        var user = await silo.RegisterAsync();
        await silo.RefreshAsync(user);

        using var again = await silo.RefreshResponseAsync(user.RefreshToken);

        await again.AssertErrorAsync(HttpStatusCode.Unauthorized, "AUTH_SESSION_REVOKED");
    }

    [Fact]
    public async Task Reusing_a_refresh_token_revokes_the_whole_session_and_leaves_other_sessions_alone()
    {
        var user = await silo.RegisterAsync();
        var other = await silo.LoginAsync(user.Email, user.Password);
        var rotated = await silo.RefreshAsync(user);
        var newest = await silo.RefreshAsync(rotated);

        using var replay = await silo.RefreshResponseAsync(user.RefreshToken);

        await replay.AssertErrorAsync(HttpStatusCode.Unauthorized, "AUTH_SESSION_REVOKED");
        // Every token of the session is dead: the newest refresh token and all access tokens.
        using (var newestRefresh = await silo.RefreshResponseAsync(newest.RefreshToken))
        {
            await newestRefresh.AssertErrorAsync(HttpStatusCode.Unauthorized, "AUTH_TOKEN_INVALID");
        }

        await silo.AssertRefusedAsync(newest.AccessToken, "AUTH_SESSION_REVOKED");
        await silo.AssertRefusedAsync(rotated.AccessToken, "AUTH_SESSION_REVOKED");
        await silo.AssertRefusedAsync(user.AccessToken, "AUTH_SESSION_REVOKED");
        var row = Assert.Single(await silo.SessionRowsAsync(user.UserId), s => s.Id == user.SessionId);
        Assert.NotNull(row.RevokedAt);
        Assert.Equal("refreshtokenreuse", row.RevokeReason);

        // The user's other device keeps working.
        await silo.AssertAcceptedAsync(other.AccessToken);
        await silo.RefreshAsync(other);
    }

    [Fact]
    public async Task Reusing_a_refresh_token_writes_an_audit_row()
    {
        var user = await silo.RegisterAsync();
        await silo.RefreshAsync(user);
        var requestId = NewRequestId();

        using var replay = await silo.RefreshResponseAsync(user.RefreshToken, requestId);
        await replay.AssertErrorAsync(HttpStatusCode.Unauthorized, "AUTH_SESSION_REVOKED");

        var row = Assert.Single(await silo.AuditRowsAsync("auth.refresh_token.reuse", actorUserId: user.UserId));
        Assert.Equal("session", row.SubjectType);
        Assert.Equal(user.SessionId.ToString(), row.SubjectId);
        Assert.Equal(requestId, row.RequestId);
    }

    [Theory]
    [InlineData("garbage")]
    [InlineData("hsr_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")]
    [InlineData("hsr_short")]
    [InlineData("eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2lnbmF0dXJl")]
    public async Task An_unknown_or_garbage_refresh_token_is_401_AUTH_TOKEN_INVALID(string token)
    {
        using var response = await silo.RefreshResponseAsync(token);

        await response.AssertErrorAsync(HttpStatusCode.Unauthorized, "AUTH_TOKEN_INVALID");
    }

    [Fact]
    public async Task An_access_token_is_not_accepted_as_a_refresh_token()
    {
        var user = await silo.RegisterAsync();

        using var response = await silo.RefreshResponseAsync(user.AccessToken);

        await response.AssertErrorAsync(HttpStatusCode.Unauthorized, "AUTH_TOKEN_INVALID");
        await silo.AssertAcceptedAsync(user.AccessToken); // and nothing was revoked
    }

    [Theory]
    [InlineData("{}")]
    [InlineData("{\"refresh_token\":null}")]
    [InlineData("{\"refresh_token\":\"\"}")]
    public async Task Refresh_without_a_refresh_token_is_400_naming_refresh_token(string body)
    {
        using var response = await silo.SendAsync(HttpMethod.Post, "/api/v1/auth/refresh", body);

        await response.AssertValidationErrorAsync("refresh_token");
    }

    [Theory]
    [InlineData("")]
    [InlineData("{\"refresh_token\":")]
    [InlineData("[]")]
    public async Task Refresh_with_a_missing_or_malformed_body_is_400(string body)
    {
        using var response = await silo.SendAsync(HttpMethod.Post, "/api/v1/auth/refresh", body);

        await response.AssertErrorAsync(HttpStatusCode.BadRequest, "VALIDATION_ERROR");
    }

    [Fact]
    public async Task Refresh_refuses_an_unknown_json_field_and_does_not_rotate()
    {
        var user = await silo.RegisterAsync();

        using var response = await silo.SendAsync(HttpMethod.Post, "/api/v1/auth/refresh", Json(new JsonObject { ["refresh_token"] = user.RefreshToken, ["session_id"] = user.SessionId.ToString() }));

        await response.AssertValidationErrorAsync("session_id");
        await silo.RefreshAsync(user); // the token was not consumed
    }

    [Fact]
    public async Task Refresh_with_a_wrongly_typed_refresh_token_names_the_field()
    {
        using var response = await silo.SendAsync(HttpMethod.Post, "/api/v1/auth/refresh", "{\"refresh_token\":12345}");

        await response.AssertValidationErrorAsync("refresh_token");
    }

    [Fact]
    public async Task The_refresh_token_of_a_logged_out_session_no_longer_works()
    {
        var user = await silo.RegisterAsync();
        using (var logout = await silo.SendAsync(HttpMethod.Post, "/api/v1/auth/logout", token: user.AccessToken))
        {
            Assert.Equal(HttpStatusCode.NoContent, logout.StatusCode);
        }

        using var response = await silo.RefreshResponseAsync(user.RefreshToken);

        await response.AssertErrorAsync(HttpStatusCode.Unauthorized, "AUTH_TOKEN_INVALID");
    }

    [Fact]
    public async Task Refresh_is_public_and_works_with_a_stale_access_token_attached()
    {
        var user = await silo.RegisterAsync();
        var expired = silo.MintAccessToken(user.UserId, user.SessionId, expires: DateTime.UtcNow.AddMinutes(-5));

        using var response = await silo.SendAsync(HttpMethod.Post, "/api/v1/auth/refresh", Json(new JsonObject { ["refresh_token"] = user.RefreshToken }), token: expired);

        await response.AssertOkJsonAsync();
    }

    [Fact]
    public async Task Concurrent_use_of_one_refresh_token_lets_exactly_one_succeed_and_the_replays_revoke_the_session()
    {
        const int Attempts = 32;
        var user = await silo.RegisterAsync();
        var start = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var clients = Enumerable.Range(0, Attempts).Select(_ => silo.NewClient()).ToList();
        try
        {
            // Every request waits on one gate, each on its own connection, so they reach the silo together.
            var attempts = clients.Select(async client =>
            {
                await start.Task;
                using var response = await client.SendAsync(new TestRequest(HttpMethod.Post, "/api/v1/auth/refresh") { Body = Json(new JsonObject { ["refresh_token"] = user.RefreshToken }) });
                var body = await response.ReadJsonAsync();
                return (response.StatusCode, Body: body);
            }).ToList();
            start.SetResult();
            var answers = await Task.WhenAll(attempts);

            var summary = string.Join(", ", answers.Select(a => $"{(int)a.StatusCode} {a.Body["error"]?["code"]}"));
            var winner = Assert.Single(answers, a => a.StatusCode == HttpStatusCode.OK);
            var refused = answers.Where(a => a.StatusCode != HttpStatusCode.OK).Select(a => a.Body["error"]?["code"]?.GetValue<string>()).ToList();
            Assert.True(refused.Count == Attempts - 1 && answers.All(a => a.StatusCode is HttpStatusCode.OK or HttpStatusCode.Unauthorized), summary);
            // The first replay after the winner revokes the session; later ones find a spent token of a dead session.
            Assert.Contains("AUTH_SESSION_REVOKED", refused);
            Assert.All(refused, code => Assert.True(code is "AUTH_SESSION_REVOKED" or "AUTH_TOKEN_INVALID", summary));

            // The winner's tokens died with the session: a replay means the token leaked, so nobody keeps it.
            var won = SignedIn.From(winner.Body["data"]!, user.Password);
            Assert.Equal(user.SessionId, won.SessionId);
            await silo.AssertRefusedAsync(won.AccessToken, "AUTH_SESSION_REVOKED");
            await silo.AssertRefusedAsync(user.AccessToken, "AUTH_SESSION_REVOKED");
            using (var next = await silo.RefreshResponseAsync(won.RefreshToken))
            {
                await next.AssertErrorAsync(HttpStatusCode.Unauthorized, "AUTH_TOKEN_INVALID");
            }

            Assert.Equal("refreshtokenreuse", Assert.Single(await silo.SessionRowsAsync(user.UserId)).RevokeReason);
            Assert.NotEmpty(await silo.AuditRowsAsync("auth.refresh_token.reuse", actorUserId: user.UserId));
        }
        finally
        {
            clients.ForEach(c => c.Dispose());
        }
    }

    [Theory]
    [InlineData("a wrong MAC")]
    [InlineData("a genuine MAC of a generation never issued")]
    public async Task A_refresh_token_naming_a_live_session_that_was_never_issued_is_401_AUTH_TOKEN_INVALID_and_ends_nothing(string kind)
    {
        var user = await silo.RegisterAsync();
        var neverIssued = kind == "a wrong MAC"
            ? WithForgedSecret(user.RefreshToken)
            : RefreshTokens.Create(user.UserId, user.SessionId, 5, silo.Service<RefreshTokenKey>().Current);

        using (var response = await silo.RefreshResponseAsync(neverIssued))
        {
            await response.AssertErrorAsync(HttpStatusCode.Unauthorized, "AUTH_TOKEN_INVALID");
        }

        // Only a token that was issued and spent means a leak: a guessed one must not let anyone end a session.
        await silo.AssertAcceptedAsync(user.AccessToken);
        await silo.RefreshAsync(user);
    }

    [Fact]
    public async Task A_refresh_token_naming_no_such_user_or_session_is_401_AUTH_TOKEN_INVALID()
    {
        var user = await silo.RegisterAsync();
        var mac = user.RefreshToken[(user.RefreshToken.LastIndexOf('.') + 1)..];

        foreach (var token in new[]
        {
            $"hsr3.{long.MaxValue}.{user.SessionId:N}.0.{mac}",
            $"hsr3.{user.UserId}.{Guid.NewGuid():N}.0.{mac}",
            $"hsr2.{long.MaxValue}.{user.SessionId:N}.{mac}",
            $"hsr2.{user.UserId}.{Guid.NewGuid():N}.{mac}",
        })
        {
            using var response = await silo.RefreshResponseAsync(token);
            await response.AssertErrorAsync(HttpStatusCode.Unauthorized, "AUTH_TOKEN_INVALID");
        }
    }

    [Fact]
    public async Task A_rotation_keeps_only_the_generation_in_the_session_row()
    {
        var current = await silo.RegisterAsync();
        for (var i = 0; i < 3; i++)
        {
            current = await silo.RefreshAsync(current);
        }

        Assert.Matches($"^hsr3\\.{current.UserId}\\.{current.SessionId:N}\\.3\\.", current.RefreshToken);
        await using var db = await silo.OpenDatabaseAsync();
        Assert.Equal(3L, await db.ExecuteScalarAsync<long?>("SELECT refresh_generation FROM device_sessions WHERE id = @SessionId", new { current.SessionId }));
        Assert.Equal(0L, await db.ExecuteScalarAsync<long>("SELECT count(*) FROM refresh_tokens WHERE session_id = @SessionId", new { current.SessionId }));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_hashed_refresh_token_issued_before_tokens_were_signed_rotates_once_into_the_signed_form(bool namesItsSession)
    {
        var user = await silo.RegisterAsync();
        var secret = System.Buffers.Text.Base64Url.EncodeToString(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32));
        var hashed = namesItsSession ? $"hsr2.{user.UserId}.{user.SessionId:N}.{secret}" : "hsr_" + secret;
        await using (var db = await silo.OpenDatabaseAsync())
        {
            // The session as it was before: no generation, its token a row of refresh_tokens.
            await db.ExecuteAsync(
                """
                UPDATE device_sessions SET refresh_generation = NULL WHERE id = @session;
                INSERT INTO refresh_tokens (token_hash, session_id, user_id, issued_at, expires_at) VALUES (@hash, @session, @user, now(), now() + interval '1 day');
                """,
                new { hash = RefreshTokens.Hash(hashed), session = user.SessionId, user = user.UserId });
        }

        SignedIn successor;
        using (var response = await silo.RefreshResponseAsync(hashed))
        {
            successor = SignedIn.From((await response.AssertOkJsonAsync())["data"]!, user.Password);
            Assert.StartsWith($"hsr3.{user.UserId}.{user.SessionId:N}.1.", successor.RefreshToken, StringComparison.Ordinal);
        }

        await silo.RefreshAsync(successor);
        using var replay = await silo.RefreshResponseAsync(hashed);
        await replay.AssertErrorAsync(HttpStatusCode.Unauthorized, "AUTH_SESSION_REVOKED");
    }
}
