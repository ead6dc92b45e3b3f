using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using Dapper;
using HiveSync.Tests.Email;
using HiveSync.Tests.Platform;
using MimeKit;

namespace HiveSync.Tests.Auth;

/// <summary>
/// <c>POST /auth/password-reset {email}</c> answers the same whether the address has an account, and emails a link
/// when it has; <c>/confirm {token, password}</c> uses the link once, sets the password and ends every session.
/// </summary>
public sealed class PasswordResetTests(PickupSilo silo) : IClassFixture<PickupSilo>
{
    private const string Subject = "Reset your HiveSync password";
    private const string NewPassword = "a brand new passphrase";

    [Fact]
    public async Task A_known_and_an_unknown_address_get_the_same_answer_and_only_the_known_one_gets_a_link()
    {
        var user = await silo.RegisterAsync();
        var unknown = $"nobody-{Guid.NewGuid():N}@example.com";

        using var known = await RequestAsync(user.Email);
        using var stranger = await RequestAsync(unknown);

        Assert.Equal(HttpStatusCode.Accepted, known.StatusCode);
        Assert.Equal(HttpStatusCode.Accepted, stranger.StatusCode);
        Assert.True(JsonNode.DeepEquals(await known.ReadJsonAsync(), await stranger.ReadJsonAsync()));
        Assert.NotNull(await ResetLinkAsync(user.Email));
        Assert.Empty(PickupMail.MessagesToNow(silo, unknown));
    }

    [Fact]
    public async Task The_link_sets_the_new_password_once_and_ends_every_session()
    {
        var user = await silo.RegisterAsync();
        var other = await silo.LoginAsync(user.Email);
        await AskForResetAsync(user.Email);

        var token = PickupMail.LinkToken(await ResetLinkAsync(user.Email), "reset-password");
        using var confirmed = await ConfirmAsync(token, NewPassword);

        Assert.Equal(HttpStatusCode.NoContent, confirmed.StatusCode);
        await silo.AssertRefusedAsync(user.AccessToken, "AUTH_SESSION_REVOKED");
        await silo.AssertRefusedAsync(other.AccessToken, "AUTH_SESSION_REVOKED");
        using var refresh = await silo.SendAsync(new TestRequest(HttpMethod.Post, "/api/v1/auth/refresh") { Body = JsonSerializer.Serialize(new { refresh_token = user.RefreshToken }) });
        Assert.Equal(HttpStatusCode.Unauthorized, refresh.StatusCode);
        using var oldPassword = await silo.LoginResponseAsync(user.Email, ApiCalls.Password);
        await oldPassword.AssertErrorAsync(HttpStatusCode.Unauthorized, "AUTH_INVALID_CREDENTIALS");
        await silo.LoginAsync(user.Email, NewPassword);
        using var again = await ConfirmAsync(token, "yet another passphrase");
        await again.AssertErrorAsync(HttpStatusCode.Gone, "TOKEN_EXPIRED");
    }

    [Fact]
    public async Task A_refused_new_password_is_400_and_changes_nothing_not_even_the_link()
    {
        var user = await silo.RegisterAsync();
        await AskForResetAsync(user.Email);

        var token = PickupMail.LinkToken(await ResetLinkAsync(user.Email), "reset-password");
        using var refused = await ConfirmAsync(token, "short");

        await refused.AssertValidationErrorAsync("password");
        await silo.AssertAcceptedAsync(user.AccessToken);
        await silo.LoginAsync(user.Email);
        using var valid = await ConfirmAsync(token, NewPassword);
        Assert.Equal(HttpStatusCode.NoContent, valid.StatusCode);
    }

    [Fact]
    public async Task An_expired_or_unknown_link_is_410_and_the_password_stays()
    {
        var user = await silo.RegisterAsync();
        await AskForResetAsync(user.Email);

        var token = PickupMail.LinkToken(await ResetLinkAsync(user.Email), "reset-password");
        await using (var db = await silo.OpenDatabaseAsync())
        {
            await db.ExecuteAsync("UPDATE password_resets SET expires_at = now() - interval '1 minute' WHERE user_id = @UserId", new { user.UserId });
        }

        using var expired = await ConfirmAsync(token, NewPassword);
        using var unknown = await ConfirmAsync("hsp1.never-sent", NewPassword);

        await expired.AssertErrorAsync(HttpStatusCode.Gone, "TOKEN_EXPIRED");
        await unknown.AssertErrorAsync(HttpStatusCode.Gone, "TOKEN_EXPIRED");
        await silo.LoginAsync(user.Email);
    }

    [Theory]
    [InlineData("/api/v1/auth/password-reset", "{}", "email")]
    [InlineData("/api/v1/auth/password-reset", """{"email":"not an address"}""", "email")]
    [InlineData("/api/v1/auth/password-reset", """{"email":"a@example.com","extra":1}""", "extra")]
    [InlineData("/api/v1/auth/password-reset/confirm", """{"password":"a brand new passphrase"}""", "token")]
    public async Task A_malformed_request_is_400_naming_the_field(string path, string body, string field)
    {
        using var response = await silo.SendAsync(new TestRequest(HttpMethod.Post, path) { Body = body });

        await response.AssertValidationErrorAsync(field);
    }

    private Task<HttpResponseMessage> RequestAsync(string email) =>
        silo.SendAsync(new TestRequest(HttpMethod.Post, "/api/v1/auth/password-reset") { Body = JsonSerializer.Serialize(new { email }) });

    private async Task AskForResetAsync(string email)
    {
        using var response = await RequestAsync(email);
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
    }

    private Task<HttpResponseMessage> ConfirmAsync(string token, string password) =>
        silo.SendAsync(new TestRequest(HttpMethod.Post, "/api/v1/auth/password-reset/confirm") { Body = JsonSerializer.Serialize(new { token, password }) });

    private async Task<MimeMessage> ResetLinkAsync(string email) =>
        (await PickupMail.MessagesToAsync(silo, email, Subject))[^1];
}
