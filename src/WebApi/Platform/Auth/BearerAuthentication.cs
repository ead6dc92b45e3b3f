using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace HiveSync.WebApi.Platform.Auth;

/// <summary>Bearer access tokens as the way in to signed-in routes (<see cref="SignedInAuthenticationMiddleware"/>).</summary>
public static class BearerAuthentication
{
    /// <summary>The authentication type of a bearer caller's identity.</summary>
    public const string Scheme = "Bearer";

    public static IServiceCollection AddBearerAuthentication(this IServiceCollection services)
    {
        services.AddSingleton<BearerCredential>();
        return services;
    }
}

/// <summary>
/// <c>Authorization: Bearer &lt;token&gt;</c>: the signature and claims (remembered per token), then the session check.
/// Any other Authorization header counts as no credentials: the answer says how to sign in.
/// </summary>
public sealed class BearerCredential(AccessTokens tokens, GrainReferences<HiveSync.Grains.Interfaces.Auth.IUserGrain> users)
{
    private const string Prefix = "Bearer ";

    private static readonly Task<CallerRejection?> NoCredentials = Task.FromResult<CallerRejection?>(CallerRejection.NoCredentials);

    /// <returns>Null once the request runs as the token's caller; else why not.</returns>
    public Task<CallerRejection?> SignInAsync(HttpContext context)
    {
        var header = context.Request.Headers.Authorization.ToString().AsSpan();
        var token = header.StartsWith(Prefix, StringComparison.OrdinalIgnoreCase) ? header[Prefix.Length..].Trim() : [];
        return token.IsEmpty ? NoCredentials : SessionValidation.SignInAsync(context, users, tokens.Validation, token, CallerCredential.Bearer);
    }
}
