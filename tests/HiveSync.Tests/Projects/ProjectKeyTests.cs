using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using HiveSync.Tests.Platform;
using static HiveSync.Tests.Auth.AuthTestKit;
using static HiveSync.Tests.Projects.ProjectsTestKit;

namespace HiveSync.Tests.Projects;

/// <summary>Project keys: given (2–10 of A–Z, 0–9, a letter first, unique per creator) or derived from the name.</summary>
public sealed partial class ProjectKeyTests(ProjectsSilo silo) : IClassFixture<ProjectsSilo>
{
    [GeneratedRegex("^[A-Z][A-Z0-9]{1,9}$")]
    private static partial Regex KeyFormat();

    [GeneratedRegex("^([A-Z][A-Z0-9]*?)([0-9]+)$")]
    private static partial Regex NumberedKey();

    private static string KeyOf(JsonNode project) => project["key"]!.GetValue<string>();

    /// <summary>The name's initials, or a prefix of its letters and digits, upper-cased: what "derived from the name" allows.</summary>
    private static void AssertDerivedFrom(string name, string key)
    {
        Assert.Matches(KeyFormat(), key);
        var words = name.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        var initials = string.Concat(words.Select(w => char.ToUpperInvariant(w[0])));
        var letters = string.Concat(name.Where(char.IsAsciiLetterOrDigit)).ToUpperInvariant();
        Assert.True(key == initials || letters.StartsWith(key, StringComparison.Ordinal), $"key {key} is neither the initials nor the first letters of '{name}'");
    }

    [Theory]
    [InlineData("AB")]
    [InlineData("A1")]
    [InlineData("HIVE2026")]
    [InlineData("ABCDEFGHIJ")]
    public async Task A_well_formed_key_is_kept_as_given(string key)
    {
        var user = await silo.RegisterAsync();

        var project = await silo.CreateProjectAsync(user.AccessToken, "Keyed", key: key);

        Assert.Equal(key, KeyOf(project));
    }

    [Theory]
    [InlineData("Hive Sync Mobile")]
    [InlineData("Telemetry")]
    [InlineData("billing dashboard")]
    public async Task Without_a_key_one_is_derived_from_the_name(string name)
    {
        var user = await silo.RegisterAsync();

        var project = await silo.CreateProjectAsync(user.AccessToken, name);

        AssertDerivedFrom(name, KeyOf(project));
    }

    [Theory]
    [InlineData("x")]
    [InlineData("42")]
    [InlineData("Ünïcödé ✓")]
    [InlineData("--- !!! ---")]
    public async Task A_name_that_yields_no_usable_initials_still_gets_a_well_formed_key(string name)
    {
        var user = await silo.RegisterAsync();

        var project = await silo.CreateProjectAsync(user.AccessToken, name);

        Assert.Matches(KeyFormat(), KeyOf(project));
    }

    [Fact]
    public async Task A_derived_key_the_creator_already_has_gets_a_number()
    {
        var user = await silo.RegisterAsync();
        var first = KeyOf(await silo.CreateProjectAsync(user.AccessToken, "Alpha Beta"));

        var second = KeyOf(await silo.CreateProjectAsync(user.AccessToken, "Alpha Beta"));
        var third = KeyOf(await silo.CreateProjectAsync(user.AccessToken, "Alpha Beta"));

        AssertDerivedFrom("Alpha Beta", first);
        Assert.Equal(3, new[] { first, second, third }.Distinct().Count());
        foreach (var numbered in new[] { second, third })
        {
            Assert.Matches(KeyFormat(), numbered);
            var match = NumberedKey().Match(numbered);
            Assert.True(match.Success, $"{numbered} does not end in a number");
            Assert.StartsWith(match.Groups[1].Value, first, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task A_derived_key_is_not_numbered_because_another_creator_has_it()
    {
        var alice = await silo.RegisterAsync();
        var bob = await silo.RegisterAsync();

        var ofAlice = KeyOf(await silo.CreateProjectAsync(alice.AccessToken, "Gamma Delta"));
        var ofBob = KeyOf(await silo.CreateProjectAsync(bob.AccessToken, "Gamma Delta"));

        Assert.Equal(ofAlice, ofBob);
    }

    [Fact]
    public async Task A_key_the_creator_already_has_is_409_and_creates_nothing()
    {
        var user = await silo.RegisterAsync();
        await silo.CreateProjectAsync(user.AccessToken, "First", key: "HIVE");

        await silo.AssertChangesNothingAsync(async () =>
        {
            using var response = await silo.CreateProjectResponseAsync(user.AccessToken, """{"name":"Second","key":"HIVE"}""");
            await response.AssertConflictAsync();
        });
        Assert.Equal(1, await silo.ProjectsCreatedByAsync(user.UserId));
    }

    [Fact]
    public async Task A_given_key_equal_to_a_derived_one_of_the_creator_is_409()
    {
        var user = await silo.RegisterAsync();
        var derived = KeyOf(await silo.CreateProjectAsync(user.AccessToken, "Epsilon Zeta"));

        await silo.AssertChangesNothingAsync(async () =>
        {
            using var response = await silo.CreateProjectResponseAsync(user.AccessToken, Json(new JsonObject { ["name"] = "Other", ["key"] = derived }));
            await response.AssertConflictAsync();
        });
    }

    [Fact]
    public async Task Two_creators_may_use_the_same_key()
    {
        var alice = await silo.RegisterAsync();
        var bob = await silo.RegisterAsync();

        var ofAlice = await silo.CreateProjectAsync(alice.AccessToken, "Alice's", key: "SAME");
        var ofBob = await silo.CreateProjectAsync(bob.AccessToken, "Bob's", key: "SAME");

        Assert.Equal("SAME", KeyOf(ofAlice));
        Assert.Equal("SAME", KeyOf(ofBob));
        Assert.NotEqual(ofAlice.Id(), ofBob.Id());
    }

    [Fact]
    public async Task A_member_of_someone_elses_project_may_give_their_own_project_its_key()
    {
        var owner = await silo.RegisterAsync();
        var project = await silo.CreateProjectAsync(owner.AccessToken, "Shared", key: "SHARED");
        var member = await silo.AddMemberAsync(owner.AccessToken, project.Id(), "admin");

        var own = await silo.CreateProjectAsync(member.AccessToken, "Mine", key: "SHARED");

        Assert.Equal("SHARED", KeyOf(own));
    }
}
