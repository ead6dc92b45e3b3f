using HiveSync.Grains.Interfaces.Limits;
using HiveSync.Grains.Interfaces.Platform;
using HiveSync.WebApi.Platform;
using HiveSync.WebApi.Platform.RateLimiting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;

namespace HiveSync.WebApi.Auth;

/// <summary><c>/api/v1/auth/password-reset</c>: a reset link by email, and the new password with it.</summary>
public static class PasswordResetApi
{
    public static IEndpointRouteBuilder MapPasswordResetApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/auth/password-reset").WithTags("Auth").RequireRateLimit(RateLimitGroups.Auth).AllowAnonymous().WithNoStore();
        api.MapPost("/", Request).Describe("requestPasswordReset", "Email a password-reset link, if an account has the address (the same answer either way)").ProducesErrors(400, 413, 415);
        api.MapPost("/confirm", Confirm).Describe("confirmPasswordReset", "Set a new password with the emailed link; signs the account out everywhere").ProducesErrors(400, 410, 413, 415);
        return app;
    }

    public static async Task<Accepted<DataEnvelope<PasswordResetRequested>>> Request(PasswordResetRequest request, [AsParameters] AuthServices services)
    {
        // Only the address's form is checked here; whether an account has it is decided after the answer, so that
        // neither the answer nor its time tells.
        if (string.IsNullOrWhiteSpace(request.Email) || !request.Email.Contains('@', StringComparison.Ordinal))
        {
            throw DomainException.Validation("email", "Must be an email address.");
        }

        await services.Accounts.RequestPasswordReset(request.Email);
        return TypedResults.Accepted((string?)null, new DataEnvelope<PasswordResetRequested>(new PasswordResetRequested("If an account has this address, a reset link is on its way.")));
    }

    public static async Task<NoContent> Confirm(PasswordResetConfirmRequest request, [AsParameters] AuthServices services)
    {
        await services.Accounts.ConfirmPasswordReset(request.Token ?? "", request.Password ?? "");
        return TypedResults.NoContent();
    }
}

public sealed record PasswordResetRequest(string? Email);

public sealed record PasswordResetConfirmRequest(string? Token, string? Password);

public sealed record PasswordResetRequested(string Message);
