using System.Text.Json.Nodes;
using HiveSync.Tests.Platform;
using static HiveSync.Tests.Auth.AuthTestKit;

namespace HiveSync.Tests.Auth;

/// <summary>Every answer that carries a credential says <c>Cache-Control: no-store</c>.</summary>
public sealed class TokenCachingTests(TestSilo silo) : IClassFixture<TestSilo>
{
    private static void AssertNoStore(HttpResponseMessage response) =>
        Assert.True(response.Headers.CacheControl?.NoStore == true, $"{response.RequestMessage?.RequestUri}: Cache-Control is '{response.Headers.CacheControl}'");

    [Fact]
    public async Task Register_login_and_refresh_answers_are_not_stored()
    {
        var email = NewEmail();
        using var register = await silo.RegisterResponseAsync(Json(new JsonObject { ["email"] = email, ["password"] = Password }));
        var registered = SignedIn.From((await register.AssertOkJsonAsync(System.Net.HttpStatusCode.Created))["data"]!, Password);
        AssertNoStore(register);

        using var login = await silo.LoginResponseAsync(email, Password);
        await login.AssertOkJsonAsync();
        AssertNoStore(login);

        using var refresh = await silo.RefreshResponseAsync(registered.RefreshToken);
        await refresh.AssertOkJsonAsync();
        AssertNoStore(refresh);
    }

    [Fact]
    public async Task Session_token_and_session_exchange_answers_are_not_stored()
    {
        var device = await silo.RegisterAsync();
        using var client = silo.CookielessClient();

        using var minted = await client.SendAsync(new TestRequest(HttpMethod.Post, "/api/v1/auth/session-token") { Bearer = device.AccessToken });
        var url = (await minted.AssertOkJsonAsync())["url"]!.GetValue<string>();
        AssertNoStore(minted);

        using var exchanged = await client.ExchangeAsync(url[(url.LastIndexOf('/') + 1)..]);
        await exchanged.AssertOkJsonAsync();
        AssertNoStore(exchanged);
    }
}
