using System.Net;
using System.Text.Json.Nodes;
using HiveSync.Tests.Platform;
using static HiveSync.Tests.Auth.AuthTestKit;

namespace HiveSync.Tests.Auth;

public sealed class SessionsTests(TestSilo silo) : IClassFixture<TestSilo>
{
    private static readonly string[] SessionKeys = ["id", "current", "device_name", "user_agent", "ip_address", "created_at", "last_seen_at", "expires_at"];

    private Task<HttpResponseMessage> DeleteSessionAsync(string token, string id) =>
        silo.SendAsync(HttpMethod.Delete, $"/api/v1/auth/sessions/{id}", token: token);

    private async Task<JsonNode> ListAsync(string token, string query = "")
    {
        using var response = await silo.GetAsync("/api/v1/auth/sessions" + query, token);
        return await response.AssertOkJsonAsync();
    }

    private async Task<(SignedIn First, SignedIn Second, SignedIn Third)> ThreeSessionsAsync()
    {
        var first = await silo.RegisterAsync(deviceName: "phone");
        var second = await silo.LoginAsync(first.Email, first.Password, deviceName: "laptop", userAgent: "LaptopAgent/1.0");
        var third = await silo.LoginAsync(first.Email, first.Password, deviceName: "tablet", userAgent: "TabletAgent/3.0");
        return (first, second, third);
    }

    [Fact]
    public async Task Sessions_lists_every_live_session_with_its_device_details_and_marks_only_the_callers_as_current()
    {
        var (phone, laptop, tablet) = await ThreeSessionsAsync();

        var body = await ListAsync(laptop.AccessToken);

        AssertExactKeys(body, "items", "total", "page", "page_size");
        Assert.Equal(3, body["total"]!.GetValue<long>());
        Assert.Equal(1, body["page"]!.GetValue<int>());
        Assert.Equal(20, body["page_size"]!.GetValue<int>());
        var items = body["items"]!.AsArray().Select(i => i!).ToList();
        Assert.Equal(new[] { phone.SessionId, laptop.SessionId, tablet.SessionId }.Order(), items.Select(i => Guid.Parse(i["id"]!.GetValue<string>())).Order());
        foreach (var item in items)
        {
            AssertExactKeys(item, SessionKeys);
            var created = AssertUtcTimestamp(item["created_at"]);
            var lastSeen = AssertUtcTimestamp(item["last_seen_at"]);
            var expires = AssertUtcTimestamp(item["expires_at"]);
            Assert.True(lastSeen >= created);
            Assert.True(expires > lastSeen);
            Assert.Equal("127.0.0.1", item["ip_address"]!.GetValue<string>());
        }

        var current = Assert.Single(items, i => i["current"]!.GetValue<bool>());
        Assert.Equal(laptop.SessionId.ToString(), current["id"]!.GetValue<string>());
        Assert.Equal("laptop", current["device_name"]!.GetValue<string>());
        Assert.Equal("LaptopAgent/1.0", current["user_agent"]!.GetValue<string>());
        var tabletItem = Assert.Single(items, i => i["id"]!.GetValue<string>() == tablet.SessionId.ToString());
        Assert.Equal("tablet", tabletItem["device_name"]!.GetValue<string>());
        Assert.Equal("TabletAgent/3.0", tabletItem["user_agent"]!.GetValue<string>());
        var phoneItem = Assert.Single(items, i => i["id"]!.GetValue<string>() == phone.SessionId.ToString());
        Assert.Equal("phone", phoneItem["device_name"]!.GetValue<string>());
    }

    [Fact]
    public async Task Sessions_marks_a_different_session_as_current_for_each_caller()
    {
        var (phone, _, tablet) = await ThreeSessionsAsync();

        var fromPhone = (await ListAsync(phone.AccessToken))["items"]!.AsArray();
        var fromTablet = (await ListAsync(tablet.AccessToken))["items"]!.AsArray();

        Assert.Equal(phone.SessionId.ToString(), Assert.Single(fromPhone, i => i!["current"]!.GetValue<bool>())!["id"]!.GetValue<string>());
        Assert.Equal(tablet.SessionId.ToString(), Assert.Single(fromTablet, i => i!["current"]!.GetValue<bool>())!["id"]!.GetValue<string>());
    }

    [Fact]
    public async Task Sessions_never_shows_another_users_sessions()
    {
        var mine = await silo.RegisterAsync();
        var theirs = await silo.RegisterAsync();

        var items = (await ListAsync(mine.AccessToken))["items"]!.AsArray();

        Assert.Equal(mine.SessionId.ToString(), Assert.Single(items)!["id"]!.GetValue<string>());
        Assert.DoesNotContain(items, i => i!["id"]!.GetValue<string>() == theirs.SessionId.ToString());
    }

    [Fact]
    public async Task Sessions_are_paged_with_total_page_and_page_size()
    {
        var (phone, laptop, tablet) = await ThreeSessionsAsync();

        var page1 = await ListAsync(tablet.AccessToken, "?page=1&page_size=2");
        var page2 = await ListAsync(tablet.AccessToken, "?page=2&page_size=2");
        var page3 = await ListAsync(tablet.AccessToken, "?page=3&page_size=2");

        Assert.Equal(2, page1["items"]!.AsArray().Count);
        Assert.Single(page2["items"]!.AsArray());
        Assert.Empty(page3["items"]!.AsArray());
        foreach (var (page, number) in new[] { (page1, 1), (page2, 2), (page3, 3) })
        {
            Assert.Equal(3, page["total"]!.GetValue<long>());
            Assert.Equal(number, page["page"]!.GetValue<int>());
            Assert.Equal(2, page["page_size"]!.GetValue<int>());
        }

        var seen = page1["items"]!.AsArray().Concat(page2["items"]!.AsArray()).Select(i => Guid.Parse(i!["id"]!.GetValue<string>())).Order();
        Assert.Equal(new[] { phone.SessionId, laptop.SessionId, tablet.SessionId }.Order(), seen);
    }

    [Fact]
    public async Task Sessions_accepts_the_maximum_page_size_of_100()
    {
        var user = await silo.RegisterAsync();

        var body = await ListAsync(user.AccessToken, "?page_size=100");

        Assert.Equal(100, body["page_size"]!.GetValue<int>());
        Assert.Single(body["items"]!.AsArray());
    }

    [Theory]
    [InlineData("?page=0", "page")]
    [InlineData("?page=-1", "page")]
    [InlineData("?page=abc", "page")]
    [InlineData("?page=1.5", "page")]
    [InlineData("?page=99999999999", "page")]
    [InlineData("?page=", "page")]
    [InlineData("?page_size=0", "page_size")]
    [InlineData("?page_size=101", "page_size")]
    [InlineData("?page_size=abc", "page_size")]
    [InlineData("?page_size=%2B5", "page_size")]
    [InlineData("?page_size=-20", "page_size")]
    public async Task Sessions_refuses_an_invalid_page_parameter_by_name(string query, string parameter)
    {
        var user = await silo.RegisterAsync();

        using var response = await silo.GetAsync("/api/v1/auth/sessions" + query, user.AccessToken);

        await response.AssertValidationErrorAsync(parameter);
    }

    [Fact]
    public async Task Sessions_names_both_parameters_when_both_are_invalid()
    {
        var user = await silo.RegisterAsync();

        using var response = await silo.GetAsync("/api/v1/auth/sessions?page=0&page_size=1000", user.AccessToken);

        await response.AssertValidationErrorAsync("page", "page_size");
    }

    [Fact]
    public async Task Deleting_another_of_my_sessions_ends_it_and_kills_its_access_and_refresh_tokens()
    {
        var (phone, laptop, _) = await ThreeSessionsAsync();

        using var response = await DeleteSessionAsync(laptop.AccessToken, phone.SessionId.ToString());

        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        await silo.AssertRefusedAsync(phone.AccessToken, "AUTH_SESSION_REVOKED");
        using (var refresh = await silo.RefreshResponseAsync(phone.RefreshToken))
        {
            await refresh.AssertErrorAsync(HttpStatusCode.Unauthorized, "AUTH_TOKEN_INVALID");
        }

        await silo.AssertAcceptedAsync(laptop.AccessToken);
        var items = (await ListAsync(laptop.AccessToken))["items"]!.AsArray();
        Assert.Equal(2, items.Count);
        Assert.DoesNotContain(items, i => i!["id"]!.GetValue<string>() == phone.SessionId.ToString());
        var row = Assert.Single(await silo.SessionRowsAsync(phone.UserId), s => s.Id == phone.SessionId);
        Assert.Equal("revoked", row.RevokeReason);
    }

    [Fact]
    public async Task Deleting_my_current_session_signs_me_out()
    {
        var user = await silo.RegisterAsync();

        using var response = await DeleteSessionAsync(user.AccessToken, user.SessionId.ToString());

        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        await silo.AssertRefusedAsync(user.AccessToken, "AUTH_SESSION_REVOKED");
    }

    [Fact]
    public async Task Deleting_another_users_session_answers_exactly_like_a_missing_one_and_does_not_revoke_it()
    {
        var attacker = await silo.RegisterAsync();
        var victim = await silo.RegisterAsync();

        using var foreign = await DeleteSessionAsync(attacker.AccessToken, victim.SessionId.ToString());
        using var missing = await DeleteSessionAsync(attacker.AccessToken, Guid.NewGuid().ToString());

        var foreignError = await foreign.AssertErrorAsync(HttpStatusCode.NotFound, "SESSION_NOT_FOUND");
        var missingError = await missing.AssertErrorAsync(HttpStatusCode.NotFound, "SESSION_NOT_FOUND");
        Assert.Equal(missingError.ToJsonString(), foreignError.ToJsonString());
        await silo.AssertAcceptedAsync(victim.AccessToken);
        await silo.RefreshAsync(victim);
        Assert.Null(Assert.Single(await silo.SessionRowsAsync(victim.UserId)).RevokedAt);
    }

    [Theory]
    [InlineData("not-a-guid")]
    [InlineData("123")]
    [InlineData("00000000-0000-0000-0000-000000000000")]
    [InlineData("%20")]
    public async Task Deleting_a_malformed_or_unknown_session_id_is_404_SESSION_NOT_FOUND(string id)
    {
        var user = await silo.RegisterAsync();

        using var response = await DeleteSessionAsync(user.AccessToken, id);

        await response.AssertErrorAsync(HttpStatusCode.NotFound, "SESSION_NOT_FOUND");
        await silo.AssertAcceptedAsync(user.AccessToken);
    }

    [Fact]
    public async Task Deleting_an_already_deleted_session_is_404()
    {
        var user = await silo.RegisterAsync();
        var other = await silo.LoginAsync(user.Email, user.Password);
        using (var first = await DeleteSessionAsync(user.AccessToken, other.SessionId.ToString()))
        {
            Assert.Equal(HttpStatusCode.NoContent, first.StatusCode);
        }

        using var second = await DeleteSessionAsync(user.AccessToken, other.SessionId.ToString());

        await second.AssertErrorAsync(HttpStatusCode.NotFound, "SESSION_NOT_FOUND");
    }

    [Fact]
    public async Task Logged_out_sessions_disappear_from_the_list()
    {
        var user = await silo.RegisterAsync();
        var other = await silo.LoginAsync(user.Email, user.Password);
        using (var logout = await silo.SendAsync(HttpMethod.Post, "/api/v1/auth/logout", token: other.AccessToken))
        {
            Assert.Equal(HttpStatusCode.NoContent, logout.StatusCode);
        }

        var body = await ListAsync(user.AccessToken);

        Assert.Equal(1, body["total"]!.GetValue<long>());
        Assert.Equal(user.SessionId.ToString(), Assert.Single(body["items"]!.AsArray())!["id"]!.GetValue<string>());
    }
}
