using HiveSync.Grains.Interfaces.Platform;

namespace HiveSync.Grains.Interfaces.Projects;

/// <summary>
/// The retry grain of invitations taken up by a verified address (key 0; see <see cref="IStoredWorkRetryGrain"/>): a
/// reminder adds the memberships not added yet every <c>Invitations:Acceptance:RetryPeriod</c>.
/// </summary>
public interface IInvitationAcceptanceRetryGrain : IStoredWorkRetryGrain
{
}
