using System.Net;
using System.Text.Json.Nodes;
using HiveSync.Tests.Auth;
using HiveSync.Tests.Platform;
using static HiveSync.Tests.Auth.AuthTestKit;

namespace HiveSync.Tests.Profile;

public sealed class ProfileTests(TestSilo silo) : IClassFixture<TestSilo>
{
    private static readonly string[] ProfileKeys =
        ["id", "email", "display_name", "avatar_url", "preferences", "role", "email_verified", "tier", "created_at", "updated_at", "username"];

    private async Task<JsonNode> GetProfileAsync(string token)
    {
        using var response = await silo.GetAsync("/api/v1/profile", token);
        var body = await response.AssertOkJsonAsync();
        AssertExactKeys(body, "data");
        return body["data"]!;
    }

    private Task<HttpResponseMessage> PatchAsync(string token, string json) =>
        silo.SendAsync(HttpMethod.Patch, "/api/v1/profile", json, token: token);

    private async Task<JsonNode> PatchOkAsync(string token, string json)
    {
        using var response = await PatchAsync(token, json);
        var body = await response.AssertOkJsonAsync();
        AssertExactKeys(body, "data");
        return body["data"]!;
    }

    /// <summary>Asserts that the profile (API and row) is exactly as it was.</summary>
    private async Task AssertUnchangedAsync(SignedIn user, JsonNode before, UserDbRow beforeRow)
    {
        var after = await GetProfileAsync(user.AccessToken);
        Assert.True(JsonNode.DeepEquals(before, after), $"{before.ToJsonString()} -> {after.ToJsonString()}");
        Assert.Equal(beforeRow, await silo.UserRowAsync(user.Email));
    }

    private async Task<(SignedIn User, JsonNode Profile, UserDbRow Row)> UserWithProfileAsync()
    {
        var user = await silo.RegisterAsync();
        var profile = await PatchOkAsync(user.AccessToken, """{"display_name":"Grace Hopper","avatar_url":"https://cdn.example.com/grace.png","preferences":{"theme":"dark"}}""");
        return (user, profile, (await silo.UserRowAsync(user.Email))!);
    }

    [Fact]
    public async Task Get_profile_returns_the_exact_profile_shape_of_a_new_user()
    {
        var email = NewEmail();
        using var register = await silo.RegisterResponseAsync(Json(new JsonObject { ["email"] = email, ["password"] = Password, ["display_name"] = "Ada" }));
        var user = SignedIn.From((await register.AssertOkJsonAsync(HttpStatusCode.Created))["data"]!, Password);

        var profile = await GetProfileAsync(user.AccessToken);

        AssertExactKeys(profile, ProfileKeys);
        Assert.Equal(user.UserId, profile["id"]!.GetValue<long>());
        Assert.Equal(email, profile["email"]!.GetValue<string>());
        Assert.Equal("Ada", profile["display_name"]!.GetValue<string>());
        Assert.Null(profile["avatar_url"]);
        AssertExactKeys(profile["preferences"]);
        Assert.Equal("user", profile["role"]!.GetValue<string>());
        Assert.False(profile["email_verified"]!.GetValue<bool>());
        Assert.Equal("free", profile["tier"]!.GetValue<string>());
        var created = AssertUtcTimestamp(profile["created_at"]);
        Assert.InRange(DateTimeOffset.UtcNow - created, TimeSpan.FromMinutes(-1), TimeSpan.FromMinutes(5));
        Assert.True(AssertUtcTimestamp(profile["updated_at"]) >= created);
    }

    [Fact]
    public async Task Patch_sets_display_name_avatar_and_preferences_and_get_and_the_row_agree()
    {
        var user = await silo.RegisterAsync();
        var before = await GetProfileAsync(user.AccessToken);

        var patched = await PatchOkAsync(user.AccessToken, """{"display_name":"  Grace Hopper ","avatar_url":"https://cdn.example.com/a/grace.png?size=64","preferences":{"theme":"dark","editor":{"tabs":4,"wrap":true},"langs":["c#","sql"]}}""");

        AssertExactKeys(patched, ProfileKeys);
        Assert.Equal("Grace Hopper", patched["display_name"]!.GetValue<string>());
        Assert.Equal("https://cdn.example.com/a/grace.png?size=64", patched["avatar_url"]!.GetValue<string>());
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse("""{"theme":"dark","editor":{"tabs":4,"wrap":true},"langs":["c#","sql"]}"""), patched["preferences"]), patched.ToJsonString());
        Assert.Equal(before["created_at"]!.GetValue<string>(), patched["created_at"]!.GetValue<string>());
        Assert.True(AssertUtcTimestamp(patched["updated_at"]) >= AssertUtcTimestamp(before["updated_at"]));
        Assert.True(JsonNode.DeepEquals(patched, await GetProfileAsync(user.AccessToken)));
        var row = (await silo.UserRowAsync(user.Email))!;
        Assert.Equal("Grace Hopper", row.DisplayName);
        Assert.Equal("https://cdn.example.com/a/grace.png?size=64", row.AvatarUrl);
        Assert.True(JsonNode.DeepEquals(patched["preferences"], JsonNode.Parse(row.Preferences)));
    }

    [Fact]
    public async Task Patch_leaves_absent_fields_as_they_were()
    {
        var (user, _, _) = await UserWithProfileAsync();

        var patched = await PatchOkAsync(user.AccessToken, """{"display_name":"Rear Admiral"}""");

        Assert.Equal("Rear Admiral", patched["display_name"]!.GetValue<string>());
        Assert.Equal("https://cdn.example.com/grace.png", patched["avatar_url"]!.GetValue<string>());
        Assert.Equal("dark", patched["preferences"]!["theme"]!.GetValue<string>());
    }

    [Fact]
    public async Task Patch_with_an_empty_object_changes_nothing_visible()
    {
        var (user, before, _) = await UserWithProfileAsync();

        var patched = await PatchOkAsync(user.AccessToken, "{}");

        Assert.Equal(before["display_name"]!.GetValue<string>(), patched["display_name"]!.GetValue<string>());
        Assert.Equal(before["avatar_url"]!.GetValue<string>(), patched["avatar_url"]!.GetValue<string>());
        Assert.True(JsonNode.DeepEquals(before["preferences"], patched["preferences"]));
    }

    [Fact]
    public async Task Patch_with_null_clears_display_name_and_avatar_and_resets_preferences()
    {
        var (user, _, _) = await UserWithProfileAsync();

        var patched = await PatchOkAsync(user.AccessToken, """{"display_name":null,"avatar_url":null,"preferences":null}""");

        Assert.Null(patched["display_name"]);
        Assert.Null(patched["avatar_url"]);
        AssertExactKeys(patched["preferences"]);
        var row = (await silo.UserRowAsync(user.Email))!;
        Assert.Null(row.DisplayName);
        Assert.Null(row.AvatarUrl);
        Assert.Equal("{}", row.Preferences);
    }

    [Fact]
    public async Task Patch_of_preferences_replaces_the_whole_object()
    {
        var (user, _, _) = await UserWithProfileAsync();

        var patched = await PatchOkAsync(user.AccessToken, """{"preferences":{"language":"de"}}""");

        Assert.True(JsonNode.DeepEquals(JsonNode.Parse("""{"language":"de"}"""), patched["preferences"]), patched.ToJsonString());
    }

    [Theory]
    [InlineData("http://cdn.example.com/a.png")]
    [InlineData("ftp://cdn.example.com/a.png")]
    [InlineData("javascript:alert(1)")]
    [InlineData("data:image/png;base64,AAAA")]
    [InlineData("/relative/a.png")]
    [InlineData("cdn.example.com/a.png")]
    [InlineData("https://user:secret@cdn.example.com/a.png")]
    [InlineData("")]
    public async Task Patch_refuses_an_avatar_url_that_is_not_a_plain_absolute_https_url(string url)
    {
        var (user, before, beforeRow) = await UserWithProfileAsync();

        using var response = await PatchAsync(user.AccessToken, Json(new JsonObject { ["avatar_url"] = url }));

        await response.AssertValidationErrorAsync("avatar_url");
        await AssertUnchangedAsync(user, before, beforeRow);
    }

    [Fact]
    public async Task Patch_refuses_an_avatar_url_over_2048_characters()
    {
        var (user, before, beforeRow) = await UserWithProfileAsync();

        using var response = await PatchAsync(user.AccessToken, Json(new JsonObject { ["avatar_url"] = "https://cdn.example.com/" + new string('a', 2048) }));

        await response.AssertValidationErrorAsync("avatar_url");
        await AssertUnchangedAsync(user, before, beforeRow);
    }

    [Theory]
    [InlineData("[1,2,3]")]
    [InlineData("\"dark\"")]
    [InlineData("42")]
    [InlineData("true")]
    public async Task Patch_refuses_preferences_that_are_not_an_object(string value)
    {
        var (user, before, beforeRow) = await UserWithProfileAsync();

        using var response = await PatchAsync(user.AccessToken, $$"""{"preferences":{{value}}}""");

        await response.AssertValidationErrorAsync("preferences");
        await AssertUnchangedAsync(user, before, beforeRow);
    }

    [Fact]
    public async Task Patch_refuses_preferences_over_16_KiB()
    {
        var (user, before, beforeRow) = await UserWithProfileAsync();
        var big = new JsonObject { ["blob"] = new string('x', 16 * 1024) };

        using var response = await PatchAsync(user.AccessToken, Json(new JsonObject { ["preferences"] = big }));

        await response.AssertValidationErrorAsync("preferences");
        await AssertUnchangedAsync(user, before, beforeRow);
    }

    [Fact]
    public async Task Patch_accepts_preferences_just_under_16_KiB()
    {
        var user = await silo.RegisterAsync();
        var preferences = new JsonObject { ["blob"] = new string('x', 16 * 1024 - 20) };

        var patched = await PatchOkAsync(user.AccessToken, Json(new JsonObject { ["preferences"] = preferences }));

        Assert.Equal(16 * 1024 - 20, patched["preferences"]!["blob"]!.GetValue<string>().Length);
    }

    [Theory]
    [InlineData(9)]
    [InlineData(20)]
    [InlineData(40)]
    public async Task Patch_refuses_preferences_nested_deeper_than_8_levels(int depth)
    {
        var (user, before, beforeRow) = await UserWithProfileAsync();

        using var response = await PatchAsync(user.AccessToken, $"{{\"preferences\":{Nested(depth)}}}");

        await response.AssertErrorAsync(HttpStatusCode.BadRequest, "VALIDATION_ERROR");
        if (depth < 30)
        {
            await response.AssertValidationErrorAsync("preferences");
        }

        await AssertUnchangedAsync(user, before, beforeRow);
    }

    [Fact]
    public async Task Patch_accepts_preferences_nested_8_levels()
    {
        var user = await silo.RegisterAsync();

        var patched = await PatchOkAsync(user.AccessToken, $"{{\"preferences\":{Nested(8)}}}");

        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(Nested(8)), patched["preferences"]));
    }

    [Theory]
    [InlineData("""{"preferences":{"a":"nul\u0000here"}}""")]
    [InlineData("""{"preferences":{"a":"lone \ud800 surrogate"}}""")]
    [InlineData("""{"preferences":{"a\u0000":1}}""")]
    public async Task Patch_refuses_preferences_the_database_cannot_store_with_400_not_500(string json)
    {
        var (user, before, beforeRow) = await UserWithProfileAsync();

        using var response = await PatchAsync(user.AccessToken, json);

        await response.AssertValidationErrorAsync("preferences");
        await AssertUnchangedAsync(user, before, beforeRow);
    }

    [Theory]
    [InlineData("tier", "\"premium\"")]
    [InlineData("role", "\"admin\"")]
    [InlineData("email_verified", "true")]
    [InlineData("email", "\"new@example.com\"")]
    [InlineData("id", "1")]
    [InlineData("created_at", "\"2020-01-01T00:00:00Z\"")]
    [InlineData("updated_at", "\"2020-01-01T00:00:00Z\"")]
    [InlineData("password", "\"a new password here\"")]
    public async Task Patch_refuses_a_read_only_field_by_name_and_changes_nothing(string field, string value)
    {
        var (user, before, beforeRow) = await UserWithProfileAsync();

        // A valid change rides along: it must not be applied either.
        using var response = await PatchAsync(user.AccessToken, $$"""{"display_name":"Changed","{{field}}":{{value}}}""");

        var error = await response.AssertValidationErrorAsync(field);
        Assert.Null(error["details"]!["display_name"]);
        await AssertUnchangedAsync(user, before, beforeRow);
        await silo.LoginAsync(user.Email, user.Password); // the password is the old one
    }

    [Fact]
    public async Task Patch_refuses_an_unknown_field_by_name()
    {
        var (user, before, beforeRow) = await UserWithProfileAsync();

        using var response = await PatchAsync(user.AccessToken, """{"displayName":"camel","favourite_colour":"blue"}""");

        await response.AssertValidationErrorAsync("displayName", "favourite_colour");
        await AssertUnchangedAsync(user, before, beforeRow);
    }

    [Theory]
    [InlineData("[]")]
    [InlineData("[{\"display_name\":\"x\"}]")]
    [InlineData("\"display_name\"")]
    [InlineData("42")]
    [InlineData("null")]
    [InlineData("true")]
    public async Task Patch_with_a_body_that_is_not_an_object_is_400(string json)
    {
        var (user, before, beforeRow) = await UserWithProfileAsync();

        using var response = await PatchAsync(user.AccessToken, json);

        await response.AssertErrorAsync(HttpStatusCode.BadRequest, "VALIDATION_ERROR");
        await AssertUnchangedAsync(user, before, beforeRow);
    }

    [Theory]
    [InlineData("")]
    [InlineData("{\"display_name\":")]
    [InlineData("{display_name: 'x'}")]
    public async Task Patch_with_a_missing_or_malformed_body_is_400(string json)
    {
        var (user, before, beforeRow) = await UserWithProfileAsync();

        using var response = await PatchAsync(user.AccessToken, json);

        await response.AssertErrorAsync(HttpStatusCode.BadRequest, "VALIDATION_ERROR");
        await AssertUnchangedAsync(user, before, beforeRow);
    }

    [Fact]
    public async Task Patch_with_a_non_json_content_type_is_415()
    {
        var (user, before, beforeRow) = await UserWithProfileAsync();
        using var response = await silo.SendAsync(new TestRequest(HttpMethod.Patch, "/api/v1/profile")
        {
            Body = """{"display_name":"x"}""",
            ContentType = "text/plain",
            Bearer = user.AccessToken,
        });

        await response.AssertErrorAsync(HttpStatusCode.UnsupportedMediaType, "UNSUPPORTED_MEDIA_TYPE");
        await AssertUnchangedAsync(user, before, beforeRow);
    }

    [Theory]
    [InlineData("display_name", "42")]
    [InlineData("display_name", "{}")]
    [InlineData("avatar_url", "true")]
    [InlineData("avatar_url", "[]")]
    public async Task Patch_with_a_wrongly_typed_field_names_it(string field, string value)
    {
        var (user, before, beforeRow) = await UserWithProfileAsync();

        using var response = await PatchAsync(user.AccessToken, $$"""{"{{field}}":{{value}}}""");

        await response.AssertValidationErrorAsync(field);
        await AssertUnchangedAsync(user, before, beforeRow);
    }

    [Theory]
    [InlineData("   ")]
    [InlineData("")]
    [InlineData("tab\there")]
    [InlineData("nul\u0000name")]
    public async Task Patch_refuses_an_invalid_display_name(string name)
    {
        var (user, before, beforeRow) = await UserWithProfileAsync();

        using var response = await PatchAsync(user.AccessToken, Json(new JsonObject { ["display_name"] = name }));

        await response.AssertValidationErrorAsync("display_name");
        await AssertUnchangedAsync(user, before, beforeRow);
    }

    [Theory]
    [InlineData("""{"display_name":"lone \ud800 surrogate"}""")]
    [InlineData("""{"display_name":"lone \udc00 surrogate"}""")]
    public async Task Patch_refuses_a_display_name_with_an_unpaired_surrogate_escape(string json)
    {
        var (user, before, beforeRow) = await UserWithProfileAsync();

        using var response = await PatchAsync(user.AccessToken, json);

        await response.AssertValidationErrorAsync("display_name");
        await AssertUnchangedAsync(user, before, beforeRow);
    }

    [Fact]
    public async Task Patch_refuses_a_display_name_over_100_characters_and_accepts_exactly_100()
    {
        var (user, before, beforeRow) = await UserWithProfileAsync();

        using (var tooLong = await PatchAsync(user.AccessToken, Json(new JsonObject { ["display_name"] = new string('n', 101) })))
        {
            await tooLong.AssertValidationErrorAsync("display_name");
        }

        await AssertUnchangedAsync(user, before, beforeRow);
        var patched = await PatchOkAsync(user.AccessToken, Json(new JsonObject { ["display_name"] = string.Concat(Enumerable.Repeat("🐝", 100)) }));
        Assert.Equal(string.Concat(Enumerable.Repeat("🐝", 100)), patched["display_name"]!.GetValue<string>());
    }

    [Fact]
    public async Task Patch_names_every_invalid_field_at_once()
    {
        var (user, before, beforeRow) = await UserWithProfileAsync();

        using var response = await PatchAsync(user.AccessToken, """{"tier":"pro","preferences":[],"display_name":5,"unknown":1}""");

        await response.AssertValidationErrorAsync("tier", "preferences", "display_name", "unknown");
        await AssertUnchangedAsync(user, before, beforeRow);
    }

    [Fact]
    public async Task Patch_changes_only_the_callers_profile()
    {
        var (victim, victimBefore, victimRow) = await UserWithProfileAsync();
        var other = await silo.RegisterAsync();

        await PatchOkAsync(other.AccessToken, """{"display_name":"Mallory","preferences":{"theme":"light"}}""");

        await AssertUnchangedAsync(victim, victimBefore, victimRow);
        Assert.Equal("Mallory", (await GetProfileAsync(other.AccessToken))["display_name"]!.GetValue<string>());
    }

    private static string Nested(int depth)
    {
        var json = "{\"leaf\":1}";
        for (var i = 1; i < depth; i++)
        {
            json = $"{{\"n{i}\":{json}}}";
        }

        return json;
    }
}
