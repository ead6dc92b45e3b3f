using System.Security.Claims;
using HiveSync.Grains.Interfaces.Limits;
using HiveSync.WebApi.Platform;
using HiveSync.WebApi.Platform.RateLimiting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;

namespace HiveSync.WebApi.Auth;

/// <summary><c>/api/v1/user</c>: the signed-in user with subscription fields, in the spec's exact unwrapped shape.</summary>
public static class UserApi
{
    public static IEndpointRouteBuilder MapUserApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/user").WithTags("Auth").RequireAuthorization().RequireRateLimit(RateLimitGroups.User);

        api.MapGet("/me", Me).Describe("getUserMe", "The signed-in user with subscription fields (unwrapped)").ProducesErrors(401);

        return app;
    }

    public static async Task<Ok<UserResponse>> Me(ClaimsPrincipal user, [AsParameters] AuthServices services) =>
        TypedResults.Ok(UserResponse.From(await services.User(user).GetAccount()));
}
