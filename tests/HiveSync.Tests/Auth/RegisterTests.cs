using System.Net;
using System.Text.Json.Nodes;
using HiveSync.Tests.Platform;
using Microsoft.IdentityModel.JsonWebTokens;
using static HiveSync.Tests.Auth.AuthTestKit;

namespace HiveSync.Tests.Auth;

public sealed class RegisterTests(TestSilo silo) : IClassFixture<TestSilo>
{
    [Fact]
    public async Task Register_creates_the_account_and_signs_in()
    {
        var signedIn = await silo.RegisterAsync("New.User@Example.COM");

        Assert.Equal("new.user@example.com", signedIn.Email);
        Assert.Equal("Bearer", signedIn.Data["token_type"]!.GetValue<string>());
        Assert.Equal("free", signedIn.Data["user"]!["tier"]!.GetValue<string>());
        using var response = await silo.GetAsync("/api/v1/user/me", signedIn.AccessToken);
        var me = await response.ReadJsonAsync();
        Assert.Equal(signedIn.UserId, me["id"]!.GetValue<long>());
    }

    [Fact]
    public async Task Register_with_an_email_taken_in_another_case_is_a_conflict()
    {
        await silo.RegisterAsync("taken@example.com");

        var response = await silo.SendAsync(HttpMethod.Post, "/api/v1/auth/register", Json(new JsonObject { ["email"] = "TAKEN@example.com", ["password"] = "another long password" }));

        await response.AssertErrorAsync(HttpStatusCode.Conflict, "CONFLICT");
    }

    [Fact]
    public async Task Register_answers_201_with_location_and_the_exact_token_response_shape()
    {
        var email = NewEmail();
        var before = DateTimeOffset.UtcNow;

        using var response = await silo.RegisterResponseAsync(Json(new JsonObject { ["email"] = email, ["password"] = Password }));

        var after = DateTimeOffset.UtcNow;
        var body = await response.AssertOkJsonAsync(HttpStatusCode.Created);
        Assert.Equal("/api/v1/auth/me", response.Headers.Location?.ToString());
        AssertExactKeys(body, "data");
        var data = body["data"]!;
        AssertExactKeys(data, TokenResponseKeys);
        Assert.Equal("Bearer", data["token_type"]!.GetValue<string>());
        Assert.Equal(900, data["expires_in"]!.GetValue<int>());
        var accessExpires = AssertUtcTimestamp(data["access_token_expires_at"]);
        var refreshExpires = AssertUtcTimestamp(data["refresh_token_expires_at"]);
        // Issued at some instant of the request (however long it took), for exactly 15 minutes and 30 days.
        Assert.InRange(accessExpires, before.AddMinutes(15).AddMilliseconds(-1), after.AddMinutes(15));
        Assert.InRange(refreshExpires, before.AddDays(30).AddMilliseconds(-1), after.AddDays(30));
        Assert.StartsWith("hsr3.", data["refresh_token"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.True(Guid.TryParse(data["session_id"]!.GetValue<string>(), out _));
        var row = await silo.UserRowAsync(email);
        Assert.NotNull(row);
        AssertUserObject(data["user"], row.Id, email);
        Assert.Equal("user", row.Role);
        Assert.False(row.EmailVerified);

        var jwt = new JsonWebToken(data["access_token"]!.GetValue<string>());
        Assert.Equal(row.Id.ToString(System.Globalization.CultureInfo.InvariantCulture), jwt.Subject);
        Assert.Equal(data["session_id"]!.GetValue<string>(), jwt.GetClaim("sid").Value);
        Assert.Equal("user", jwt.GetClaim("role").Value);
    }

    [Fact]
    public async Task Register_stores_the_email_trimmed_and_lower_cased()
    {
        var local = "Mixed.Case-" + Guid.NewGuid().ToString("N")[..8];
        var raw = $"  {local}@Example.COM \t";

        var signedIn = await silo.RegisterAsync(raw);

        var normalised = $"{local.ToLowerInvariant()}@example.com";
        Assert.Equal(normalised, signedIn.Email);
        var row = await silo.UserRowAsync(normalised);
        Assert.NotNull(row);
        Assert.Equal(signedIn.UserId, row.Id);
    }

    [Fact]
    public async Task Register_accepts_a_non_ascii_email_and_lower_cases_it()
    {
        var local = "Ünïcödé" + Guid.NewGuid().ToString("N")[..6];

        var signedIn = await silo.RegisterAsync($"{local}@Example.com");

        Assert.Equal($"{local.ToLowerInvariant()}@example.com", signedIn.Email);
    }

    [Fact]
    public async Task Register_with_a_taken_email_differing_in_case_and_spaces_is_a_conflict_and_adds_no_row()
    {
        var email = NewEmail("dup");
        var first = await silo.RegisterAsync(email);

        using var response = await silo.RegisterResponseAsync(Json(new JsonObject { ["email"] = $"  {email.ToUpperInvariant()} ", ["password"] = "a different password" }));

        var error = await response.AssertErrorAsync(HttpStatusCode.Conflict, "CONFLICT");
        Assert.True(error["details"]?["email"] is JsonArray { Count: > 0 }, error.ToJsonString());
        Assert.Equal(1, await silo.CountUsersAsync(email));
        Assert.Equal(first.UserId, (await silo.UserRowAsync(email))!.Id);

        // The original password still signs in: the conflicting registration changed nothing.
        await silo.LoginAsync(email, first.Password);
    }

    [Theory]
    [InlineData("not-an-email")]
    [InlineData("user@localhost")]
    [InlineData("user@")]
    [InlineData("@example.com")]
    [InlineData("two words@example.com")]
    [InlineData("user@@example.com")]
    [InlineData("Display Name <user@example.com>")]
    [InlineData("user@.example.com")]
    [InlineData("user\u0001@example.com")]
    [InlineData("user@example.com.")]
    [InlineData("İSTANBUL@example.com")]
    public async Task Register_refuses_an_invalid_email_and_creates_no_user(string email)
    {
        using var response = await silo.RegisterResponseAsync(Json(new JsonObject { ["email"] = email, ["password"] = Password }));

        await response.AssertValidationErrorAsync("email");
        Assert.Equal(0, await silo.CountUsersAsync(email));
    }

    [Fact]
    public async Task Register_refuses_a_trailing_dot_variant_of_a_taken_email()
    {
        var taken = await silo.RegisterAsync();

        using var response = await silo.RegisterResponseAsync(Json(new JsonObject { ["email"] = taken.Email + ".", ["password"] = Password }));

        await response.AssertValidationErrorAsync("email");
        Assert.Equal(0, await silo.CountUsersAsync(taken.Email + "."));
    }

    [Fact]
    public async Task Register_refuses_an_email_longer_than_254_characters()
    {
        var email = new string('a', 64) + "@" + string.Join('.', Enumerable.Repeat(new string('b', 60), 3)) + ".example.com";
        Assert.True(email.Length > 254);

        using var response = await silo.RegisterResponseAsync(Json(new JsonObject { ["email"] = email, ["password"] = Password }));

        await response.AssertValidationErrorAsync("email");
        Assert.Equal(0, await silo.CountUsersAsync(email));
    }

    [Theory]
    [InlineData(9)]
    [InlineData(129)]
    [InlineData(1)]
    public async Task Register_refuses_a_password_outside_10_to_128_characters_and_creates_no_user(int length)
    {
        var email = NewEmail();

        using var response = await silo.RegisterResponseAsync(Json(new JsonObject { ["email"] = email, ["password"] = new string('p', length) }));

        await response.AssertValidationErrorAsync("password");
        Assert.Equal(0, await silo.CountUsersAsync(email));
    }

    [Theory]
    [InlineData(10)]
    [InlineData(128)]
    public async Task Register_accepts_a_password_of_exactly_the_minimum_or_maximum_length(int length)
    {
        var password = new string('p', length);
        var email = NewEmail();

        using var response = await silo.RegisterResponseAsync(Json(new JsonObject { ["email"] = email, ["password"] = password }));

        await response.AssertOkJsonAsync(HttpStatusCode.Created);
        await silo.LoginAsync(email, password);
    }

    [Fact]
    public async Task Register_refuses_a_password_equal_to_the_email_in_any_case()
    {
        var email = NewEmail("same");

        using var response = await silo.RegisterResponseAsync(Json(new JsonObject { ["email"] = email, ["password"] = email.ToUpperInvariant() }));

        await response.AssertValidationErrorAsync("password");
        Assert.Equal(0, await silo.CountUsersAsync(email));
    }

    [Theory]
    [InlineData("          ")]
    [InlineData("has\u0000a control char")]
    [InlineData("line\nbreak password")]
    public async Task Register_refuses_a_blank_password_or_one_with_control_characters(string password)
    {
        var email = NewEmail();

        using var response = await silo.RegisterResponseAsync(Json(new JsonObject { ["email"] = email, ["password"] = password }));

        await response.AssertValidationErrorAsync("password");
        Assert.Equal(0, await silo.CountUsersAsync(email));
    }

    [Fact]
    public async Task Register_without_an_email_names_the_email_field()
    {
        using var response = await silo.RegisterResponseAsync(Json(new JsonObject { ["password"] = Password }));

        await response.AssertValidationErrorAsync("email");
    }

    [Fact]
    public async Task Register_without_a_password_names_the_password_field_and_creates_no_user()
    {
        var email = NewEmail();

        using var response = await silo.RegisterResponseAsync(Json(new JsonObject { ["email"] = email }));

        await response.AssertValidationErrorAsync("password");
        Assert.Equal(0, await silo.CountUsersAsync(email));
    }

    [Fact]
    public async Task Register_with_null_fields_is_a_validation_error()
    {
        using var response = await silo.RegisterResponseAsync("""{"email":null,"password":null}""");

        await response.AssertValidationErrorAsync("email");
    }

    [Theory]
    [InlineData("role", "\"admin\"")]
    [InlineData("tier", "\"premium\"")]
    [InlineData("email_verified", "true")]
    [InlineData("displayName", "\"camelCase is not our naming\"")]
    public async Task Register_refuses_an_unknown_json_field_by_name_and_creates_no_user(string field, string value)
    {
        var email = NewEmail();

        using var response = await silo.RegisterResponseAsync($$"""{"email":"{{email}}","password":"{{Password}}","{{field}}":{{value}}}""");

        await response.AssertValidationErrorAsync(field);
        Assert.Equal(0, await silo.CountUsersAsync(email));
    }

    [Fact]
    public async Task Register_with_a_wrongly_typed_field_names_that_field()
    {
        using var response = await silo.RegisterResponseAsync($$"""{"email":42,"password":"{{Password}}"}""");

        await response.AssertValidationErrorAsync("email");
    }

    [Theory]
    [InlineData("{\"email\": \"a@example.com\", \"password\": ")]
    [InlineData("{email: 'a@example.com'}")]
    [InlineData("not json at all")]
    [InlineData("")]
    [InlineData("null")]
    [InlineData("[]")]
    [InlineData("\"a string\"")]
    public async Task Register_with_a_malformed_or_non_object_body_is_a_validation_error(string body)
    {
        var before = await silo.CountAllUsersAsync();

        using var response = await silo.RegisterResponseAsync(body);

        await response.AssertErrorAsync(HttpStatusCode.BadRequest, "VALIDATION_ERROR");
        Assert.Equal(before, await silo.CountAllUsersAsync());
    }

    [Fact]
    public async Task Register_with_a_non_json_content_type_is_415()
    {
        var email = NewEmail();

        using var response = await silo.SendAsync(new TestRequest(HttpMethod.Post, "/api/v1/auth/register")
        {
            Body = Json(new JsonObject { ["email"] = email, ["password"] = Password }),
            ContentType = "text/plain",
        });

        await response.AssertErrorAsync(HttpStatusCode.UnsupportedMediaType, "UNSUPPORTED_MEDIA_TYPE");
        Assert.Equal(0, await silo.CountUsersAsync(email));
    }

    [Fact]
    public async Task Register_with_a_body_over_the_size_limit_is_413()
    {
        var email = NewEmail();
        var json = Json(new JsonObject { ["email"] = email, ["password"] = Password, ["display_name"] = new string('x', 2 * 1024 * 1024) });

        using var response = await silo.RegisterResponseAsync(json);

        await response.AssertErrorAsync(HttpStatusCode.RequestEntityTooLarge, "PAYLOAD_TOO_LARGE");
        Assert.Equal(0, await silo.CountUsersAsync(email));
    }

    [Fact]
    public async Task Register_saves_the_display_name_trimmed_in_the_profile()
    {
        var email = NewEmail();

        using var response = await silo.RegisterResponseAsync(Json(new JsonObject { ["email"] = email, ["password"] = Password, ["display_name"] = "  Ada Lovelace  " }));

        var data = (await response.AssertOkJsonAsync(HttpStatusCode.Created))["data"]!;
        using var profile = await silo.GetAsync("/api/v1/profile", data["access_token"]!.GetValue<string>());
        Assert.Equal("Ada Lovelace", (await profile.AssertOkJsonAsync())["data"]!["display_name"]!.GetValue<string>());
    }

    [Theory]
    [InlineData("   ")]
    [InlineData("bad\u0007name")]
    public async Task Register_refuses_an_invalid_display_name_and_creates_no_user(string displayName)
    {
        var email = NewEmail();

        using var response = await silo.RegisterResponseAsync(Json(new JsonObject { ["email"] = email, ["password"] = Password, ["display_name"] = displayName }));

        await response.AssertValidationErrorAsync("display_name");
        Assert.Equal(0, await silo.CountUsersAsync(email));
    }

    [Theory]
    [InlineData("display_name")]
    [InlineData("device_name")]
    [InlineData("password")]
    [InlineData("email")]
    public async Task Register_refuses_an_unpaired_surrogate_escape_by_field(string field)
    {
        var fields = new Dictionary<string, string> { ["email"] = $"\"{NewEmail()}\"", ["password"] = $"\"{Password}\"" };
        fields[field] = "\"bad \\ud800 text here\"";
        var json = "{" + string.Join(',', fields.Select(f => $"\"{f.Key}\":{f.Value}")) + "}";
        var before = await silo.CountAllUsersAsync();

        using var response = await silo.RegisterResponseAsync(json);

        await response.AssertValidationErrorAsync(field);
        Assert.Equal(before, await silo.CountAllUsersAsync());
    }

    [Fact]
    public async Task Register_records_the_device_name_on_the_new_session()
    {
        var signedIn = await silo.RegisterAsync(deviceName: "Ada's phone");

        var rows = await silo.SessionRowsAsync(signedIn.UserId);

        var session = Assert.Single(rows);
        Assert.Equal(signedIn.SessionId, session.Id);
        Assert.Equal("Ada's phone", session.DeviceName);
    }

    [Fact]
    public async Task Register_refuses_a_device_name_over_100_characters_and_creates_no_user()
    {
        var email = NewEmail();

        using var response = await silo.RegisterResponseAsync(Json(new JsonObject { ["email"] = email, ["password"] = Password, ["device_name"] = new string('d', 101) }));

        await response.AssertValidationErrorAsync("device_name");
        Assert.Equal(0, await silo.CountUsersAsync(email));
    }

    [Fact]
    public async Task Register_is_public_and_ignores_a_bearer_token()
    {
        var email = NewEmail();

        using var response = await silo.SendAsync(HttpMethod.Post, "/api/v1/auth/register", Json(new JsonObject { ["email"] = email, ["password"] = Password }), token: "garbage");

        await response.AssertOkJsonAsync(HttpStatusCode.Created);
    }
}
