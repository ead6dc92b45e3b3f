using System.Net;
using System.Text.Json;
using Dapper;
using HiveSync.Tests.Email;
using HiveSync.Tests.Platform;

namespace HiveSync.Tests.Auth;

/// <summary>
/// Registration emails a link; <c>POST /auth/verify-email {token}</c> uses it once and marks the address verified;
/// <c>/resend</c> sends a new one (the earlier ones stop working), a few a day.
/// </summary>
public sealed class EmailVerificationTests(PickupSilo silo) : IClassFixture<PickupSilo>
{
    [Fact]
    public async Task Registration_emails_a_link_that_verifies_the_address_once()
    {
        var user = await silo.RegisterAsync();
        Assert.False(await VerifiedAsync(user));

        var token = await TokenSentToAsync(user.Email);
        using var verified = await VerifyAsync(token);

        var profile = await verified.AssertOkJsonAsync();
        Assert.True(profile["data"]!["email_verified"]!.GetValue<bool>());
        Assert.Equal(user.Email, profile["data"]!["email"]!.GetValue<string>());
        Assert.True(await VerifiedAsync(user));
        using var again = await VerifyAsync(token);
        await again.AssertErrorAsync(HttpStatusCode.Gone, "TOKEN_EXPIRED");
    }

    [Theory]
    [InlineData("hsv1.not-a-token-anyone-was-sent")]
    [InlineData("x")]
    public async Task An_unknown_token_is_410_and_verifies_nothing(string token)
    {
        using var response = await VerifyAsync(token);

        await response.AssertErrorAsync(HttpStatusCode.Gone, "TOKEN_EXPIRED");
    }

    [Theory]
    [InlineData("{}", "token")]
    [InlineData("""{"token":""}""", "token")]
    [InlineData("""{"token":"t","extra":1}""", "extra")]
    public async Task A_missing_token_or_an_unknown_field_is_400_naming_it(string body, string field)
    {
        using var response = await silo.SendAsync(new TestRequest(HttpMethod.Post, "/api/v1/auth/verify-email") { Body = body });

        await response.AssertValidationErrorAsync(field);
    }

    [Fact]
    public async Task An_expired_link_is_410_and_leaves_the_address_unverified()
    {
        var user = await silo.RegisterAsync();
        var token = await TokenSentToAsync(user.Email);
        await using (var db = await silo.OpenDatabaseAsync())
        {
            await db.ExecuteAsync("UPDATE email_verifications SET expires_at = now() - interval '1 minute' WHERE user_id = @UserId", new { user.UserId });
        }

        using var response = await VerifyAsync(token);

        await response.AssertErrorAsync(HttpStatusCode.Gone, "TOKEN_EXPIRED");
        Assert.False(await VerifiedAsync(user));
    }

    [Fact]
    public async Task A_resent_link_replaces_the_earlier_one_and_a_verified_address_gets_none()
    {
        var user = await silo.RegisterAsync();
        var first = await TokenSentToAsync(user.Email);

        using var resent = await ResendAsync(user);
        Assert.Equal(HttpStatusCode.Accepted, resent.StatusCode);
        var expires = DateTimeOffset.Parse((await resent.ReadJsonAsync())["data"]!["expires_at"]!.GetValue<string>(), System.Globalization.CultureInfo.InvariantCulture);
        Assert.InRange(expires - DateTimeOffset.UtcNow, TimeSpan.FromHours(47), TimeSpan.FromHours(49));
        var second = await TokenSentToAsync(user.Email, messages: 2);
        Assert.NotEqual(first, second);

        using var old = await VerifyAsync(first);
        await old.AssertErrorAsync(HttpStatusCode.Gone, "TOKEN_EXPIRED");
        using var current = await VerifyAsync(second);
        Assert.Equal(HttpStatusCode.OK, current.StatusCode);
        using var needless = await ResendAsync(user);
        await needless.AssertErrorAsync(HttpStatusCode.Conflict, "CONFLICT");
    }

    [Fact]
    public async Task Resending_is_limited_per_account_and_needs_a_signed_in_caller()
    {
        var user = await silo.RegisterAsync();
        for (var i = 0; i < 5; i++)
        {
            using var sent = await ResendAsync(user);
            Assert.Equal(HttpStatusCode.Accepted, sent.StatusCode);
        }

        using var refused = await ResendAsync(user);
        await refused.AssertErrorAsync(HttpStatusCode.TooManyRequests, "RATE_LIMITED");
        Assert.NotNull(refused.Headers.RetryAfter);
        using var anonymous = await silo.SendAsync(new TestRequest(HttpMethod.Post, "/api/v1/auth/verify-email/resend"));
        await anonymous.AssertErrorAsync(HttpStatusCode.Unauthorized, "AUTH_REQUIRED");
    }

    private Task<HttpResponseMessage> VerifyAsync(string token) =>
        silo.SendAsync(new TestRequest(HttpMethod.Post, "/api/v1/auth/verify-email") { Body = JsonSerializer.Serialize(new { token }) });

    private Task<HttpResponseMessage> ResendAsync(SignedIn user) =>
        silo.SendAsync(new TestRequest(HttpMethod.Post, "/api/v1/auth/verify-email/resend") { Bearer = user.AccessToken });

    private async Task<bool> VerifiedAsync(SignedIn user)
    {
        using var profile = await silo.SendAsync(new TestRequest(HttpMethod.Get, "/api/v1/profile") { Bearer = user.AccessToken });
        return (await profile.AssertOkJsonAsync())["data"]!["email_verified"]!.GetValue<bool>();
    }

    /// <summary>The token in the newest of at least <paramref name="messages"/> verification emails to <paramref name="email"/>.</summary>
    private async Task<string> TokenSentToAsync(string email, int messages = 1)
    {
        var newest = (await PickupMail.MessagesToAsync(silo, email, "Verify your email address for HiveSync", messages))[^1];
        return PickupMail.LinkToken(newest, "verify-email");
    }
}
