namespace HiveSync.Grains.Interfaces.Auth;

/// <summary>
/// The account directory (a stateless worker): the entry points that start from an email address or a
/// refresh token rather than a user id, and hand over to that user's <see cref="IUserGrain"/>.
/// </summary>
public interface IAccountsGrain : IGrainWithIntegerKey
{
    Task<IssuedSession> Register(Registration registration, DeviceInfo device);

    Task<IssuedSession> SignIn(string email, string password, DeviceInfo device);

    Task<IssuedSession> Refresh(string refreshToken, DeviceInfo device);
}
