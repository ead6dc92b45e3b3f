using System.Net;
using System.Text.Json.Nodes;
using HiveSync.Tests.Platform;
using static HiveSync.Tests.Auth.AuthTestKit;

namespace HiveSync.Tests.Auth;

public sealed class LoginTests(TestSilo silo) : IClassFixture<TestSilo>
{
    [Fact]
    public async Task Login_with_the_right_password_returns_tokens_for_a_new_session()
    {
        var registered = await silo.RegisterAsync();

        using var response = await silo.LoginResponseAsync(registered.Email, registered.Password);

        var body = await response.AssertOkJsonAsync();
        AssertExactKeys(body, "data");
        var data = body["data"]!;
        AssertExactKeys(data, TokenResponseKeys);
        AssertUserObject(data["user"], registered.UserId, registered.Email);
        AssertUtcTimestamp(data["access_token_expires_at"]);
        AssertUtcTimestamp(data["refresh_token_expires_at"]);
        var login = SignedIn.From(data, registered.Password);
        Assert.NotEqual(registered.SessionId, login.SessionId);
        Assert.NotEqual(registered.RefreshToken, login.RefreshToken);

        // Both sessions are live and usable side by side.
        await silo.AssertAcceptedAsync(registered.AccessToken);
        await silo.AssertAcceptedAsync(login.AccessToken);
        var sessions = await silo.SessionRowsAsync(registered.UserId);
        Assert.Equal([registered.SessionId, login.SessionId], sessions.Select(s => s.Id).Order());
        Assert.All(sessions, s => Assert.Null(s.RevokedAt));
    }

    [Fact]
    public async Task Login_matches_the_email_ignoring_case_and_surrounding_spaces()
    {
        var registered = await silo.RegisterAsync();

        var login = await silo.LoginAsync($"  {registered.Email.ToUpperInvariant()} ", registered.Password);

        Assert.Equal(registered.UserId, login.UserId);
        Assert.Equal(registered.Email, login.Email);
    }

    [Fact]
    public async Task Login_with_an_unknown_email_and_with_a_wrong_password_answer_identically()
    {
        var registered = await silo.RegisterAsync();

        using var unknown = await silo.LoginResponseAsync(NewEmail("nobody"), registered.Password);
        using var wrong = await silo.LoginResponseAsync(registered.Email, registered.Password + "!");

        var unknownError = await unknown.AssertErrorAsync(HttpStatusCode.Unauthorized, "AUTH_INVALID_CREDENTIALS");
        var wrongError = await wrong.AssertErrorAsync(HttpStatusCode.Unauthorized, "AUTH_INVALID_CREDENTIALS");
        Assert.Equal(unknownError.ToJsonString(), wrongError.ToJsonString());
        Assert.Equal(unknown.Headers.WwwAuthenticate.ToString(), wrong.Headers.WwwAuthenticate.ToString());
    }

    [Fact]
    public async Task Login_password_is_case_sensitive()
    {
        var registered = await silo.RegisterAsync();

        using var response = await silo.LoginResponseAsync(registered.Email, registered.Password.ToUpperInvariant());

        await response.AssertErrorAsync(HttpStatusCode.Unauthorized, "AUTH_INVALID_CREDENTIALS");
    }

    [Fact]
    public async Task Login_with_a_wrong_password_opens_no_session()
    {
        var registered = await silo.RegisterAsync();

        using var response = await silo.LoginResponseAsync(registered.Email, "definitely not it");

        await response.AssertErrorAsync(HttpStatusCode.Unauthorized, "AUTH_INVALID_CREDENTIALS");
        Assert.Single(await silo.SessionRowsAsync(registered.UserId));
    }

    [Theory]
    [InlineData("not-an-email")]
    [InlineData("user@localhost")]
    public async Task Login_with_a_malformed_email_is_just_invalid_credentials(string email)
    {
        using var response = await silo.LoginResponseAsync(email, Password);

        await response.AssertErrorAsync(HttpStatusCode.Unauthorized, "AUTH_INVALID_CREDENTIALS");
    }

    [Fact]
    public async Task Login_with_an_overlong_password_is_invalid_credentials()
    {
        var registered = await silo.RegisterAsync();

        using var response = await silo.LoginResponseAsync(registered.Email, new string('x', 10_000));

        await response.AssertErrorAsync(HttpStatusCode.Unauthorized, "AUTH_INVALID_CREDENTIALS");
    }

    [Fact]
    public async Task Login_without_email_and_password_names_both_fields()
    {
        using var response = await silo.SendAsync(HttpMethod.Post, "/api/v1/auth/login", "{}");

        await response.AssertValidationErrorAsync("email", "password");
    }

    [Fact]
    public async Task Login_without_a_password_names_the_password_field()
    {
        var registered = await silo.RegisterAsync();

        using var response = await silo.SendAsync(HttpMethod.Post, "/api/v1/auth/login", Json(new JsonObject { ["email"] = registered.Email }));

        await response.AssertValidationErrorAsync("password");
        Assert.Single(await silo.SessionRowsAsync(registered.UserId));
    }

    [Fact]
    public async Task Login_refuses_an_unknown_json_field_by_name()
    {
        var registered = await silo.RegisterAsync();

        using var response = await silo.SendAsync(
            HttpMethod.Post, "/api/v1/auth/login", Json(new JsonObject { ["email"] = registered.Email, ["password"] = registered.Password, ["remember_me"] = true }));

        await response.AssertValidationErrorAsync("remember_me");
        Assert.Single(await silo.SessionRowsAsync(registered.UserId));
    }

    [Fact]
    public async Task Login_with_malformed_json_is_a_validation_error()
    {
        using var response = await silo.SendAsync(HttpMethod.Post, "/api/v1/auth/login", "{\"email\":");

        await response.AssertErrorAsync(HttpStatusCode.BadRequest, "VALIDATION_ERROR");
    }

    [Fact]
    public async Task Login_with_a_form_content_type_is_415()
    {
        var registered = await silo.RegisterAsync();

        using var response = await silo.SendAsync(new TestRequest(HttpMethod.Post, "/api/v1/auth/login")
        {
            Body = $"email={Uri.EscapeDataString(registered.Email)}&password={Uri.EscapeDataString(registered.Password)}",
            ContentType = "application/x-www-form-urlencoded",
        });

        await response.AssertErrorAsync(HttpStatusCode.UnsupportedMediaType, "UNSUPPORTED_MEDIA_TYPE");
    }

    [Fact]
    public async Task Login_records_device_name_user_agent_and_address_on_the_session()
    {
        var registered = await silo.RegisterAsync();

        var login = await silo.LoginAsync(registered.Email, registered.Password, deviceName: "Work laptop", userAgent: "HiveSyncDesktop/2.1 (Linux)");

        using var response = await silo.GetAsync("/api/v1/auth/sessions", login.AccessToken);
        var items = (await response.AssertOkJsonAsync())["items"]!.AsArray();
        var session = Assert.Single(items, i => i!["id"]!.GetValue<string>() == login.SessionId.ToString());
        Assert.Equal("Work laptop", session!["device_name"]!.GetValue<string>());
        Assert.Equal("HiveSyncDesktop/2.1 (Linux)", session["user_agent"]!.GetValue<string>());
        Assert.Equal("127.0.0.1", session["ip_address"]!.GetValue<string>());
        var row = Assert.Single(await silo.SessionRowsAsync(registered.UserId), s => s.Id == login.SessionId);
        Assert.Equal("Work laptop", row.DeviceName);
        Assert.Equal("HiveSyncDesktop/2.1 (Linux)", row.UserAgent);
    }

    [Theory]
    [InlineData(101)]
    [InlineData(-1)]
    public async Task Login_refuses_an_invalid_device_name_and_opens_no_session(int length)
    {
        var registered = await silo.RegisterAsync();
        var deviceName = length < 0 ? "tab\tname" : new string('d', length);

        using var response = await silo.LoginResponseAsync(registered.Email, registered.Password, deviceName);

        await response.AssertValidationErrorAsync("device_name");
        Assert.Single(await silo.SessionRowsAsync(registered.UserId));
    }

    [Fact]
    public async Task Login_accepts_a_device_name_of_exactly_100_characters()
    {
        var registered = await silo.RegisterAsync();

        var login = await silo.LoginAsync(registered.Email, registered.Password, deviceName: new string('d', 100));

        Assert.Equal(new string('d', 100), Assert.Single(await silo.SessionRowsAsync(registered.UserId), s => s.Id == login.SessionId).DeviceName);
    }

    [Fact]
    public async Task Login_with_a_non_ascii_password_works()
    {
        var email = NewEmail();
        const string password = "pässwörd 🐝🐝 ñ";
        using var register = await silo.RegisterResponseAsync(Json(new JsonObject { ["email"] = email, ["password"] = password }));
        await register.AssertOkJsonAsync(HttpStatusCode.Created);

        var login = await silo.LoginAsync(email, password);
        await silo.AssertAcceptedAsync(login.AccessToken);
    }
}
