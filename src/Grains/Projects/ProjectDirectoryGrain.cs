using HiveSync.Grains.Interfaces.Auth;
using HiveSync.Grains.Interfaces.Limits;
using HiveSync.Grains.Interfaces.Platform;
using HiveSync.Grains.Interfaces.Projects;
using HiveSync.Grains.Interfaces.Search;
using HiveSync.Grains.Platform;
using Microsoft.Extensions.Options;
using Orleans.Concurrency;

namespace HiveSync.Grains.Projects;

/// <summary>
/// Creation and lists. Stateless and reentrant like the accounts directory: the per-creator lock in the database
/// makes the project limit and the keys exact, however many silos create at once.
/// </summary>
[StatelessWorker]
[Reentrant]
public sealed class ProjectDirectoryGrain(ProjectStore store, IOptions<TierOptions> tiers, DomainClock clock) : Grain, IProjectDirectoryGrain
{
    public async Task<ProjectView> Create(long callerId, NewProject project)
    {
        var valid = new NewProject(ProjectRules.Name(project.Name), ProjectRules.Description(project.Description), project.Key is null ? null : ProjectRules.Key(project.Key));
        var tier = (await GrainFactory.GetGrain<IUserGrain>(callerId).GetAccount()).Tier;
        var max = TierLimit.Projects.Of(tiers.Value.For(tier));
        var outcome = await store.CreateAsync(callerId, valid, max, clock.UtcNow);
        if (outcome.Created is not { } created)
        {
            throw outcome.ProjectsBefore < 0
                ? new DomainException(ErrorCodes.Conflict, $"You already have a project with the key {valid.Key}.", new { field = "key" })
                : TierPolicy.Exceeded(tiers.Value, tier, TierLimit.Projects, outcome.ProjectsBefore);
        }

        return await GrainFactory.GetGrain<IProjectGrain>(created.Id).Describe(callerId);
    }

    public async Task<ProjectPage> List(long callerId, ProjectListQuery query)
    {
        var valid = query with
        {
            Text = TextRules.Query(query.Text),
            Tag = string.IsNullOrWhiteSpace(query.Tag) ? null : ProjectRules.TagName(query.Tag),
            Role = query.Role is null ? null : ProjectRules.Role(query.Role),
        };
        if (valid.Offset < 0 || valid.Limit < 1)
        {
            throw DomainException.Validation("page", "The page is out of range.");
        }

        var (rows, total) = await store.ListAsync(callerId, valid);
        return new ProjectPage([.. rows.Select(ToView)], total);
    }

    public async Task<SearchPage> Search(long callerId, SearchQuery query)
    {
        query = FullTextSearch.Validate(query);
        var (rows, total) = await store.SearchAsync(callerId, query.Text, query.Offset, query.Limit);
        return new SearchPage([.. rows.Select(r => new SearchHit("project", r.Id, r.ProjectId, r.Title, r.Snippet, r.Rank, Key: r.Key))], total);
    }

    public async Task<IReadOnlyDictionary<long, string>> SearchReach(long callerId, long? projectId)
    {
        var projects = (await store.MemberProjectsAsync(callerId)).ToDictionary(p => p.Id, p => p.Key);
        if (projectId is not { } only)
        {
            return projects;
        }

        return projects.TryGetValue(only, out var key) ? new Dictionary<long, string> { [only] = key } : throw ProjectErrors.NotFound();
    }

    private static ProjectView ToView(ProjectListRow row) => new(row.ToDetails(row.Tags, row.MemberCount), row.Role, row.IsFavorite);
}
