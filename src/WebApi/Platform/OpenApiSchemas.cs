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

/// <summary>Schema rules the framework cannot infer: closed sets, non-null envelopes, the error body's shape.</summary>
public static class OpenApiSchemas
{
    public static void Configure(OpenApiOptions options) => options.AddSchemaTransformer((schema, context, _) =>
    {
        if (schema is not OpenApiSchema concrete)
        {
            return Task.CompletedTask;
        }

        if (context.JsonPropertyInfo?.AttributeProvider?.GetCustomAttributes(typeof(ClosedSetAttribute), false) is [ClosedSetAttribute closed, ..])
        {
            SetEnum(concrete, closed.Values);
        }

        var type = context.JsonTypeInfo.Type;
        if (type.IsGenericType && type.GetGenericTypeDefinition() == typeof(DataEnvelope<>) && concrete.Properties?.TryGetValue("data", out var data) == true)
        {
            concrete.Properties["data"] = NonNull(data); // a success always has its data
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
    });

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
