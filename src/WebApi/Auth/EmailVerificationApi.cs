using System.Security.Claims;
using HiveSync.Grains.Interfaces.Limits;
using HiveSync.WebApi.Platform;
using HiveSync.WebApi.Platform.Auth;
using HiveSync.WebApi.Platform.RateLimiting;
using HiveSync.WebApi.Profile;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;

namespace HiveSync.WebApi.Auth;

/// <summary><c>/api/v1/auth/verify-email</c>: the emailed link that proves an account owns its address, and a new one.</summary>
public static class EmailVerificationApi
{
    public static IEndpointRouteBuilder MapEmailVerificationApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/auth/verify-email").WithTags("Auth").RequireRateLimit(RateLimitGroups.Auth);
        api.MapPost("/", Verify).AllowAnonymous().WithNoStore().Describe("verifyEmail", "Verify the account's email address with the emailed link's token").ProducesErrors(400, 410, 413, 415);
        api.MapPost("/resend", Resend).RequireAuthorization().Describe("resendVerificationEmail", "Email a new verification link (the earlier ones stop working)").ProducesErrors(401, 409, 429);
        return app;
    }

    public static async Task<Ok<DataEnvelope<ProfileResponse>>> Verify(VerifyEmailRequest request, [AsParameters] AuthServices services) =>
        TypedResults.Ok(new DataEnvelope<ProfileResponse>(ProfileResponse.From(await services.Accounts.VerifyEmail(request.Token ?? ""))));

    public static async Task<Accepted<DataEnvelope<VerificationSentResponse>>> Resend(ClaimsPrincipal user, [AsParameters] AuthServices services)
    {
        var expiresAt = await services.Accounts.ResendVerification(user.UserId());
        return TypedResults.Accepted((string?)null, new DataEnvelope<VerificationSentResponse>(new VerificationSentResponse(expiresAt)));
    }
}

public sealed record VerifyEmailRequest(string? Token);

/// <summary>A verification link is on its way; it works until <see cref="ExpiresAt"/>.</summary>
public sealed record VerificationSentResponse(DateTimeOffset ExpiresAt);
