using System.Globalization;
using HiveSync.Grains.Interfaces.Limits;
using HiveSync.Grains.Interfaces.Platform;
using HiveSync.Grains.Interfaces.Projects;
using HiveSync.Grains.Platform;

namespace HiveSync.Grains.Projects;

/// <summary>
/// Invitations of addresses (docs/architecture.md, "Invitations"): the admins' side (invite, list, resend, revoke) and
/// the step that turns an invitation taken up by a verified address into membership.
/// </summary>
public sealed partial class ProjectGrain
{
    public async Task<IReadOnlyList<ProjectInvitation>> ListInvitations(long callerId)
    {
        await RequireRoleAsync(callerId, ProjectRoles.Admin);
        var now = clock.UtcNow;
        return [.. (await store.ListInvitationsAsync(ProjectId)).Select(i => i.ToInvitation(now))];
    }

    public async Task<ProjectInvitation> ResendInvitation(long callerId, long invitationId)
    {
        var project = await RequireWritableAsync(callerId, ProjectRoles.Admin);
        var invitation = await RequireInvitationAsync(invitationId);
        if (invitation.AcceptedBy is not null || invitation.ProcessedAt is not null)
        {
            throw new DomainException(ErrorCodes.Conflict, "This invitation was taken up already: there is nothing to resend.");
        }

        // Verified since (after its invitation expired, or while it was being made): it joins now, nothing to send.
        if (await FindVerifiedOwnerAsync(invitation.Email) is { } ownerId)
        {
            await acceptance.EnsureScheduledAsync();
            var taken = await store.InTransactionAsync((c, tx) => ProjectStore.TakeUpInvitationAsync(c, tx, ProjectId, invitationId, ownerId, clock.UtcNow))
                ?? throw new DomainException(ErrorCodes.Conflict, "This invitation was taken up already: there is nothing to resend.");
            await acceptance.QueueAsync();
            return taken.ToInvitation(clock.UtcNow);
        }

        // A few a day per invitation: each one is a message to someone else's inbox.
        var policy = new RateLimitPolicy(RateLimitGroups.InvitationEmail, invitationOptions.CurrentValue.ResendsPerDay, 24 * 60 * 60);
        var allowance = await GrainFactory.GetGrain<IRateLimitGrain>(RateLimitKeys.Bucket(policy.Name, invitationId.ToString(CultureInfo.InvariantCulture))).Acquire(policy);
        if (!allowance.Allowed)
        {
            throw allowance.Refused("This invitation was sent too often today; retry after the number of seconds in Retry-After.");
        }

        var now = clock.UtcNow;
        var expiresAt = now + invitationOptions.CurrentValue.Lifetime;
        var email = invitationEmails.Invitation(invitation.Email, await NameOfAsync(callerId), project.Name, invitation.Role, expiresAt);
        await delivery.EnsureScheduledAsync();
        var renewed = await store.InTransactionAsync(async (c, tx) =>
        {
            var renewed = await ProjectStore.RenewInvitationAsync(c, tx, ProjectId, invitationId, now, expiresAt);
            if (renewed is not null)
            {
                await delivery.AddAsync(c, tx, email);
            }

            return renewed;
        }) ?? throw new DomainException(ErrorCodes.Conflict, "This invitation was taken up already: there is nothing to resend.");
        await delivery.QueueAsync();
        return renewed.ToInvitation(now);
    }

    public async Task RevokeInvitation(long callerId, long invitationId)
    {
        await RequireWritableAsync(callerId, ProjectRoles.Admin);
        await RequireInvitationAsync(invitationId);
        await store.InTransactionAsync((c, tx) => ProjectStore.RemoveInvitationAsync(c, tx, ProjectId, invitationId));
    }

    public async Task AcceptInvitation(long invitationId, int attempt)
    {
        // Deleted with its project, or revoked: nothing is left to accept.
        if (await FindAsync() is not { } project
            || await store.FindInvitationAsync(ProjectId, invitationId) is not { AcceptedBy: { } userId, ProcessedAt: null } invitation)
        {
            return;
        }

        var claim = new StoredWorkClaim(invitationId, attempt, Interrupted: false);
        var now = clock.UtcNow;
        if (_members.ContainsKey(userId))
        {
            await acceptance.Table.MarkDoneAsync(claim, now, InvitationAcceptance.AlreadyMember);
            return;
        }

        // The invitation held its seat; the team may still have filled up (the creator's plan shrank). Retried until it fits.
        var creatorTier = (await GrainFactory.GetGrain<Interfaces.Auth.IUserGrain>(project.CreatedBy).GetAccount()).Tier;
        TierPolicy.Enforce(tiers.Value, creatorTier, TierLimit.MembersPerProject, _members.Count);

        var member = new MemberRow(userId, invitation.Role, now, IsFavorite: false);
        var bumped = project.With(_ => { }, now);
        if (await acceptance.Table.MarkDoneAsync(claim, now, InvitationAcceptance.Accepted, async (c, tx) =>
            {
                await AddMemberAsync(c, tx, project, member, invitation.InvitedBy, now);
                await ProjectStore.BumpAsync(c, tx, bumped);
            }))
        {
            _project = bumped;
            _members[userId] = member;
        }
    }

    /// <summary>Invites an address: one open invitation per address, holding a seat in the team, emailed in its transaction.</summary>
    private async Task<ProjectInvitation> InviteAddressAsync(ProjectRow project, long callerId, string address, string role)
    {
        var now = clock.UtcNow;
        var open = await store.FindOpenInvitationAsync(ProjectId, address);
        if (open is not null && open.StatusAt(now) != InvitationStatuses.Expired)
        {
            throw new DomainException(ErrorCodes.Conflict, "This address is invited already: resend or revoke that invitation.");
        }

        await EnforceTeamSizeAsync(project);
        var expiresAt = now + invitationOptions.CurrentValue.Lifetime;
        var email = invitationEmails.Invitation(address, await NameOfAsync(callerId), project.Name, role, expiresAt);
        await delivery.EnsureScheduledAsync();
        await acceptance.EnsureScheduledAsync(); // before the row exists: a taken-up invitation is never left without its reminder
        var invitation = await store.InTransactionAsync(async (c, tx) =>
        {
            if (open is not null)
            {
                await ProjectStore.RemoveInvitationAsync(c, tx, ProjectId, open.Id); // expired: the new one replaces it
            }

            var added = await ProjectStore.AddInvitationAsync(c, tx, ProjectId, address, role, callerId, now, expiresAt);
            await delivery.AddAsync(c, tx, email);
            return added;
        });
        await delivery.QueueAsync();
        return invitation.ToInvitation(now);
    }

    private async Task<InvitationRow> RequireInvitationAsync(long invitationId) =>
        await store.FindInvitationAsync(ProjectId, invitationId) ?? throw new DomainException(ErrorCodes.InvitationNotFound, "This project has no such invitation.");

    private async Task<string> NameOfAsync(long userId) =>
        (await Accounts.Describe([userId])) is [var card, ..] ? card.DisplayName ?? card.Email : "A HiveSync user";
}
