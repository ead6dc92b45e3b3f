using HiveSync.Grains.Interfaces.Auth;
using HiveSync.Grains.Interfaces.Limits;
using HiveSync.Grains.Interfaces.Notifications;
using HiveSync.Grains.Interfaces.Platform;
using HiveSync.Grains.Interfaces.Projects;
using HiveSync.Grains.Email;
using HiveSync.Grains.Notifications;
using HiveSync.Grains.Platform;
using Microsoft.Extensions.Options;
using Npgsql;

namespace HiveSync.Grains.Projects;

/// <summary>
/// The single writer of one project: its row, its team and its tags. PostgreSQL holds the truth; this activation
/// keeps the project, its members (bounded by the tier's team size) and its tags in memory, so every route's role
/// check is a lookup, and serialises the changes whose rules span rows (the last owner, the team's size).
/// Every change is written first and only then kept.
/// </summary>
public sealed partial class ProjectGrain(
    ProjectStore store,
    IOptions<TierOptions> tiers,
    DomainClock clock,
    InvitationAcceptance acceptance,
    InvitationEmails invitationEmails,
    EmailDelivery delivery,
    IOptionsMonitor<InvitationOptions> invitationOptions) : Grain, IProjectGrain
{
    private readonly Dictionary<long, MemberRow> _members = [];
    private readonly List<TagRow> _tags = [];
    private ProjectRow? _project;

    private long ProjectId => this.GetPrimaryKeyLong();

    public override Task OnActivateAsync(CancellationToken cancellationToken) => LoadAsync();

    public async Task<string?> RoleOf(long userId) => (await FindAsync()) is not null && _members.TryGetValue(userId, out var m) ? m.Role : null;

    public async Task<ProjectStanding?> StandingOf(long userId) =>
        await FindAsync() is { } project && _members.TryGetValue(userId, out var m) ? new ProjectStanding(m.Role, project.Key, project.ArchivedAt is not null, project.CreatedBy) : null;

    public async Task<ProjectView> Describe(long callerId)
    {
        await RequireRoleAsync(callerId, ProjectRoles.Viewer);
        return ViewFor(callerId);
    }

    public async Task<ProjectView> Update(long callerId, ProjectChanges changes, long? expectedVersion = null)
    {
        var project = await RequireWritableAsync(callerId, ProjectRoles.Admin);
        EnsureVersion(project, expectedVersion);
        var name = changes.Name is null ? project.Name : ProjectRules.Name(changes.Name);
        var description = changes.Description is null ? project.Description : ProjectRules.Description(changes.Description);
        if (name == project.Name && description == project.Description)
        {
            return ViewFor(callerId);
        }

        await WriteAsync(project.With(p => (p.Name, p.Description) = (name, description), clock.UtcNow));
        return ViewFor(callerId);
    }

    public async Task<ProjectView> SetArchived(long callerId, bool archived)
    {
        var project = await RequireRoleAsync(callerId, ProjectRoles.Admin);
        if (project.ArchivedAt is not null != archived)
        {
            var now = clock.UtcNow;
            await WriteAsync(project.With(p => p.ArchivedAt = archived ? now : null, now));
        }

        return ViewFor(callerId);
    }

    public async Task SetFavorite(long callerId, bool favorite)
    {
        await RequireRoleAsync(callerId, ProjectRoles.Viewer);
        var member = _members[callerId];
        if (member.IsFavorite != favorite)
        {
            await store.SetFavoriteAsync(ProjectId, callerId, favorite, clock.UtcNow);
            _members[callerId] = member with { IsFavorite = favorite };
        }
    }

    public async Task Delete(long callerId, long? expectedVersion = null)
    {
        EnsureVersion(await RequireRoleAsync(callerId, ProjectRoles.Owner), expectedVersion);
        await store.DeleteAsync(ProjectId);
        _project = null;
        _members.Clear();
        _tags.Clear();
        DeactivateOnIdle();
    }

    public async Task<IReadOnlyList<ProjectTag>> ListTags(long callerId)
    {
        await RequireRoleAsync(callerId, ProjectRoles.Viewer);
        return [.. _tags.OrderBy(t => t.Name, StringComparer.OrdinalIgnoreCase).Select(ToTag)];
    }

    public async Task<ProjectTag> AddTag(long callerId, string name)
    {
        var project = await RequireWritableAsync(callerId, ProjectRoles.Member);
        var tagName = ProjectRules.TagName(name);
        if (_tags.Any(t => string.Equals(t.Name, tagName, StringComparison.OrdinalIgnoreCase)))
        {
            throw TagExists(tagName);
        }

        var now = clock.UtcNow;
        var bumped = project.With(_ => { }, now);
        var tag = await store.ChangeAsync(bumped, (c, tx) => ProjectStore.AddTagAsync(c, tx, ProjectId, tagName, now)) ?? throw TagExists(tagName);
        _project = bumped;
        _tags.Add(tag);
        return ToTag(tag);
    }

    public async Task RemoveTag(long callerId, long tagId)
    {
        var project = await RequireWritableAsync(callerId, ProjectRoles.Admin);
        var tag = _tags.Find(t => t.Id == tagId) ?? throw new DomainException(ErrorCodes.TagNotFound, "This project has no such tag.");
        var bumped = project.With(_ => { }, clock.UtcNow);
        await store.ChangeAsync(bumped, async (c, tx) =>
        {
            await ProjectStore.RemoveTagAsync(c, tx, ProjectId, tagId);
            return true;
        });
        _project = bumped;
        _tags.Remove(tag);
    }

    public async Task<IReadOnlyList<ProjectMember>> ListMembers(long callerId)
    {
        await RequireRoleAsync(callerId, ProjectRoles.Viewer);
        var cards = (await Accounts.Describe([.. _members.Keys])).ToDictionary(c => c.Id);
        return [.. ProjectTeamRules.Ordered(_members.Values).Where(m => cards.ContainsKey(m.UserId)).Select(m => ToMember(m, cards[m.UserId]))];
    }

    public async Task<InviteOutcome> Invite(long callerId, string? email, string role, string? username = null)
    {
        var project = await RequireWritableAsync(callerId, ProjectRoles.Admin);
        var newRole = ProjectRules.Role(role);
        ProjectTeamRules.EnsureMayGrant(_members[callerId].Role, newRole);
        var invitee = await FindInviteeAsync(email, username);
        if (invitee.UserId is { } known && _members.ContainsKey(known))
        {
            throw new DomainException(ErrorCodes.Conflict, "This user is already a member of the project.");
        }

        // An address whose owner has not proven it (no account, or not verified) gets an invitation, never a seat.
        if (invitee is not { UserId: { } userId, Verified: true })
        {
            return new InviteOutcome(null, await InviteAddressAsync(project, callerId, invitee.Email!, newRole));
        }

        await EnforceTeamSizeAsync(project);
        var now = clock.UtcNow;
        var member = new MemberRow(userId, newRole, now, IsFavorite: false);
        var bumped = project.With(_ => { }, now);
        await store.ChangeAsync(bumped, async (c, tx) =>
        {
            await AddMemberAsync(c, tx, project, member, callerId, now);
            return true;
        });
        _project = bumped;
        _members[userId] = member;
        return new InviteOutcome(await DescribeAsync(member), null);
    }

    public async Task<ProjectMember> ChangeRole(long callerId, long userId, string role)
    {
        var project = await RequireWritableAsync(callerId, ProjectRoles.Admin);
        var newRole = ProjectRules.Role(role);
        var target = RequireMember(userId);
        ProjectTeamRules.EnsureMayChange(_members[callerId].Role, target.Role, newRole, OwnerCount);
        if (target.Role == newRole)
        {
            return await DescribeAsync(target);
        }

        var now = clock.UtcNow;
        var bumped = project.With(_ => { }, now);
        await store.ChangeAsync(bumped, async (c, tx) =>
        {
            await ProjectStore.SetRoleAsync(c, tx, ProjectId, userId, newRole);
            var changed = new NewNotification(userId, NotificationTypes.RoleChanged, callerId, ProjectId, new { project_name = project.Name, project_key = project.Key, role = newRole, previous_role = target.Role });
            await NotificationStore.AddAsync(c, tx, [changed], now);
            return true;
        });
        _project = bumped;
        _members[userId] = target with { Role = newRole };
        return await DescribeAsync(_members[userId]);
    }

    public async Task RemoveMember(long callerId, long userId)
    {
        var leaving = callerId == userId;
        var project = leaving ? await RequireRoleAsync(callerId, ProjectRoles.Viewer) : await RequireWritableAsync(callerId, ProjectRoles.Admin);
        var target = RequireMember(userId);
        ProjectTeamRules.EnsureMayRemove(_members[callerId].Role, target.Role, leaving, OwnerCount);

        var bumped = project.With(_ => { }, clock.UtcNow);
        await store.ChangeAsync(bumped, async (c, tx) =>
        {
            await ProjectStore.RemoveMemberAsync(c, tx, ProjectId, userId);
            return true;
        });
        _project = bumped;
        _members.Remove(userId);
    }

    private IAccountsGrain Accounts => GrainFactory.GetGrain<IAccountsGrain>(0);

    /// <summary>Who an invitation is for: by username, that account; by email, the address and its account if any.</summary>
    private async Task<Invitee> FindInviteeAsync(string? email, string? username)
    {
        switch (email, username)
        {
            case (not null, null):
                var address = Auth.EmailAddress.Normalise(email);
                return await Accounts.FindByEmail(address) is { } id
                    ? new Invitee(id, address, await IsVerifiedAsync(id))
                    : new Invitee(null, address, false);
            case (null, not null):
                // A username names one account, which the inviter chose: no address is claimed, so nothing waits on one.
                return await Accounts.FindByUsername(Profile.ProfileRules.Username(username)!) is { } named
                    ? new Invitee(named, null, true)
                    : throw new DomainException(ErrorCodes.UserNotFound, "No account has this username.");
            default:
                throw DomainException.Validation("email", "Send exactly one of email and username.");
        }
    }

    /// <summary>The account whose owner has verified <paramref name="address"/>; null when none has.</summary>
    private async Task<long?> FindVerifiedOwnerAsync(string address) =>
        await Accounts.FindByEmail(address) is { } id && await IsVerifiedAsync(id) ? id : null;

    private async Task<bool> IsVerifiedAsync(long userId) => (await GrainFactory.GetGrain<IUserGrain>(userId).GetProfile()).EmailVerified;

    /// <summary>The team, with the invitations that hold a seat, is below the creator's tier's size.</summary>
    private async Task EnforceTeamSizeAsync(ProjectRow project)
    {
        var creatorTier = (await GrainFactory.GetGrain<IUserGrain>(project.CreatedBy).GetAccount()).Tier;
        var seated = _members.Count + await store.CountSeatedInvitationsAsync(ProjectId, clock.UtcNow);
        TierPolicy.Enforce(tiers.Value, creatorTier, TierLimit.MembersPerProject, seated);
    }

    /// <summary>The member's row and their "added to project" notification, in the caller's transaction.</summary>
    private static async Task AddMemberAsync(NpgsqlConnection connection, NpgsqlTransaction tx, ProjectRow project, MemberRow member, long addedBy, DateTime now)
    {
        await ProjectStore.AddMemberAsync(connection, tx, project.Id, member);
        var added = new NewNotification(member.UserId, NotificationTypes.AddedToProject, addedBy, project.Id, new { project_name = project.Name, project_key = project.Key, role = member.Role });
        await NotificationStore.AddAsync(connection, tx, [added], now);
    }

    private sealed record Invitee(long? UserId, string? Email, bool Verified);

    private int OwnerCount => _members.Values.Count(m => m.Role == ProjectRoles.Owner);

    /// <summary>The project, loading it if this activation has not seen it yet (it may have been created since).</summary>
    private async Task<ProjectRow?> FindAsync()
    {
        if (_project is null)
        {
            await LoadAsync();
        }

        return _project;
    }

    private async Task LoadAsync()
    {
        if (await store.LoadAsync(ProjectId) is not { } loaded)
        {
            return;
        }

        _members.Clear();
        foreach (var member in loaded.Members)
        {
            _members[member.UserId] = member with { JoinedAt = member.JoinedAt.AsUtc().UtcDateTime };
        }

        _tags.Clear();
        _tags.AddRange(loaded.Tags);
        _project = loaded.Project;
    }

    /// <summary>The project if the caller's role is at least <paramref name="atLeast"/>; not a member: not found; weaker: forbidden.</summary>
    private async Task<ProjectRow> RequireRoleAsync(long callerId, string atLeast)
    {
        if (await FindAsync() is not { } project || !_members.TryGetValue(callerId, out var caller))
        {
            throw ProjectErrors.NotFound();
        }

        return ProjectRoles.Allows(caller.Role, atLeast)
            ? project
            : throw new DomainException(ErrorCodes.AuthForbidden, $"Your role in this project ({caller.Role}) may not do this.");
    }

    private async Task<ProjectRow> RequireWritableAsync(long callerId, string atLeast)
    {
        var project = await RequireRoleAsync(callerId, atLeast);
        return project.ArchivedAt is null
            ? project
            : throw new DomainException(ErrorCodes.Conflict, "The project is archived: unarchive it first.");
    }

    private static void EnsureVersion(ProjectRow project, long? expectedVersion)
    {
        if (expectedVersion is { } expected && expected != project.Version)
        {
            throw ErrorCodes.Stale();
        }
    }

    private MemberRow RequireMember(long userId) =>
        _members.TryGetValue(userId, out var member) ? member : throw new DomainException(ErrorCodes.MemberNotFound, "This user is not a member of the project.");

    private async Task WriteAsync(ProjectRow changed)
    {
        if (!await store.UpdateAsync(changed))
        {
            throw ProjectErrors.NotFound();
        }

        _project = changed;
    }

    private async Task<ProjectMember> DescribeAsync(MemberRow member)
    {
        var cards = await Accounts.Describe([member.UserId]);
        var card = cards.Count > 0 ? cards[0] : new UserCard(member.UserId, "", null);
        return ToMember(member, card);
    }

    private ProjectView ViewFor(long callerId)
    {
        var project = _project!;
        var details = project.ToDetails([.. _tags.Select(t => t.Name).Order(StringComparer.OrdinalIgnoreCase)], _members.Count);
        var caller = _members[callerId];
        return new ProjectView(details, caller.Role, caller.IsFavorite);
    }

    private static ProjectTag ToTag(TagRow tag) => new(tag.Id, tag.Name, tag.CreatedAt.AsUtc());

    private static ProjectMember ToMember(MemberRow member, UserCard card) => new(member.UserId, card.Email, card.DisplayName, member.Role, member.JoinedAt.AsUtc(), card.Username);

    private static DomainException TagExists(string name) => new(ErrorCodes.Conflict, $"The project already has a tag named '{name}'.");
}
