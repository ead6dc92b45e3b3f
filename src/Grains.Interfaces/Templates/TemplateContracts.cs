namespace HiveSync.Grains.Interfaces.Templates;

[GenerateSerializer, Immutable]
public sealed record TemplateLabel(string Name, string Color);

[GenerateSerializer, Immutable]
public sealed record TemplateTask(string Title, string Description, string Priority, IReadOnlyList<string> Labels);

/// <summary>A project to start from: its tags, task labels and starter tasks.</summary>
[GenerateSerializer, Immutable]
public sealed record ProjectTemplate(string Id, string Name, string Description, IReadOnlyList<string> Tags, IReadOnlyList<TemplateLabel> Labels, IReadOnlyList<TemplateTask> Tasks);

/// <summary>Project templates (a stateless worker, key 0): the catalogue, and projects started from one of them.</summary>
public interface ITemplatesGrain : IGrainWithIntegerKey
{
    Task<IReadOnlyList<ProjectTemplate>> List();

    /// <summary>A project named <paramref name="name"/>, owned by the caller, with the template's tags, labels and starter tasks.</summary>
    Task<Projects.ProjectView> CreateProject(long callerId, string templateId, string name);
}

public static class TemplateGrains
{
    public static ITemplatesGrain GetTemplates(this IGrainFactory grains) => grains.GetGrain<ITemplatesGrain>(0);
}
