using HiveSync.Grains.Interfaces.Platform;

namespace HiveSync.Grains.Auth;

public static class AuthErrors
{
    /// <summary>The same answer for an unknown email and a wrong password, so accounts cannot be probed.</summary>
    public static DomainException InvalidCredentials() =>
        new(ErrorCodes.AuthInvalidCredentials, "The email or password is wrong.");

    public static DomainException RefreshTokenInvalid() => new(ErrorCodes.AuthTokenInvalid, "This refresh token is not valid.");

    public static DomainException RefreshTokenExpired() => new(ErrorCodes.AuthTokenExpired, "This refresh token has expired; sign in again.");
}
