using System.Globalization;
using Npgsql;

namespace HiveSync.Bench.Seeding;

/// <summary>The big project the collaboration scenarios work in: its team (Premium users), labels, and the members' other projects.</summary>
public sealed record CollabTeam(long ProjectId, IReadOnlyList<BenchUser> Members, IReadOnlyList<long> LabelIds, int ProjectsPerMember);

/// <summary>
/// Builds the <see cref="CollabTeam"/> through the API, as a client would: the first Premium user creates the
/// project, invites the other Premium users and creates the labels; every member also owns a few projects of their
/// own, so the project list has something to sort and filter.
/// </summary>
public static class CollabTeamSeeding
{
    public const int MaxMembers = 16;
    private const int OwnProjectsPerMember = 9;
    private static readonly string[] LabelNames = ["backend", "frontend", "bug", "feature", "docs", "infra", "security", "performance"];

    public static async Task<CollabTeam> CreateAsync(HttpClient http, Uri silo, string connectionString, IReadOnlyList<BenchUser> users, CancellationToken ct)
    {
        var members = users.Where(u => u.Tier == "premium").Take(MaxMembers).ToList();
        if (members.Count < 2)
        {
            throw new InvalidOperationException("the collaboration scenarios need at least two Premium users: raise --users");
        }

        var owner = members[0];
        var project = await BenchApi.PostAsync(http, silo, "/api/v1/projects", owner.AccessToken,
            new { name = "Bench collaboration", description = "The project every collaboration scenario works in" }, ct);
        var projectId = project["id"]!.GetValue<long>();
        foreach (var member in members.Skip(1))
        {
            // An address joins a team by email only once its owner has verified it.
            await BenchApi.PostAsync(http, silo, "/api/v1/auth/verify-email", member.AccessToken, new { token = await VerificationTokenAsync(connectionString, member.Email, ct) }, ct);
            await BenchApi.PostAsync(http, silo, $"/api/v1/projects/{projectId}/team/invite", owner.AccessToken, new { email = member.Email }, ct);
        }

        var labels = new List<long>();
        for (var i = 0; i < LabelNames.Length; i++)
        {
            var color = $"#{(i * 0x1F3A5B) & 0xFFFFFF:X6}";
            var label = await BenchApi.PostAsync(http, silo, $"/api/v1/projects/{projectId}/tasks/labels", owner.AccessToken, new { name = LabelNames[i], color }, ct);
            labels.Add(label["id"]!.GetValue<long>());
        }

        foreach (var (member, m) in members.Select((u, m) => (u, m)))
        {
            for (var p = 0; p < OwnProjectsPerMember; p++)
            {
                var word = BenchWords.All[(m * OwnProjectsPerMember + p) % BenchWords.All.Count];
                var name = string.Create(CultureInfo.InvariantCulture, $"{char.ToUpperInvariant(word[0])}{word[1..]} {p + 1}");
                await BenchApi.PostAsync(http, silo, "/api/v1/projects", member.AccessToken, new { name, description = $"Side project about {word}" }, ct);
            }
        }

        return new CollabTeam(projectId, members, labels, OwnProjectsPerMember + 1);
    }

    /// <summary>The token of the address's newest verification link, from its outbox row (the bench reads no mail folder).</summary>
    private static async Task<string> VerificationTokenAsync(string connectionString, string email, CancellationToken ct)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(ct);
        await using var command = new NpgsqlCommand("SELECT text_body FROM email_outbox WHERE kind = 'verify_email' AND to_address = @email ORDER BY id DESC LIMIT 1", connection);
        command.Parameters.AddWithValue("email", email.ToLowerInvariant());
        var body = (string?)await command.ExecuteScalarAsync(ct) ?? throw new InvalidOperationException($"no verification email to {email}");
        var start = body.IndexOf("?token=", StringComparison.Ordinal) + "?token=".Length;
        var end = body.IndexOfAny([' ', '\n', '\r'], start);
        return Uri.UnescapeDataString(end < 0 ? body[start..] : body[start..end]);
    }
}
