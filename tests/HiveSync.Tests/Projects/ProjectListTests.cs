using System.Text.Json.Nodes;
using HiveSync.Tests.Platform;
using HiveSync.WebApi.Platform;
using Microsoft.Extensions.Options;
using static HiveSync.Tests.Auth.AuthTestKit;
using static HiveSync.Tests.Projects.ProjectsTestKit;

namespace HiveSync.Tests.Projects;

/// <summary><c>GET /api/v1/projects</c>: the caller's projects only, searched, filtered, sorted and paged.</summary>
public sealed class ProjectListTests(ProjectsSilo silo) : IClassFixture<ProjectsSilo>
{
    [Fact]
    public async Task The_list_holds_exactly_the_projects_the_caller_is_a_member_of_with_their_role()
    {
        var user = await silo.RegisterAsync();
        var stranger = await silo.RegisterAsync();
        var own = await silo.CreateProjectAsync(user.AccessToken, "Own");
        var othersProject = await silo.CreateProjectAsync(stranger.AccessToken, "Joined");
        await silo.InviteAsync(stranger.AccessToken, othersProject.Id(), user.Email, "viewer");
        await silo.CreateProjectAsync(stranger.AccessToken, "Not joined");

        var list = await silo.ListProjectsAsync(user.AccessToken, "sort=name");

        Assert.Equal(["Joined", "Own"], list.Names());
        Assert.Equal(2, list["total"]!.GetValue<int>());
        Assert.Equal(["viewer", "owner"], list["items"]!.AsArray().Select(i => i!["role"]!.GetValue<string>()));
        Assert.True(JsonNode.DeepEquals(await silo.GetProjectAsync(user.AccessToken, own.Id()), list["items"]![1]));
    }

    [Fact]
    public async Task A_project_the_caller_is_not_a_member_of_is_never_listed_whatever_the_filters()
    {
        var owner = await silo.RegisterAsync();
        var stranger = await silo.RegisterAsync();
        var project = await silo.CreateProjectAsync(owner.AccessToken, "Secret quasar engine", "Hidden quasar work");
        await silo.CreateTagAsync(owner.AccessToken, project.Id(), "quasar");
        await silo.FavoriteAsync(owner.AccessToken, project.Id());

        foreach (var query in new[] { "", "q=quasar", "tag=quasar", "archived=all", "role=owner", "favorites=true", "q=quasar&archived=all&tag=quasar" })
        {
            var list = await silo.ListProjectsAsync(stranger.AccessToken, query);
            Assert.Empty(list["items"]!.AsArray());
            Assert.Equal(0, list["total"]!.GetValue<int>());
        }
    }

    [Fact]
    public async Task Q_finds_words_of_the_name_or_the_description_with_english_stemming()
    {
        var user = await silo.RegisterAsync();
        var stranger = await silo.RegisterAsync();
        await silo.CreateProjectAsync(user.AccessToken, "Refactoring the telemetry exporters");
        await silo.CreateProjectAsync(user.AccessToken, "Billing dashboard", "Charts of the monthly invoices");
        await silo.CreateProjectAsync(user.AccessToken, "Mobile app");
        await silo.CreateProjectAsync(stranger.AccessToken, "Refactoring the telemetry exporters");

        var byName = await silo.ListProjectsAsync(user.AccessToken, "q=refactor%20exporter");
        var byDescription = await silo.ListProjectsAsync(user.AccessToken, "q=invoice");

        Assert.Equal(["Refactoring the telemetry exporters"], byName.Names());
        Assert.Equal(1, byName["total"]!.GetValue<int>());
        Assert.Equal(["Billing dashboard"], byDescription.Names());
    }

    [Theory]
    [InlineData("plain &")]
    [InlineData("plain | !(:*")]
    [InlineData("'plain' \" <-> \\")]
    [InlineData("plain:*")]
    public async Task Q_with_search_operators_is_taken_as_plain_words(string q)
    {
        var user = await silo.RegisterAsync();
        await silo.CreateProjectAsync(user.AccessToken, "Plain");
        await silo.CreateProjectAsync(user.AccessToken, "Fancy");

        var list = await silo.ListProjectsAsync(user.AccessToken, "q=" + Uri.EscapeDataString(q));

        Assert.Equal(["Plain"], list.Names());
    }

    [Fact]
    public async Task Q_of_200_characters_is_accepted_and_201_is_refused()
    {
        var user = await silo.RegisterAsync();

        await silo.ListProjectsAsync(user.AccessToken, "q=" + new string('w', 200));
        using var response = await silo.ListProjectsResponseAsync(user.AccessToken, "q=" + new string('w', 201));

        await response.AssertValidationErrorAsync("q");
    }

    [Fact]
    public async Task Favorites_true_lists_only_the_callers_favorites()
    {
        var user = await silo.RegisterAsync();
        var other = await silo.RegisterAsync();
        var liked = await silo.CreateProjectAsync(user.AccessToken, "Liked");
        var shared = await silo.CreateProjectAsync(user.AccessToken, "Liked by the other");
        await silo.CreateProjectAsync(user.AccessToken, "Plain");
        await silo.InviteAsync(user.AccessToken, shared.Id(), other.Email);
        await silo.FavoriteAsync(user.AccessToken, liked.Id());
        await silo.FavoriteAsync(other.AccessToken, shared.Id());

        var favorites = await silo.ListProjectsAsync(user.AccessToken, "favorites=true");

        Assert.Equal(["Liked"], favorites.Names());
        Assert.True(favorites["items"]![0]!["is_favorite"]!.GetValue<bool>());
        Assert.Equal(["Liked by the other"], (await silo.ListProjectsAsync(other.AccessToken, "favorites=true")).Names());
    }

    [Fact]
    public async Task Tag_lists_the_projects_carrying_a_tag_of_that_name()
    {
        var user = await silo.RegisterAsync();
        var both = await silo.CreateProjectAsync(user.AccessToken, "Both");
        var backendOnly = await silo.CreateProjectAsync(user.AccessToken, "Backend only");
        await silo.CreateProjectAsync(user.AccessToken, "Untagged");
        await silo.CreateTagAsync(user.AccessToken, both.Id(), "backend");
        await silo.CreateTagAsync(user.AccessToken, both.Id(), "urgent");
        await silo.CreateTagAsync(user.AccessToken, backendOnly.Id(), "backend");

        var backend = await silo.ListProjectsAsync(user.AccessToken, "tag=backend&sort=name");
        var urgent = await silo.ListProjectsAsync(user.AccessToken, "tag=urgent");
        var none = await silo.ListProjectsAsync(user.AccessToken, "tag=nothing");

        Assert.Equal(["Backend only", "Both"], backend.Names());
        Assert.Equal(["Both"], urgent.Names());
        Assert.Equal(["backend", "urgent"], urgent["items"]![0]!.TagNames());
        Assert.Empty(none["items"]!.AsArray());
    }

    [Theory]
    [InlineData("owner", "Owned")]
    [InlineData("admin", "Administered")]
    [InlineData("member", "Joined")]
    [InlineData("viewer", "Watched")]
    public async Task Role_lists_the_projects_where_the_caller_has_that_role(string role, string expected)
    {
        var user = await silo.RegisterAsync();
        var other = await silo.RegisterAsync();
        await silo.CreateProjectAsync(user.AccessToken, "Owned");
        foreach (var (name, asRole) in new[] { ("Administered", "admin"), ("Joined", "member"), ("Watched", "viewer") })
        {
            var project = await silo.CreateProjectAsync(other.AccessToken, name);
            await silo.InviteAsync(other.AccessToken, project.Id(), user.Email, asRole);
        }

        var list = await silo.ListProjectsAsync(user.AccessToken, "role=" + role);

        Assert.Equal([expected], list.Names());
        Assert.Equal(role, list["items"]![0]!["role"]!.GetValue<string>());
    }

    [Fact]
    public async Task Archived_projects_are_left_out_by_default_and_listed_with_true_or_all()
    {
        var user = await silo.RegisterAsync();
        await silo.CreateProjectAsync(user.AccessToken, "Active");
        var old = await silo.CreateProjectAsync(user.AccessToken, "Old");
        await silo.ArchiveAsync(user.AccessToken, old.Id());

        Assert.Equal(["Active"], (await silo.ListProjectsAsync(user.AccessToken)).Names());
        Assert.Equal(["Active"], (await silo.ListProjectsAsync(user.AccessToken, "archived=false")).Names());
        Assert.Equal(["Old"], (await silo.ListProjectsAsync(user.AccessToken, "archived=true")).Names());
        Assert.Equal(["Active", "Old"], (await silo.ListProjectsAsync(user.AccessToken, "archived=all&sort=name")).Names());
    }

    [Fact]
    public async Task Sort_orders_by_name_creation_or_last_change_and_defaults_to_the_latest_change_first()
    {
        var user = await silo.RegisterAsync();
        var bravo = await silo.CreateProjectAsync(user.AccessToken, "Bravo");
        await silo.CreateProjectAsync(user.AccessToken, "Charlie");
        await silo.CreateProjectAsync(user.AccessToken, "Alpha");
        await silo.PatchProjectAsync(user.AccessToken, bravo.Id(), """{"description":"changed last"}""");

        async Task<IReadOnlyList<string>> Sorted(string query) => (await silo.ListProjectsAsync(user.AccessToken, query)).Names();

        Assert.Equal(["Alpha", "Bravo", "Charlie"], await Sorted("sort=name"));
        Assert.Equal(["Charlie", "Bravo", "Alpha"], await Sorted("sort=-name"));
        Assert.Equal(["Bravo", "Charlie", "Alpha"], await Sorted("sort=created"));
        Assert.Equal(["Alpha", "Charlie", "Bravo"], await Sorted("sort=-created"));
        Assert.Equal(["Charlie", "Alpha", "Bravo"], await Sorted("sort=updated"));
        Assert.Equal(["Bravo", "Alpha", "Charlie"], await Sorted("sort=-updated"));
        Assert.Equal(["Bravo", "Alpha", "Charlie"], await Sorted(""));
    }

    [Fact]
    public async Task Pages_split_the_list_and_every_page_tells_the_total()
    {
        var user = await silo.RegisterAsync();
        foreach (var name in new[] { "P1", "P2", "P3", "P4", "P5" })
        {
            await silo.CreateProjectAsync(user.AccessToken, name);
        }

        var first = await silo.ListProjectsAsync(user.AccessToken, "sort=name&page_size=2");
        var second = await silo.ListProjectsAsync(user.AccessToken, "sort=name&page_size=2&page=2");
        var third = await silo.ListProjectsAsync(user.AccessToken, "sort=name&page_size=2&page=3");
        var beyond = await silo.ListProjectsAsync(user.AccessToken, "sort=name&page_size=2&page=4");

        Assert.Equal(["P1", "P2"], first.Names());
        Assert.Equal(["P3", "P4"], second.Names());
        Assert.Equal(["P5"], third.Names());
        Assert.Empty(beyond["items"]!.AsArray());
        foreach (var (page, number) in new[] { (first, 1), (second, 2), (third, 3), (beyond, 4) })
        {
            Assert.Equal(5, page["total"]!.GetValue<int>());
            Assert.Equal(number, page["page"]!.GetValue<int>());
            Assert.Equal(2, page["page_size"]!.GetValue<int>());
        }
    }

    [Fact]
    public async Task Without_page_parameters_the_first_page_of_the_default_size_is_answered()
    {
        var user = await silo.RegisterAsync();
        await silo.CreateProjectAsync(user.AccessToken);

        var list = await silo.ListProjectsAsync(user.AccessToken);

        Assert.Equal(1, list["page"]!.GetValue<int>());
        Assert.Equal(silo.Service<IOptions<PaginationOptions>>().Value.DefaultPageSize, list["page_size"]!.GetValue<int>());
        Assert.Equal(1, list["total"]!.GetValue<int>());
    }

    [Theory]
    [InlineData("sort=bogus", "sort")]
    [InlineData("sort=-", "sort")]
    [InlineData("sort=--name", "sort")]
    [InlineData("sort=key", "sort")]
    [InlineData("sort=name,created", "sort")]
    [InlineData("role=boss", "role")]
    [InlineData("role=owners", "role")]
    [InlineData("archived=maybe", "archived")]
    [InlineData("archived=archived", "archived")]
    [InlineData("page=0", "page")]
    [InlineData("page=abc", "page")]
    [InlineData("page_size=0", "page_size")]
    [InlineData("page_size=101", "page_size")]
    public async Task A_bad_query_parameter_is_a_validation_error_naming_it(string query, string parameter)
    {
        var user = await silo.RegisterAsync();
        await silo.CreateProjectAsync(user.AccessToken);

        using var response = await silo.ListProjectsResponseAsync(user.AccessToken, query);

        await response.AssertValidationErrorAsync(parameter);
    }
}
