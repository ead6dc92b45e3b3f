using HiveSync.Grains.Audit;
using HiveSync.Grains.Interfaces.Platform;
using HiveSync.Grains.Interfaces.Projects;
using HiveSync.Grains.Platform;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;

namespace HiveSync.Grains.Projects;

/// <summary>
/// Invitations taken up by a verified address, as a kind of stored work: each becomes membership through its project's
/// grain, which adds the member and marks the invitation done in one transaction. Applying twice changes nothing (the
/// second finds the invitation done, or the member in the team), so an interrupted attempt is simply applied again.
/// </summary>
public sealed class InvitationAcceptance(
    NpgsqlDataSource db,
    ProjectStore store,
    IGrainFactory grains,
    IOptionsMonitor<InvitationOptions> options,
    DomainClock clock,
    ILogger<InvitationAcceptance> logger) : StoredWorkKind(new StoredWorkTable(db, ProjectStore.InvitationsTable), clock, logger)
{
    public const string Accepted = "accepted";

    public const string AlreadyMember = "already_member";

    public override string Name => "Invitation";

    public override StoredWorkOptions Options => options.CurrentValue.Acceptance;

    public override bool ApplyIsIdempotent => true;

    protected override IStoredWorkRetryGrain RetryGrain => grains.GetGrain<IInvitationAcceptanceRetryGrain>(0);

    protected override async Task ApplyAsync(StoredWorkClaim claim, CancellationToken cancellationToken)
    {
        // Gone: revoked since, or deleted with its project. Nothing is left to do.
        if (await store.FindInvitationProjectAsync(claim.Id) is { } projectId)
        {
            await grains.GetGrain<IProjectGrain>(projectId).AcceptInvitation(claim.Id, claim.Attempt);
        }
    }

    protected override AuditEntry GivenUpAudit(StoredWorkClaim claim, Exception? failure) =>
        GivenUp(AuditActions.InvitationFailed, "invitation", claim, failure?.Message);
}
