using System.Net;
using System.Security.Claims;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using HiveSync.Grains.Interfaces.Auth;
using HiveSync.WebApi.Platform.Auth;
using Microsoft.Extensions.DependencyInjection;

namespace HiveSync.Tests.Platform;

/// <summary>Routes are signed-in by default: only those that say AllowAnonymous are public.</summary>
public sealed partial class SignedInByDefaultTests(TestSilo silo) : IClassFixture<TestSilo>
{
    [Fact]
    public async Task A_route_that_declares_no_authorization_refuses_anonymous_callers()
    {
        var forgotten = Route("forgotten");

        var (anonymous, anonymousRan) = await AuthorizeAsync(forgotten, new ClaimsPrincipal(new ClaimsIdentity()));
        var (signedIn, signedInRan) = await AuthorizeAsync(forgotten, Caller(Roles.User));

        Assert.False(anonymousRan);
        Assert.Equal(StatusCodes.Status401Unauthorized, anonymous.Response.StatusCode);
        Assert.Equal("Bearer", anonymous.Response.Headers.WWWAuthenticate.ToString());
        Assert.True(signedInRan);
    }

    [Fact]
    public async Task A_route_for_admins_refuses_other_callers_with_403_and_admits_admins()
    {
        var adminOnly = Route("admin-only", new AuthorizeAttribute(SignedInByDefault.AdminPolicy));

        var (user, userRan) = await AuthorizeAsync(adminOnly, Caller(Roles.User));
        var (admin, adminRan) = await AuthorizeAsync(adminOnly, Caller(Roles.Admin));

        Assert.False(userRan);
        Assert.Equal(StatusCodes.Status403Forbidden, user.Response.StatusCode);
        Assert.True(adminRan);
        Assert.Equal(StatusCodes.Status200OK, admin.Response.StatusCode);
    }

    [Fact]
    public void Authorization_that_HiveSync_does_not_implement_is_refused_rather_than_ignored()
    {
        var unknownPolicy = Route("unknown-policy", new AuthorizeAttribute("owners"));
        var namedSchemes = Route("named-schemes", new AuthorizeAttribute { AuthenticationSchemes = "Cookies" });

        Assert.Throws<InvalidOperationException>(() => SignedInByDefault.Admits(unknownPolicy, Caller(Roles.Admin)));
        Assert.Throws<InvalidOperationException>(() => SignedInByDefault.Admits(namedSchemes, Caller(Roles.Admin)));
    }

    [Fact]
    public void Every_signed_in_route_declares_only_authorization_that_HiveSync_implements()
    {
        var signedIn = silo.Services.GetRequiredService<EndpointDataSource>().Endpoints.Where(SignedInByDefault.IsForSignedInCallers).ToList();

        Assert.NotEmpty(signedIn);
        Assert.All(signedIn, endpoint => SignedInByDefault.Admits(endpoint, Caller(Roles.Admin))); // throws for anything unsupported
    }

    private async Task<(HttpContext Context, bool EndpointRan)> AuthorizeAsync(RouteEndpoint endpoint, ClaimsPrincipal caller)
    {
        var ran = false;
        var http = new DefaultHttpContext { RequestServices = silo.Services, User = caller };
        http.Response.Body = new MemoryStream();
        http.SetEndpoint(endpoint);
        var authorization = new SignedInAuthorizationMiddleware(_ => { ran = true; return Task.CompletedTask; }, silo.Service<SessionCookies>());
        await authorization.InvokeAsync(http);
        return (http, ran);
    }

    private static RouteEndpoint Route(string name, params object[] metadata) =>
        new(_ => Task.CompletedTask, Microsoft.AspNetCore.Routing.Patterns.RoutePatternFactory.Parse("/api/v1/" + name), 0, new EndpointMetadataCollection(metadata), name);

    private static ClaimsPrincipal Caller(string role) =>
        new(new ClaimsIdentity([new Claim("sub", "1"), new Claim("role", role)], "Bearer", "sub", "role"));

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
