using Dapper;
using System.Text.Json.Nodes;
using HiveSync.Tests.Platform;
using HiveSync.Tests.Projects;
using HiveSync.WebApi.Platform;
using Microsoft.Extensions.Options;
using static HiveSync.Tests.Auth.AuthTestKit;
using static HiveSync.Tests.Projects.ProjectsTestKit;
using static HiveSync.Tests.Tasks.TasksTestKit;

namespace HiveSync.Tests.Tasks;

/// <summary><c>GET /tasks</c>: one project's tasks, filtered, searched, sorted and paged.</summary>
public sealed class TaskListTests(ProjectsSilo silo) : IClassFixture<ProjectsSilo>
{
    private async Task<JsonNode> CreateAsync(SignedIn owner, long projectId, string title, JsonObject fields) =>
        await silo.CreateTaskAsync(owner.AccessToken, projectId, title, fields);

    private async Task<IReadOnlyList<string>> TitlesAsync(SignedIn caller, long projectId, string query) =>
        (await silo.ListTasksAsync(caller.AccessToken, projectId, query)).Titles();

    [Fact]
    public async Task The_list_holds_the_projects_tasks_only_newest_number_first_as_get_answers_them()
    {
        var (owner, projectId) = await silo.OwnProjectAsync();
        var (stranger, otherProject) = await silo.OwnProjectAsync();
        var first = await silo.CreateTaskAsync(owner.AccessToken, projectId, "first");
        await silo.CreateTaskAsync(stranger.AccessToken, otherProject, "elsewhere");
        var second = await silo.CreateTaskAsync(owner.AccessToken, projectId, "second");

        var list = await silo.ListTasksAsync(owner.AccessToken, projectId);

        Assert.Equal(["second", "first"], list.Titles());
        Assert.Equal(2, list["total"]!.GetValue<int>());
        Assert.True(JsonNode.DeepEquals(await silo.GetTaskAsync(owner.AccessToken, projectId, second.Id()), list["items"]![0]));
        Assert.True(JsonNode.DeepEquals(await silo.GetTaskAsync(owner.AccessToken, projectId, first.Id()), list["items"]![1]));
    }

    [Fact]
    public async Task Status_filters_by_one_status_or_a_comma_separated_list()
    {
        var (owner, projectId) = await silo.OwnProjectAsync();
        foreach (var status in new[] { "todo", "in_progress", "in_review", "done", "canceled" })
        {
            await CreateAsync(owner, projectId, status, new JsonObject { ["status"] = status });
        }

        Assert.Equal(["in_progress"], await TitlesAsync(owner, projectId, "status=in_progress"));
        Assert.Equal(["canceled", "done", "todo"], await TitlesAsync(owner, projectId, "status=todo,done,canceled"));
        Assert.Equal(["in_review", "todo"], await TitlesAsync(owner, projectId, "status=todo%2Cin_review"));
        Assert.Equal(3, (await silo.ListTasksAsync(owner.AccessToken, projectId, "status=todo,done,canceled"))["total"]!.GetValue<int>());
    }

    [Fact]
    public async Task Assignee_filters_the_tasks_the_user_is_assigned_to()
    {
        var (owner, projectId) = await silo.OwnProjectAsync();
        var member = await silo.AddMemberAsync(owner.AccessToken, projectId, "member");
        await CreateAsync(owner, projectId, "mine", new JsonObject { ["assignee_ids"] = new JsonArray(owner.UserId) });
        await CreateAsync(owner, projectId, "shared", new JsonObject { ["assignee_ids"] = new JsonArray(owner.UserId, member.UserId) });
        await CreateAsync(owner, projectId, "theirs", new JsonObject { ["assignee_ids"] = new JsonArray(member.UserId) });
        await CreateAsync(owner, projectId, "nobody's", []);

        Assert.Equal(["shared", "mine"], await TitlesAsync(owner, projectId, "assignee=" + Text(owner.UserId)));
        Assert.Equal(["theirs", "shared"], await TitlesAsync(member, projectId, "assignee=" + Text(member.UserId)));
    }

    [Fact]
    public async Task Labels_filters_the_tasks_carrying_all_of_them()
    {
        var (owner, projectId) = await silo.OwnProjectAsync();
        var red = (await silo.CreateLabelAsync(owner.AccessToken, projectId, "red", "#ff0000")).Id();
        var blue = (await silo.CreateLabelAsync(owner.AccessToken, projectId, "blue", "#0000ff")).Id();
        var green = (await silo.CreateLabelAsync(owner.AccessToken, projectId, "green", "#00ff00")).Id();
        await CreateAsync(owner, projectId, "red", new JsonObject { ["label_ids"] = new JsonArray(red) });
        await CreateAsync(owner, projectId, "red blue", new JsonObject { ["label_ids"] = new JsonArray(red, blue) });
        await CreateAsync(owner, projectId, "red blue green", new JsonObject { ["label_ids"] = new JsonArray(red, blue, green) });
        await CreateAsync(owner, projectId, "blue", new JsonObject { ["label_ids"] = new JsonArray(blue) });

        Assert.Equal(["red blue green", "red blue", "red"], await TitlesAsync(owner, projectId, "labels=" + Text(red)));
        Assert.Equal(["red blue green", "red blue"], await TitlesAsync(owner, projectId, $"labels={red},{blue}"));
        Assert.Equal(["red blue green"], await TitlesAsync(owner, projectId, $"labels={green},{red},{blue}"));
        Assert.Empty(await TitlesAsync(owner, projectId, $"labels={green},{Text(999_999_999)}"));
    }

    [Fact]
    public async Task Priority_filters_by_one_priority()
    {
        var (owner, projectId) = await silo.OwnProjectAsync();
        foreach (var priority in new[] { "low", "medium", "high", "urgent" })
        {
            await CreateAsync(owner, projectId, priority, new JsonObject { ["priority"] = priority });
        }

        Assert.Equal(["high"], await TitlesAsync(owner, projectId, "priority=high"));
        Assert.Equal(["medium"], await TitlesAsync(owner, projectId, "priority=medium"));
    }

    [Fact]
    public async Task Due_before_and_due_after_are_inclusive_and_leave_out_tasks_without_a_due_date()
    {
        var (owner, projectId) = await silo.OwnProjectAsync();
        await CreateAsync(owner, projectId, "jan", new JsonObject { ["due_date"] = "2030-01-15" });
        await CreateAsync(owner, projectId, "feb", new JsonObject { ["due_date"] = "2030-02-15" });
        await CreateAsync(owner, projectId, "mar", new JsonObject { ["due_date"] = "2030-03-15" });
        await CreateAsync(owner, projectId, "undated", []);

        Assert.Equal(["feb", "jan"], await TitlesAsync(owner, projectId, "due_before=2030-02-15"));
        Assert.Equal(["jan"], await TitlesAsync(owner, projectId, "due_before=2030-02-14"));
        Assert.Equal(["mar", "feb"], await TitlesAsync(owner, projectId, "due_after=2030-02-15"));
        Assert.Equal(["mar"], await TitlesAsync(owner, projectId, "due_after=2030-02-16"));
        Assert.Equal(["feb"], await TitlesAsync(owner, projectId, "due_after=2030-02-15&due_before=2030-02-15"));
        Assert.Empty(await TitlesAsync(owner, projectId, "due_after=2030-02-16&due_before=2030-02-14"));
    }

    [Fact]
    public async Task Filters_combine()
    {
        var (owner, projectId) = await silo.OwnProjectAsync();
        var label = (await silo.CreateLabelAsync(owner.AccessToken, projectId, "ops")).Id();
        await CreateAsync(owner, projectId, "match", new JsonObject
        {
            ["status"] = "in_progress", ["priority"] = "high", ["assignee_ids"] = new JsonArray(owner.UserId), ["label_ids"] = new JsonArray(label),
        });
        await CreateAsync(owner, projectId, "wrong status", new JsonObject
        {
            ["status"] = "todo", ["priority"] = "high", ["assignee_ids"] = new JsonArray(owner.UserId), ["label_ids"] = new JsonArray(label),
        });
        await CreateAsync(owner, projectId, "no label", new JsonObject
        {
            ["status"] = "in_progress", ["priority"] = "high", ["assignee_ids"] = new JsonArray(owner.UserId),
        });
        await CreateAsync(owner, projectId, "low", new JsonObject
        {
            ["status"] = "in_progress", ["priority"] = "low", ["assignee_ids"] = new JsonArray(owner.UserId), ["label_ids"] = new JsonArray(label),
        });

        var list = await silo.ListTasksAsync(owner.AccessToken, projectId, $"status=in_progress&priority=high&assignee={owner.UserId}&labels={label}");

        Assert.Equal(["match"], list.Titles());
        Assert.Equal(1, list["total"]!.GetValue<int>());
    }

    [Fact]
    public async Task Q_finds_words_of_the_title_or_the_description_with_english_stemming()
    {
        var (owner, projectId) = await silo.OwnProjectAsync();
        var (stranger, otherProject) = await silo.OwnProjectAsync();
        await CreateAsync(owner, projectId, "Refactoring the telemetry exporters", []);
        await CreateAsync(owner, projectId, "Billing dashboard", new JsonObject { ["description"] = "Charts of the monthly invoices" });
        await CreateAsync(owner, projectId, "Mobile app", []);
        await CreateAsync(stranger, otherProject, "Refactoring the telemetry exporters", []);

        var byTitle = await silo.ListTasksAsync(owner.AccessToken, projectId, "q=refactor%20exporter");
        var byDescription = await silo.ListTasksAsync(owner.AccessToken, projectId, "q=invoice");

        Assert.Equal(["Refactoring the telemetry exporters"], byTitle.Titles());
        Assert.Equal(1, byTitle["total"]!.GetValue<int>());
        Assert.Equal(["Billing dashboard"], byDescription.Titles());
        Assert.Empty(await TitlesAsync(owner, projectId, "q=refactor%20invoice"));
    }

    [Theory]
    [InlineData("the and")]
    [InlineData("the")]
    [InlineData("and or not")]
    public async Task Q_of_stop_words_only_answers_an_empty_page(string q)
    {
        var (owner, projectId) = await silo.OwnProjectAsync();
        await CreateAsync(owner, projectId, "The tasks and the bugs", []);

        var list = await silo.ListTasksAsync(owner.AccessToken, projectId, "q=" + Uri.EscapeDataString(q));

        Assert.Empty(list["items"]!.AsArray());
        Assert.Equal(0, list["total"]!.GetValue<int>());
    }

    [Theory]
    [InlineData("plain &")]
    [InlineData("plain | !(:*")]
    [InlineData("'plain' \" <-> \\")]
    [InlineData("plain:*")]
    public async Task Q_with_search_operators_is_taken_as_plain_words(string q)
    {
        var (owner, projectId) = await silo.OwnProjectAsync();
        await CreateAsync(owner, projectId, "Plain", []);
        await CreateAsync(owner, projectId, "Fancy", []);

        Assert.Equal(["Plain"], await TitlesAsync(owner, projectId, "q=" + Uri.EscapeDataString(q)));
    }

    [Fact]
    public async Task Q_combines_with_the_filters()
    {
        var (owner, projectId) = await silo.OwnProjectAsync();
        await CreateAsync(owner, projectId, "Exporter crash", new JsonObject { ["status"] = "done" });
        await CreateAsync(owner, projectId, "Exporter retries", new JsonObject { ["status"] = "todo" });

        Assert.Equal(["Exporter retries"], await TitlesAsync(owner, projectId, "q=exporters&status=todo"));
    }

    /// <summary>
    /// Four tasks whose numbers, titles, priorities, due dates and last changes are each in a different order:
    /// number 1 Charlie/high/2030-03-01, 2 Alpha/urgent/2030-01-01, 3 Delta/low/2030-04-01, 4 Bravo/medium/2030-02-01,
    /// and task 2 changed last.
    /// </summary>
    private async Task<(SignedIn Owner, long ProjectId)> SortableAsync()
    {
        var (owner, projectId) = await silo.OwnProjectAsync();
        var alpha = default(JsonNode);
        foreach (var (title, priority, due) in new[] { ("Charlie", "high", "2030-03-01"), ("Alpha", "urgent", "2030-01-01"), ("Delta", "low", "2030-04-01"), ("Bravo", "medium", "2030-02-01") })
        {
            var task = await CreateAsync(owner, projectId, title, new JsonObject { ["priority"] = priority, ["due_date"] = due });
            alpha ??= title == "Alpha" ? task : null;
        }

        await silo.PatchTaskAsync(owner.AccessToken, projectId, alpha!.Id(), """{"description":"changed last"}""");
        return (owner, projectId);
    }

    [Theory]
    [InlineData("sort=number", new long[] { 1, 2, 3, 4 })]
    [InlineData("sort=-number", new long[] { 4, 3, 2, 1 })]
    [InlineData("", new long[] { 4, 3, 2, 1 })]
    [InlineData("sort=created", new long[] { 1, 2, 3, 4 })]
    [InlineData("sort=-created", new long[] { 4, 3, 2, 1 })]
    [InlineData("sort=updated", new long[] { 1, 3, 4, 2 })]
    [InlineData("sort=-updated", new long[] { 2, 4, 3, 1 })]
    [InlineData("sort=due", new long[] { 2, 4, 1, 3 })]
    [InlineData("sort=-due", new long[] { 3, 1, 4, 2 })]
    [InlineData("sort=priority", new long[] { 3, 4, 1, 2 })]
    [InlineData("sort=-priority", new long[] { 2, 1, 4, 3 })]
    [InlineData("sort=title", new long[] { 2, 4, 1, 3 })]
    [InlineData("sort=-title", new long[] { 3, 1, 4, 2 })]
    public async Task Sort_orders_by_each_key_ascending_or_with_a_leading_minus_descending(string query, long[] numbers)
    {
        var (owner, projectId) = await SortableAsync();

        var list = await silo.ListTasksAsync(owner.AccessToken, projectId, query);

        Assert.Equal(numbers, list.Numbers());
    }

    [Fact]
    public async Task Pages_split_the_list_and_every_page_tells_the_total_of_the_filtered_list()
    {
        var (owner, projectId) = await silo.OwnProjectAsync();
        for (var i = 1; i <= 5; i++)
        {
            await CreateAsync(owner, projectId, $"T{i}", []);
        }

        await CreateAsync(owner, projectId, "closed", new JsonObject { ["status"] = "done" });

        var pages = new List<JsonNode>();
        for (var page = 1; page <= 4; page++)
        {
            pages.Add(await silo.ListTasksAsync(owner.AccessToken, projectId, $"status=todo&sort=number&page_size=2&page={page}"));
        }

        Assert.Equal(["T1", "T2"], pages[0].Titles());
        Assert.Equal(["T3", "T4"], pages[1].Titles());
        Assert.Equal(["T5"], pages[2].Titles());
        Assert.Empty(pages[3]["items"]!.AsArray());
        for (var i = 0; i < pages.Count; i++)
        {
            Assert.Equal(5, pages[i]["total"]!.GetValue<int>());
            Assert.Equal(i + 1, pages[i]["page"]!.GetValue<int>());
            Assert.Equal(2, pages[i]["page_size"]!.GetValue<int>());
        }

        Assert.Equal(6, (await silo.ListTasksAsync(owner.AccessToken, projectId, "page_size=2"))["total"]!.GetValue<int>());
    }

    [Fact]
    public async Task Without_page_parameters_the_first_page_of_the_default_size_is_answered()
    {
        var (owner, projectId) = await silo.OwnProjectAsync();
        await CreateAsync(owner, projectId, "only", []);

        var list = await silo.ListTasksAsync(owner.AccessToken, projectId);

        Assert.Equal(1, list["page"]!.GetValue<int>());
        Assert.Equal(silo.Service<IOptions<PaginationOptions>>().Value.DefaultPageSize, list["page_size"]!.GetValue<int>());
        Assert.Equal(1, list["total"]!.GetValue<int>());
    }

    [Theory]
    [InlineData("status=bogus", "status")]
    [InlineData("status=todo,bogus", "status")]
    [InlineData("priority=critical", "priority")]
    [InlineData("priority=high,low", "priority")]
    [InlineData("assignee=abc", "assignee")]
    [InlineData("assignee=1.5", "assignee")]
    [InlineData("labels=abc", "labels")]
    [InlineData("labels=1,x", "labels")]
    [InlineData("due_before=tomorrow", "due_before")]
    [InlineData("due_before=2030-13-01", "due_before")]
    [InlineData("due_after=2030-02-30", "due_after")]
    [InlineData("due_after=2030-01-01T00:00:00Z", "due_after")]
    [InlineData("sort=bogus", "sort")]
    [InlineData("sort=-", "sort")]
    [InlineData("sort=--number", "sort")]
    [InlineData("sort=name", "sort")]
    [InlineData("sort=number,title", "sort")]
    [InlineData("page=0", "page")]
    [InlineData("page=abc", "page")]
    [InlineData("page_size=0", "page_size")]
    [InlineData("page_size=101", "page_size")]
    public async Task A_bad_query_parameter_is_a_validation_error_naming_it(string query, string parameter)
    {
        var (owner, projectId) = await silo.OwnProjectAsync();
        await CreateAsync(owner, projectId, "any", []);

        using var response = await silo.ListTasksResponseAsync(owner.AccessToken, projectId, query);

        await response.AssertValidationErrorAsync(parameter);
    }

    [Fact]
    public async Task Q_of_200_characters_is_accepted_and_201_is_refused()
    {
        var (owner, projectId) = await silo.OwnProjectAsync();

        await silo.ListTasksAsync(owner.AccessToken, projectId, "q=" + new string('w', 200));
        using var response = await silo.ListTasksResponseAsync(owner.AccessToken, projectId, "q=" + new string('w', 201));

        await response.AssertValidationErrorAsync("q");
    }

    [Fact]
    public async Task Total_counts_up_to_ten_thousand_and_pages_beyond_still_answer()
    {
        var (owner, projectId) = await silo.OwnProjectAsync();
        const int Tasks = 10_005;
        // Straight to the table, numbered as the API numbers them: ten thousand creates would take minutes.
        await using (var db = await silo.OpenDatabaseAsync())
        {
            await db.ExecuteAsync(
                """
                INSERT INTO tasks (project_id, number, title, status, priority, created_by, created_at, updated_at)
                SELECT @projectId, n, 'bulk ' || n, 'todo', 'medium', @ownerId, now(), now() FROM generate_series(1, @tasks) n;
                UPDATE projects SET next_task_number = @tasks + 1 WHERE id = @projectId;
                """,
                new { projectId, ownerId = owner.UserId, tasks = Tasks });
        }

        var first = await silo.ListTasksAsync(owner.AccessToken, projectId, "page_size=100");
        var last = await silo.ListTasksAsync(owner.AccessToken, projectId, "page_size=100&page=101");
        var filtered = await silo.ListTasksAsync(owner.AccessToken, projectId, "q=bulk&page_size=100&page=101");

        Assert.Equal(10_000, first["total"]!.GetValue<int>());
        Assert.Equal("bulk 10005", first.Titles()[0]);
        Assert.Equal(["bulk 5", "bulk 4", "bulk 3", "bulk 2", "bulk 1"], last.Titles());
        Assert.Equal(10_000, filtered["total"]!.GetValue<int>());
        Assert.Equal(5, filtered.Titles().Count);
    }
}
