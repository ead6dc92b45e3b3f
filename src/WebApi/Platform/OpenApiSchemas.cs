using System.Reflection;
using System.Text.Json.Nodes;
using HiveSync.Grains.Interfaces.Platform;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace HiveSync.WebApi.Platform;

/// <summary>
/// Marks a contract property whose values are a closed set: the public string constants of <see cref="Constants"/>
/// (e.g. <c>[property: ClosedSet(typeof(Tiers))]</c>), so generated clients get an enum, not a bare string.
/// </summary>
[AttributeUsage(AttributeTargets.Property)]
public sealed class ClosedSetAttribute(Type constants) : Attribute
{
    public Type Constants { get; } = constants;

    public IReadOnlyList<string> Values { get; } = constants.GetFields(BindingFlags.Public | BindingFlags.Static)
        .Where(f => f.IsLiteral && f.FieldType == typeof(string))
        .Select(f => (string)f.GetRawConstantValue()!)
        .ToList();
}

/// <summary>A JSON property that holds a free-form object the clients own (e.g. profile preferences).</summary>
[AttributeUsage(AttributeTargets.Property)]
public sealed class FreeFormObjectAttribute : Attribute;

/// <summary>Schema rules the framework cannot infer: closed sets, non-null envelopes, the error body's shape.</summary>
public static class OpenApiSchemas
{
    public static void Configure(OpenApiOptions options)
    {
        options.AddSchemaTransformer(TransformSchema);
        options.AddOperationTransformer(DeclaredRequestBodyAsync);
        options.AddOperationTransformer(PageParameters);
        options.AddDocumentTransformer((document, _, _) =>
        {
            // A success always has its data (the framework marks a generic T nullable).
            foreach (var (name, schema) in document.Components?.Schemas ?? new Dictionary<string, IOpenApiSchema>())
            {
                if (name.StartsWith("DataEnvelopeOf", StringComparison.Ordinal) && schema.Properties?.TryGetValue("data", out var data) == true)
                {
                    schema.Properties["data"] = NonNull(data);
                }
            }

            return Task.CompletedTask;
        });
    }

    private static Task TransformSchema(OpenApiSchema schema, OpenApiSchemaTransformerContext context, CancellationToken cancellationToken)
    {
        var concrete = schema;

        if (context.JsonPropertyInfo?.AttributeProvider?.GetCustomAttributes(typeof(ClosedSetAttribute), false) is [ClosedSetAttribute closed, ..])
        {
            SetEnum(concrete, closed.Values);
        }

        if (context.JsonPropertyInfo?.AttributeProvider?.IsDefined(typeof(FreeFormObjectAttribute), false) == true)
        {
            concrete.Type = JsonSchemaType.Object | (Nullable.GetUnderlyingType(context.JsonTypeInfo.Type) is null ? 0 : JsonSchemaType.Null);
            concrete.AdditionalProperties = new OpenApiSchema(); // any value per key
        }

        // Our UTC converter hides the type from the generator, which then writes only the format.
        var type = context.JsonTypeInfo.Type;
        if (type == typeof(DateTimeOffset) || type == typeof(DateTimeOffset?))
        {
            concrete.Type = JsonSchemaType.String | (type == typeof(DateTimeOffset?) ? JsonSchemaType.Null : 0);
            concrete.Format = "date-time";
        }

        if (type == typeof(ErrorBody) && concrete.Properties is { } error)
        {
            if (error.TryGetValue("code", out var code) && code is OpenApiSchema codeSchema)
            {
                SetEnum(codeSchema, ErrorCodes.All.Keys.Order(StringComparer.Ordinal).ToList());
            }

            error["details"] = new OpenApiSchema
            {
                Type = JsonSchemaType.Object | JsonSchemaType.Null,
                Description = "VALIDATION_ERROR: field name → messages. Other codes: named facts (e.g. retry_after_seconds, limit). Null when there is nothing more to say.",
            };
        }

        return Task.CompletedTask;
    }

    /// <summary>
    /// A route that reads its body as raw JSON (to tell absent from null) declares its shape with
    /// <c>Accepts&lt;T&gt;</c>: the document shows that shape instead of "any JSON".
    /// </summary>
    private static async Task DeclaredRequestBodyAsync(OpenApiOperation operation, OpenApiOperationTransformerContext context, CancellationToken cancellationToken)
    {
        var declared = context.Description.ActionDescriptor.EndpointMetadata.OfType<Microsoft.AspNetCore.Http.Metadata.IAcceptsMetadata>()
            .Select(a => a.RequestType)
            .FirstOrDefault(t => t is not null && t != typeof(System.Text.Json.JsonElement));
        var readsRawJson = context.Description.ParameterDescriptions.Any(p => p.Type == typeof(System.Text.Json.JsonElement));
        if (declared is null || !readsRawJson || operation.RequestBody?.Content is not { } content || context.Document is not { } document)
        {
            return;
        }

        document.Components ??= new OpenApiComponents();
        document.Components.Schemas ??= new Dictionary<string, IOpenApiSchema>();
        document.Components.Schemas[declared.Name] = await context.GetOrCreateSchemaAsync(declared, null, cancellationToken);
        foreach (var media in content.Values)
        {
            media.Schema = new OpenApiSchemaReference(declared.Name, document);
        }
    }

    private static Task PageParameters(OpenApiOperation operation, OpenApiOperationTransformerContext context, CancellationToken cancellationToken)
    {
        foreach (var parameter in (operation.Parameters ?? []).OfType<OpenApiParameter>().Where(p => p.In == ParameterLocation.Query))
        {
            (parameter.Schema, parameter.Description) = parameter.Name switch
            {
                PageQuery.PageParameter => (new OpenApiSchema { Type = JsonSchemaType.Integer, Format = "int32", Minimum = "1", Default = JsonValue.Create(1) }, "Page number, from 1."),
                PageQuery.PageSizeParameter => (new OpenApiSchema { Type = JsonSchemaType.Integer, Format = "int32", Minimum = "1" }, "Items per page: 1 to the caller's tier's maximum (100 / 200 / 500); default 20."),
                _ => (parameter.Schema, parameter.Description),
            };
        }

        return Task.CompletedTask;
    }

    private static void SetEnum(OpenApiSchema schema, IReadOnlyList<string> values)
    {
        schema.Enum = [.. values.Select(v => (JsonNode)JsonValue.Create(v))];
        if (schema.Type?.HasFlag(JsonSchemaType.Null) == true)
        {
            schema.Enum.Add(null!);
        }
    }

    private static IOpenApiSchema NonNull(IOpenApiSchema schema) =>
        schema.OneOf is { Count: > 0 } branches && branches.FirstOrDefault(b => b.Type != JsonSchemaType.Null) is { } value ? value : schema;
}
