using Dapper;
using HiveSync.Grains.Interfaces.Projects;
using HiveSync.Grains.Platform;
using Npgsql;

namespace HiveSync.Grains.Projects;

public class ProjectRow
{
    public long Id { get; set; }

    public long CreatedBy { get; set; }

    public string Key { get; set; } = "";

    public string Name { get; set; } = "";

    public string Description { get; set; } = "";

    public DateTime? ArchivedAt { get; set; }

    public long Version { get; set; }

    public DateTime CreatedAt { get; set; }

    public DateTime UpdatedAt { get; set; }

    /// <summary>The project as the grains answer it, with its tags (by name) and team size.</summary>
    public ProjectDetails ToDetails(IReadOnlyList<string> tags, int memberCount) =>
        new(Id, Key, Name, Description, ArchivedAt?.AsUtc(), tags, memberCount, CreatedBy, Version, CreatedAt.AsUtc(), UpdatedAt.AsUtc());

    /// <summary>A changed copy, one version on, stamped at <paramref name="now"/>: the grain writes the copy, then keeps it.</summary>
    public ProjectRow With(Action<ProjectRow> change, DateTime now)
    {
        var copy = (ProjectRow)MemberwiseClone();
        change(copy);
        copy.Version = Version + 1;
        copy.UpdatedAt = now;
        return copy;
    }
}

public sealed record MemberRow(long UserId, string Role, DateTime JoinedAt, bool IsFavorite);

public sealed record TagRow(long Id, string Name, DateTime CreatedAt);

/// <summary>A project, its team and its tags as they are loaded into the project's grain.</summary>
public sealed record LoadedProject(ProjectRow Project, List<MemberRow> Members, List<TagRow> Tags);

/// <summary>What creating a project did: the new row, or the creator's project count that the limit refused.</summary>
public sealed record CreateOutcome(ProjectRow? Created, long ProjectsBefore);

/// <summary>
/// SQL for projects, members, favorites and tags. <see cref="ProjectGrain"/> writes a project's rows through it, the
/// directory creates and lists; nothing else touches these tables.
/// </summary>
public sealed partial class ProjectStore(NpgsqlDataSource db)
{
    private const string ProjectColumns = "p.id, p.created_by, p.key, p.name, p.description, p.archived_at, p.version, p.created_at, p.updated_at";

    static ProjectStore() => DefaultTypeMap.MatchNamesWithUnderscores = true;

    /// <summary>
    /// Creates a project with its creator as owner, if the creator has fewer than <paramref name="maxProjects"/>. The
    /// creator's projects are counted and the key chosen under a per-creator lock, so concurrent creations neither pass
    /// the limit nor take the same key. A taken explicit key is null <see cref="CreateOutcome.Created"/> with
    /// <c>ProjectsBefore = -1</c>.
    /// </summary>
    public async Task<CreateOutcome> CreateAsync(long createdBy, NewProject project, long maxProjects, DateTime now)
    {
        await using var connection = await db.OpenConnectionAsync();
        await using var tx = await connection.BeginTransactionAsync();
        await connection.ExecuteAsync("SELECT pg_advisory_xact_lock(hashtextextended('projects.created_by:' || @createdBy, 0))", new { createdBy }, tx);
        var keys = (await connection.QueryAsync<string>("SELECT key FROM projects WHERE created_by = @createdBy", new { createdBy }, tx)).ToHashSet(StringComparer.Ordinal);
        if (keys.Count >= maxProjects)
        {
            return new CreateOutcome(null, keys.Count);
        }

        if (project.Key is { } explicitKey && keys.Contains(explicitKey))
        {
            return new CreateOutcome(null, -1);
        }

        var key = project.Key ?? ProjectRules.FreeKey(ProjectRules.SuggestedKey(project.Name), keys);
        var row = await connection.QuerySingleAsync<ProjectRow>(
            """
            INSERT INTO projects AS p (created_by, key, name, description, created_at, updated_at)
            VALUES (@createdBy, @key, @Name, @Description, @now, @now)
            RETURNING p.id, p.created_by, p.key, p.name, p.description, p.archived_at, p.version, p.created_at, p.updated_at
            """,
            new { createdBy, key, project.Name, project.Description, now },
            tx);
        await connection.ExecuteAsync(
            "INSERT INTO project_members (project_id, user_id, role, joined_at) VALUES (@id, @createdBy, 'owner', @now)",
            new { id = row.Id, createdBy, now },
            tx);
        await tx.CommitAsync();
        return new CreateOutcome(row, keys.Count);
    }

    public async Task<LoadedProject?> LoadAsync(long id)
    {
        await using var connection = await db.OpenConnectionAsync();
        await using var read = await connection.QueryMultipleAsync(
            $"""
            SELECT {ProjectColumns} FROM projects p WHERE p.id = @id;
            SELECT m.user_id, m.role, m.joined_at, (f.user_id IS NOT NULL) AS is_favorite
            FROM project_members m LEFT JOIN project_favorites f ON f.project_id = m.project_id AND f.user_id = m.user_id
            WHERE m.project_id = @id;
            SELECT id, name, created_at FROM project_tags WHERE project_id = @id;
            """,
            new { id });
        var project = await read.ReadSingleOrDefaultAsync<ProjectRow>();
        var members = (await read.ReadAsync<MemberRow>()).AsList();
        var tags = (await read.ReadAsync<TagRow>()).AsList();
        return project is null ? null : new LoadedProject(project, members, tags);
    }

    /// <summary>Writes name, description, archive state and version; false when the row is gone.</summary>
    public async Task<bool> UpdateAsync(ProjectRow row)
    {
        await using var connection = await db.OpenConnectionAsync();
        return await connection.ExecuteAsync(
            """
            UPDATE projects SET name = @Name, description = @Description, archived_at = @ArchivedAt, version = @Version, updated_at = @UpdatedAt
            WHERE id = @Id
            """,
            row) == 1;
    }

    /// <summary>Deletes the project; its members, favorites, tags and everything later domains hang on it go with it.</summary>
    public async Task DeleteAsync(long id)
    {
        await using var connection = await db.OpenConnectionAsync();
        await connection.ExecuteAsync("DELETE FROM projects WHERE id = @id", new { id });
    }

    /// <summary>A change of the team or the tags, written with the project's new version in one transaction.</summary>
    public async Task<T> ChangeAsync<T>(ProjectRow bumped, Func<NpgsqlConnection, NpgsqlTransaction, Task<T>> change)
    {
        await using var connection = await db.OpenConnectionAsync();
        await using var tx = await connection.BeginTransactionAsync();
        var result = await change(connection, tx);
        await BumpAsync(connection, tx, bumped);
        await tx.CommitAsync();
        return result;
    }

    /// <summary>A change that leaves the project's version as it is (its invitations), in one transaction.</summary>
    public async Task<T> InTransactionAsync<T>(Func<NpgsqlConnection, NpgsqlTransaction, Task<T>> change)
    {
        await using var connection = await db.OpenConnectionAsync();
        await using var tx = await connection.BeginTransactionAsync();
        var result = await change(connection, tx);
        await tx.CommitAsync();
        return result;
    }

    /// <summary>Writes the project's new version, in the transaction of the change that bumped it.</summary>
    public static Task BumpAsync(NpgsqlConnection connection, NpgsqlTransaction tx, ProjectRow bumped) =>
        connection.ExecuteAsync("UPDATE projects SET version = @Version, updated_at = @UpdatedAt WHERE id = @Id", bumped, tx);

    public static Task AddMemberAsync(NpgsqlConnection connection, NpgsqlTransaction tx, long projectId, MemberRow member) =>
        connection.ExecuteAsync(
            "INSERT INTO project_members (project_id, user_id, role, joined_at) VALUES (@projectId, @UserId, @Role, @JoinedAt)",
            new { projectId, member.UserId, member.Role, member.JoinedAt },
            tx);

    public static Task SetRoleAsync(NpgsqlConnection connection, NpgsqlTransaction tx, long projectId, long userId, string role) =>
        connection.ExecuteAsync("UPDATE project_members SET role = @role WHERE project_id = @projectId AND user_id = @userId", new { projectId, userId, role }, tx);

    public static Task RemoveMemberAsync(NpgsqlConnection connection, NpgsqlTransaction tx, long projectId, long userId) =>
        connection.ExecuteAsync(
            """
            DELETE FROM project_favorites WHERE project_id = @projectId AND user_id = @userId;
            DELETE FROM project_members WHERE project_id = @projectId AND user_id = @userId;
            """,
            new { projectId, userId },
            tx);

    /// <summary>Inserts a tag; null when the project already has one of that name (any case).</summary>
    public static Task<TagRow?> AddTagAsync(NpgsqlConnection connection, NpgsqlTransaction tx, long projectId, string name, DateTime now) =>
        connection.QuerySingleOrDefaultAsync<TagRow?>(
            """
            INSERT INTO project_tags (project_id, name, created_at) VALUES (@projectId, @name, @now)
            ON CONFLICT (project_id, lower(name)) DO NOTHING
            RETURNING id, name, created_at
            """,
            new { projectId, name, now },
            tx);

    public static Task RemoveTagAsync(NpgsqlConnection connection, NpgsqlTransaction tx, long projectId, long tagId) =>
        connection.ExecuteAsync("DELETE FROM project_tags WHERE project_id = @projectId AND id = @tagId", new { projectId, tagId }, tx);

    /// <summary>A favorite is the member's own mark: no version change, nobody else sees it.</summary>
    public async Task SetFavoriteAsync(long projectId, long userId, bool favorite, DateTime now)
    {
        await using var connection = await db.OpenConnectionAsync();
        await connection.ExecuteAsync(
            favorite
                ? "INSERT INTO project_favorites (user_id, project_id, created_at) VALUES (@userId, @projectId, @now) ON CONFLICT DO NOTHING"
                : "DELETE FROM project_favorites WHERE user_id = @userId AND project_id = @projectId",
            new { projectId, userId, now });
    }
}
