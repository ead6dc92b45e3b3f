using HiveSync.Grains.Interfaces.Platform;

namespace HiveSync.Grains.Auth;

public static class AuthErrors
{
    /// <summary>The same answer for an unknown email and a wrong password, so accounts cannot be probed.</summary>
    public static DomainException InvalidCredentials() =>
        new(ErrorCodes.AuthInvalidCredentials, "The email or password is wrong.");

    public static DomainException RefreshTokenInvalid() => new(ErrorCodes.AuthTokenInvalid, "This refresh token is not valid.");

    public static DomainException RefreshTokenExpired() => new(ErrorCodes.AuthTokenExpired, "This refresh token has expired; sign in again.");

    /// <summary>One answer for a verification link that is unknown, used, expired or for an address the account no longer has.</summary>
    public static DomainException VerificationLinkExpired() =>
        new(ErrorCodes.TokenExpired, "This verification link has expired or was already used; ask for a new one.");

    public static DomainException ResetLinkExpired() =>
        new(ErrorCodes.TokenExpired, "This password-reset link has expired or was already used; ask for a new one.");
}
