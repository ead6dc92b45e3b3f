using HiveSync.Grains.Audit;
using HiveSync.Grains.Interfaces.Auth;

namespace HiveSync.Grains.Auth;

/// <summary>The outcome of <see cref="AdminRoles.SetAsync"/>: who, and the role before and after.</summary>
public sealed record RoleChange(long UserId, string PreviousRole, string Role)
{
    public bool Changed => PreviousRole != Role;
}

/// <summary>
/// Granting and revoking the admin role: an operator's act on the silo host (<c>admin grant|revoke EMAIL</c>),
/// never a side effect of registration or sign-in, because emails are not verified and whoever registers a
/// listed address first would otherwise become admin. The role and its audit entry commit together, and the
/// same transaction tells running silos (<see cref="UserChanges"/>), so it applies to the user's next request.
/// </summary>
public sealed class AdminRoles(UserStore store, Platform.DomainClock clock)
{
    /// <returns>The change, or null when no account has this email.</returns>
    public async Task<RoleChange?> SetAsync(string email, bool admin, string operatorName)
    {
        if (EmailAddress.TryNormalise(email) is not { } normalised)
        {
            return null;
        }

        var role = admin ? Roles.Admin : Roles.User;
        return await store.SetRoleAsync(normalised, role, clock.UtcNow, change => new AuditEntry(
            admin ? AuditActions.RoleGranted : AuditActions.RoleRevoked,
            null,
            null,
            "user",
            change.UserId.ToString(System.Globalization.CultureInfo.InvariantCulture),
            new { role, previous_role = change.PreviousRole, source = "cli", @operator = operatorName }));
    }
}
