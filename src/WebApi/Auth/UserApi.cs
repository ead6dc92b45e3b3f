using HiveSync.Grains.Interfaces.Limits;
using HiveSync.WebApi.Platform;
using HiveSync.WebApi.Platform.Auth;
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

    // The account comes with the session check every signed-in request makes: no second grain call.
    public static Ok<UserResponse> Me(HttpContext context) => TypedResults.Ok(UserResponse.From(context.CallerAccount()));
}
