using HiveSync.Grains.Interfaces.Auth;
using Microsoft.IdentityModel.Tokens;

namespace HiveSync.WebApi.Platform.Auth;

/// <summary>
/// Checks HiveSync's own signed tokens of one audience (access tokens, session cookies): HS256 only, issuer,
/// audience and lifetime with 30 s of clock skew, each token verified once and remembered until it expires.
/// </summary>
public sealed class SignedTokenValidation(AuthOptions auth, string audience, string authenticationType)
{
    private readonly RememberingTokenHandler _handler = new();
    private readonly TokenValidationParameters _parameters = new()
    {
        ValidIssuer = auth.Issuer,
        ValidAudience = audience,
        AuthenticationType = authenticationType,
        IssuerSigningKey = AccessTokens.SigningKey(auth),
        ValidAlgorithms = [SecurityAlgorithms.HmacSha256],
        ClockSkew = TimeSpan.FromSeconds(30),
        NameClaimType = AccessTokens.SubjectClaim,
        RoleClaimType = AccessTokens.RoleClaim,
    };

    public Task<TokenValidationResult> ValidateAsync(string token) => _handler.ValidateTokenAsync(token, _parameters);

    /// <inheritdoc cref="RememberingTokenHandler.TryRecall"/>
    public bool TryRecall(ReadOnlySpan<char> token, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out System.Security.Claims.ClaimsIdentity? identity) =>
        _handler.TryRecall(token, out identity);
}
