using System.Text.Json;
using HiveSync.Grains.Interfaces.Platform;
using HiveSync.Grains.Interfaces.Projects;
using HiveSync.Grains.Interfaces.Tasks;
using HiveSync.Grains.Interfaces.Templates;
using Microsoft.Extensions.Logging;
using Orleans.Concurrency;

namespace HiveSync.Grains.Templates;

/// <summary>
/// The catalogue (data: <c>ProjectTemplates.json</c>, embedded) and projects started from it. A project from a template
/// is made by the same calls a client would make (create, tags, labels, tasks), each checked as usual; if one fails,
/// the half-made project is deleted again.
/// </summary>
[StatelessWorker]
[Reentrant]
public sealed class TemplatesGrain(ILogger<TemplatesGrain> logger) : Grain, ITemplatesGrain
{
    private static readonly JsonSerializerOptions CatalogueJson = new(JsonSerializerDefaults.Web);

    private static readonly Lazy<IReadOnlyList<ProjectTemplate>> Catalogue = new(() => Load());

    public Task<IReadOnlyList<ProjectTemplate>> List() => Task.FromResult(Catalogue.Value);

    public async Task<ProjectView> CreateProject(long callerId, string templateId, string name)
    {
        var template = Catalogue.Value.FirstOrDefault(t => t.Id == templateId)
            ?? throw DomainException.Validation("template_id", $"Unknown template; one of: {string.Join(", ", Catalogue.Value.Select(t => t.Id))}.");
        var created = await GrainFactory.GetProjectDirectory().Create(callerId, new NewProject(name, template.Description, null));
        var project = GrainFactory.GetGrain<IProjectGrain>(created.Project.Id);
        try
        {
            foreach (var tag in template.Tags)
            {
                await project.AddTag(callerId, tag);
            }

            var tasks = GrainFactory.GetTasks();
            var labels = new Dictionary<string, long>(StringComparer.Ordinal);
            foreach (var label in template.Labels)
            {
                labels[label.Name] = (await tasks.AddLabel(callerId, created.Project.Id, label.Name, label.Color)).Id;
            }

            foreach (var task in template.Tasks)
            {
                await tasks.Create(callerId, created.Project.Id, new NewTask(task.Title, task.Description, TaskStatuses.Todo, task.Priority, [], [.. task.Labels.Select(l => labels[l])], null));
            }
        }
        catch (Exception e)
        {
            logger.LogWarning(e, "Project {ProjectId} from template {TemplateId} could not be completed; deleting it", created.Project.Id, templateId);
            await project.Delete(callerId);
            throw;
        }

        return await project.Describe(callerId);
    }

    private static List<ProjectTemplate> Load()
    {
        using var stream = typeof(TemplatesGrain).Assembly.GetManifestResourceStream("HiveSync.ProjectTemplates.json")
            ?? throw new InvalidOperationException("The project template catalogue is not embedded.");
        return JsonSerializer.Deserialize<List<ProjectTemplate>>(stream, CatalogueJson)
            ?? throw new InvalidOperationException("The project template catalogue is empty.");
    }
}
