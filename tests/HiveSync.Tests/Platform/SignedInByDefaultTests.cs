using System.Net;
using System.Security.Claims;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace HiveSync.Tests.Platform;

/// <summary>Routes are signed-in by default: only those that say AllowAnonymous are public.</summary>
public sealed partial class SignedInByDefaultTests(TestSilo silo) : IClassFixture<TestSilo>
{
    [Fact]
    public async Task A_route_that_declares_no_authorization_refuses_anonymous_callers()
    {
        var endpoint = new RouteEndpoint(_ => Task.CompletedTask, Microsoft.AspNetCore.Routing.Patterns.RoutePatternFactory.Parse("/api/v1/forgotten"), 0, EndpointMetadataCollection.Empty, "forgotten");
        var http = new DefaultHttpContext { RequestServices = silo.Services };
        http.SetEndpoint(endpoint);
        var fallback = silo.Services.GetRequiredService<IOptions<AuthorizationOptions>>().Value.FallbackPolicy;
        var authorization = silo.Services.GetRequiredService<IAuthorizationService>();

        Assert.NotNull(fallback);
        Assert.False((await authorization.AuthorizeAsync(new ClaimsPrincipal(new ClaimsIdentity()), http, fallback)).Succeeded);
        Assert.True((await authorization.AuthorizeAsync(new ClaimsPrincipal(new ClaimsIdentity([new Claim("sub", "1")], "Bearer")), http, fallback)).Succeeded);
    }

    [Fact]
    public async Task Every_route_not_marked_anonymous_answers_401_to_a_caller_without_credentials()
    {
        var routes = silo.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .Where(e => e.Metadata.GetMetadata<IAllowAnonymous>() is null)
            .Select(e => (Method: e.Metadata.GetMetadata<HttpMethodMetadata>() is { HttpMethods: [var first, ..] } ? first : "GET", Path: Parameter().Replace("/" + e.RoutePattern.RawText!.TrimStart('/'), "1")))
            .ToList();
        Assert.Contains(routes, r => r.Path == "/api/v1/user/me");

        foreach (var (method, path) in routes)
        {
            using var response = await silo.SendAsync(new TestRequest(new HttpMethod(method), path) { Body = method == "GET" ? null : "{}" });
            Assert.True(response.StatusCode == HttpStatusCode.Unauthorized, $"{method} {path} answered {(int)response.StatusCode} to an anonymous caller");
            await response.AssertErrorAsync(HttpStatusCode.Unauthorized, "AUTH_REQUIRED");
        }
    }

    [Fact]
    public async Task Unknown_routes_and_wrong_methods_keep_their_404_and_405_for_anonymous_callers()
    {
        using var missing = await silo.Http.GetAsync("/api/v1/no-such-route");
        await missing.AssertErrorAsync(HttpStatusCode.NotFound, "NOT_FOUND");
        using var wrongMethod = await silo.SendAsync(new TestRequest(HttpMethod.Delete, "/api/v1/user/me"));
        Assert.Equal(HttpStatusCode.MethodNotAllowed, wrongMethod.StatusCode);
    }

    [GeneratedRegex(@"\{[^}]+\}")]
    private static partial Regex Parameter();
}
