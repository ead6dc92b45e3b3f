using System.Text.Json.Nodes;
using HiveSync.Tests.Platform;
using static HiveSync.Tests.Auth.AuthTestKit;
using static HiveSync.Tests.Projects.ProjectsTestKit;

namespace HiveSync.Tests.Projects;

/// <summary>What create and patch refuse: 400 VALIDATION_ERROR naming the field, and nothing written.</summary>
public sealed class ProjectValidationTests(ProjectsSilo silo) : IClassFixture<ProjectsSilo>
{
    private async Task AssertCreateRefusedAsync(string json, string field)
    {
        var user = await silo.RegisterAsync();

        await silo.AssertChangesNothingAsync(async () =>
        {
            using var response = await silo.CreateProjectResponseAsync(user.AccessToken, json);
            await response.AssertValidationErrorAsync(field);
        });
        Assert.Equal(0, await silo.ProjectsCreatedByAsync(user.UserId));
    }

    private async Task AssertPatchRefusedAsync(string json, string field)
    {
        var user = await silo.RegisterAsync();
        var project = await silo.CreateProjectAsync(user.AccessToken, "Unchanged", "As it was");

        await silo.AssertChangesNothingAsync(async () =>
        {
            using var response = await silo.PatchProjectResponseAsync(user.AccessToken, project.Id(), json);
            await response.AssertValidationErrorAsync(field);
        });
        Assert.True(JsonNode.DeepEquals(project, await silo.GetProjectAsync(user.AccessToken, project.Id())));
    }

    [Theory]
    [InlineData("""{"name":""}""")]
    [InlineData("""{"description":"no name"}""")]
    [InlineData("""{"name":null}""")]
    [InlineData("""{"name":42}""")]
    public async Task Create_refuses_a_missing_empty_or_non_text_name(string json)
    {
        await AssertCreateRefusedAsync(json, "name");
    }

    [Fact]
    public async Task Create_refuses_a_name_over_100_characters()
    {
        await AssertCreateRefusedAsync(Json(new JsonObject { ["name"] = new string('n', 101) }), "name");
    }

    [Fact]
    public async Task Create_accepts_a_name_of_100_characters_and_a_description_of_2000()
    {
        var user = await silo.RegisterAsync();
        var name = new string('n', 100);
        var description = new string('d', 2000);

        var project = await silo.CreateProjectAsync(user.AccessToken, name, description);

        Assert.Equal(name, project["name"]!.GetValue<string>());
        Assert.Equal(description, project["description"]!.GetValue<string>());
    }

    [Fact]
    public async Task Create_refuses_a_description_over_2000_characters()
    {
        await AssertCreateRefusedAsync(Json(new JsonObject { ["name"] = "Fine", ["description"] = new string('d', 2001) }), "description");
    }

    [Theory]
    [InlineData("A")]
    [InlineData("ABCDEFGHIJK")]
    [InlineData("1AB")]
    [InlineData("ab")]
    [InlineData("Ab")]
    [InlineData("AB-C")]
    [InlineData("AB C")]
    [InlineData("ÄB")]
    [InlineData("")]
    public async Task Create_refuses_a_malformed_key(string key)
    {
        await AssertCreateRefusedAsync(Json(new JsonObject { ["name"] = "Fine", ["key"] = key }), "key");
    }

    [Theory]
    [InlineData("""{"name":"Fine","owner_id":1}""", "owner_id")]
    [InlineData("""{"name":"Fine","archived":true}""", "archived")]
    [InlineData("""{"name":"Fine","created_by":1}""", "created_by")]
    public async Task Create_refuses_a_field_it_does_not_know_and_names_it(string json, string field)
    {
        await AssertCreateRefusedAsync(json, field);
    }

    [Theory]
    [InlineData("""{"name":""}""", "name")]
    [InlineData("""{"name":42}""", "name")]
    [InlineData("""{"description":false}""", "description")]
    [InlineData("""{"key":"NEWKEY"}""", "key")]
    [InlineData("""{"archived":true}""", "archived")]
    [InlineData("""{"name":"Fine","role":"owner"}""", "role")]
    public async Task Patch_refuses_a_bad_or_unknown_field_and_changes_nothing(string json, string field)
    {
        await AssertPatchRefusedAsync(json, field);
    }

    [Fact]
    public async Task Patch_refuses_a_name_over_100_characters()
    {
        await AssertPatchRefusedAsync(Json(new JsonObject { ["name"] = new string('n', 101) }), "name");
    }

    [Fact]
    public async Task Patch_refuses_a_description_over_2000_characters()
    {
        await AssertPatchRefusedAsync(Json(new JsonObject { ["description"] = new string('d', 2001) }), "description");
    }
}
