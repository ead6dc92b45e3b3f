using System.Net;
using System.Text.Json;
using HiveSync.Tests.Platform;

namespace HiveSync.Tests.Projects;

/// <summary>The template catalogue, and projects started from it with their tags, labels and starter tasks.</summary>
public sealed class ProjectTemplateTests(ProjectsSilo silo) : IClassFixture<ProjectsSilo>
{
    [Fact]
    public async Task A_project_from_a_template_has_its_tags_labels_and_starter_tasks_and_the_caller_owns_it()
    {
        var user = await silo.RegisterAsync();
        using var catalogue = await silo.SendAsync(new TestRequest(HttpMethod.Get, "/api/v1/projects/templates") { Bearer = user.AccessToken });
        var templates = (await catalogue.ReadJsonAsync())["items"]!.AsArray();
        Assert.True(templates.Count >= 3);
        var template = templates.First(t => t!["id"]!.GetValue<string>() == "software-sprint")!;

        using var created = await silo.SendAsync(new TestRequest(HttpMethod.Post, "/api/v1/projects/from-template")
        {
            Bearer = user.AccessToken,
            Body = JsonSerializer.Serialize(new { template_id = "software-sprint", name = "Sprint 12" }),
        });

        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var project = (await created.ReadJsonAsync())["data"]!;
        Assert.Equal("Sprint 12", project["name"]!.GetValue<string>());
        Assert.Equal("owner", project["role"]!.GetValue<string>());
        Assert.Equal(template["tags"]!.AsArray().Select(t => t!.GetValue<string>()).Order(), project["tags"]!.AsArray().Select(t => t!.GetValue<string>()).Order());
        var path = $"/api/v1/projects/{project["id"]!.GetValue<long>()}";
        using var labels = await silo.SendAsync(new TestRequest(HttpMethod.Get, $"{path}/tasks/labels") { Bearer = user.AccessToken });
        using var tasks = await silo.SendAsync(new TestRequest(HttpMethod.Get, $"{path}/tasks?sort=number") { Bearer = user.AccessToken });
        var labelIds = (await labels.ReadJsonAsync())["items"]!.AsArray().ToDictionary(l => l!["name"]!.GetValue<string>(), l => l!["id"]!.GetValue<long>());
        Assert.Equal(template["labels"]!.AsArray().Count, labelIds.Count);
        var taskItems = (await tasks.ReadJsonAsync())["items"]!.AsArray();
        Assert.Equal(template["tasks"]!.AsArray().Select(t => t!["title"]!.GetValue<string>()), taskItems.Select(t => t!["title"]!.GetValue<string>()));
        Assert.Equal([labelIds["feature"]], taskItems[0]!["label_ids"]!.AsArray().Select(i => i!.GetValue<long>()));
    }

    [Fact]
    public async Task An_unknown_template_or_a_bad_name_is_400_and_creates_nothing()
    {
        var user = await silo.RegisterAsync();

        using var unknown = await silo.SendAsync(new TestRequest(HttpMethod.Post, "/api/v1/projects/from-template") { Bearer = user.AccessToken, Body = """{"template_id":"nope","name":"x"}""" });
        using var unnamed = await silo.SendAsync(new TestRequest(HttpMethod.Post, "/api/v1/projects/from-template") { Bearer = user.AccessToken, Body = """{"template_id":"bug-triage","name":""}""" });

        await unknown.AssertValidationErrorAsync("template_id");
        await unnamed.AssertValidationErrorAsync("name");
        using var mine = await silo.SendAsync(new TestRequest(HttpMethod.Get, "/api/v1/projects?archived=all") { Bearer = user.AccessToken });
        Assert.Equal(0, (await mine.ReadJsonAsync())["total"]!.GetValue<long>());
    }
}
