using HiveSync.Grains.Interfaces.Projects;
using HiveSync.Grains.Platform;

namespace HiveSync.Grains.Projects;

/// <summary>Comes back to invitations taken up but not yet membership. Its class name is the grain type of its stored reminder: keep it.</summary>
public sealed class InvitationAcceptanceRetryGrain(InvitationAcceptance acceptance) : StoredWorkRetryGrain(acceptance, ReminderName), IInvitationAcceptanceRetryGrain
{
    public const string ReminderName = "invitation-acceptance-retry";
}
