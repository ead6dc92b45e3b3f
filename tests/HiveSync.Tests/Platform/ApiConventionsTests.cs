using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;

namespace HiveSync.Tests.Platform;

/// <summary>What every route shares: the error envelope from every layer, request ids, the OpenAPI document.</summary>
public sealed class ApiConventionsTests(TestSilo silo) : IClassFixture<TestSilo>
{
    [Fact]
    public async Task Unknown_route_answers_404_in_the_envelope()
    {
        var response = await silo.Http.GetAsync("/api/v1/no-such-route");

        await response.AssertErrorAsync(HttpStatusCode.NotFound, "NOT_FOUND");
    }

    [Fact]
    public async Task Wrong_method_answers_405_in_the_envelope()
    {
        var response = await silo.SendAsync(new TestRequest(HttpMethod.Put, "/api/v1/auth/login"));

        await response.AssertErrorAsync(HttpStatusCode.MethodNotAllowed, "METHOD_NOT_ALLOWED");
    }

    [Fact]
    public async Task Non_json_body_answers_415_in_the_envelope()
    {
        var response = await silo.SendAsync(new TestRequest(HttpMethod.Post, "/api/v1/auth/login") { Body = "email=a", ContentType = "application/x-www-form-urlencoded" });

        await response.AssertErrorAsync(HttpStatusCode.UnsupportedMediaType, "UNSUPPORTED_MEDIA_TYPE");
    }

    [Theory]
    [InlineData("{\"email\": ")]
    [InlineData("not json")]
    [InlineData("")]
    public async Task Malformed_json_answers_400_validation_error(string body)
    {
        var response = await silo.SendAsync(new TestRequest(HttpMethod.Post, "/api/v1/auth/login") { Body = body });

        await response.AssertErrorAsync(HttpStatusCode.BadRequest, "VALIDATION_ERROR");
    }

    [Fact]
    public async Task A_value_of_the_wrong_type_names_its_field()
    {
        var response = await silo.SendAsync(new TestRequest(HttpMethod.Post, "/api/v1/auth/login") { Body = "{\"email\": 42, \"password\": \"x\"}" });

        await response.AssertValidationErrorAsync("email");
    }

    [Fact]
    public async Task An_unknown_field_is_refused_and_named()
    {
        var response = await silo.SendAsync(new TestRequest(HttpMethod.Post, "/api/v1/auth/register") { Body = "{\"email\": \"a@example.com\", \"password\": \"long enough password\", \"is_admin\": true}" });

        await response.AssertValidationErrorAsync("is_admin");
        await using var db = await silo.OpenDatabaseAsync();
        await using var count = new Npgsql.NpgsqlCommand("SELECT count(*) FROM users WHERE email = 'a@example.com'", db);
        Assert.Equal(0L, await count.ExecuteScalarAsync());
    }

    [Fact]
    public async Task A_body_over_the_limit_answers_413()
    {
        var big = "{\"email\": \"" + new string('a', 1024 * 1024) + "\"}";

        var response = await silo.SendAsync(new TestRequest(HttpMethod.Post, "/api/v1/auth/login") { Body = big });

        await response.AssertErrorAsync(HttpStatusCode.RequestEntityTooLarge, "PAYLOAD_TOO_LARGE");
    }

    [Fact]
    public async Task A_chunked_body_over_the_limit_answers_413()
    {
        var big = "{\"email\": \"" + new string('a', 1024 * 1024) + "\"}";

        var response = await silo.SendAsync(new TestRequest(HttpMethod.Post, "/api/v1/auth/login") { Body = big, Chunked = true });

        await response.AssertErrorAsync(HttpStatusCode.RequestEntityTooLarge, "PAYLOAD_TOO_LARGE");
    }

    [Fact]
    public async Task A_well_formed_request_id_is_echoed()
    {
        var response = await silo.SendAsync(new TestRequest(HttpMethod.Get, "/health/live") { RequestId = "client-req.42:a" });

        Assert.Equal("client-req.42:a", response.Headers.GetValues("X-Request-Id").Single());
    }

    [Theory]
    [InlineData(null)]
    [InlineData("has spaces and <tags>")]
    public async Task A_missing_or_unsafe_request_id_is_replaced_by_a_generated_one(string? supplied)
    {
        var response = await silo.SendAsync(new TestRequest(HttpMethod.Get, "/api/v1/nothing-here") { RequestId = supplied });

        var id = response.Headers.GetValues("X-Request-Id").Single();
        Assert.Matches("^[0-9a-f]{32}$", id);
    }

    [Fact]
    public async Task Timestamps_are_utc_with_a_z_suffix()
    {
        var user = await silo.RegisterAsync();

        Assert.EndsWith("Z", user.Data["access_token_expires_at"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.EndsWith("Z", user.Data["refresh_token_expires_at"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_openapi_document_lists_every_route_and_method_with_the_envelope_and_bearer_scheme()
    {
        var document = await silo.Http.GetFromJsonAsync<JsonNode>("/openapi/v1.json");

        // Every route the server maps under /api/v1, with each of its methods, read from the running app itself.
        var routes = silo.Service<Microsoft.AspNetCore.Routing.EndpointDataSource>().Endpoints
            .OfType<Microsoft.AspNetCore.Routing.RouteEndpoint>()
            .Where(e => e.RoutePattern.RawText?.StartsWith("/api/v1/", StringComparison.Ordinal) == true)
            .SelectMany(e => (e.Metadata.GetMetadata<Microsoft.AspNetCore.Routing.IHttpMethodMetadata>()?.HttpMethods ?? []).Select(m => (Path: WithoutConstraints(e.RoutePattern.RawText!), Method: m)))
            .ToList();
        Assert.True(routes.Count >= 15, string.Join(", ", routes)); // auth, user, profile and billing at least
        var paths = document!["paths"]!.AsObject().ToDictionary(p => p.Key.TrimEnd('/'), p => p.Value);
        foreach (var (path, method) in routes)
        {
            Assert.True(paths.GetValueOrDefault(path.TrimEnd('/'))?[method.ToLowerInvariant()] is JsonObject, $"{method} {path} is not in the OpenAPI document");
        }

        Assert.Equal("bearer", document["components"]!["securitySchemes"]!["Bearer"]!["scheme"]!.GetValue<string>());
        var schemas = document["components"]!["schemas"]!.AsObject();
        Assert.True(schemas.ContainsKey("ErrorEnvelope"), "ErrorEnvelope schema missing");
        Assert.True(schemas["TokenResponse"]!["properties"]!.AsObject().ContainsKey("access_token"), "schemas are not snake_case");
        var me = document["paths"]!["/api/v1/user/me"]!["get"]!;
        Assert.NotNull(me["responses"]!["401"]);
        Assert.NotNull(me["security"]);
    }

    [Fact]
    public async Task The_api_reference_page_is_served()
    {
        var response = await silo.Http.GetAsync("/scalar/v1");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("text/html", response.Content.Headers.ContentType?.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Health_endpoints_report_live_and_ready()
    {
        var live = await silo.Http.GetAsync("/health/live");
        var ready = await (await silo.Http.GetAsync("/health/ready")).ReadJsonAsync();

        Assert.Equal(HttpStatusCode.OK, live.StatusCode);
        Assert.Equal("healthy", ready["status"]!.GetValue<string>());
        Assert.Equal("healthy", ready["checks"]!["postgres"]!["status"]!.GetValue<string>());
        Assert.Equal("healthy", ready["checks"]!["silo"]!["status"]!.GetValue<string>());
    }

    [Fact]
    public async Task The_document_declares_idempotency_keys_on_creates_and_if_match_on_versioned_edits()
    {
        var document = await silo.Http.GetFromJsonAsync<JsonNode>("/openapi/v1.json");
        string[] Headers(string path, string method) =>
            [.. (document!["paths"]![path]![method]!["parameters"]?.AsArray() ?? []).Where(p => p!["in"]!.GetValue<string>() == "header").Select(p => p!["name"]!.GetValue<string>())];

        foreach (var create in new[] { "/api/v1/projects", "/api/v1/projects/{project_id}/tasks", "/api/v1/projects/{project_id}/comments", "/api/v1/projects/{project_id}/team/invite" })
        {
            Assert.Contains("Idempotency-Key", Headers(create, "post"));
        }

        Assert.Contains("If-Match", Headers("/api/v1/projects/{project_id}/tasks/{task_id}", "patch"));
        Assert.Contains("If-Match", Headers("/api/v1/projects/{project_id}", "delete"));
        Assert.DoesNotContain("If-Match", Headers("/api/v1/profile", "patch"));
    }

    // The document names a route's parameters without their constraints: {project_id:long} is {project_id} there, and
    // a catch-all {**key} is {key}.
    private static string WithoutConstraints(string pattern) => System.Text.RegularExpressions.Regex.Replace(pattern, @"\{\*{0,2}(\w+)(:[^}]+)?\}", "{$1}");
}
