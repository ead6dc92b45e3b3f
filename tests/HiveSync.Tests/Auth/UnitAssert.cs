using System.Text.Json.Nodes;
using HiveSync.Grains.Interfaces.Platform;

namespace HiveSync.Tests.Auth;

/// <summary>Assertions for the domain rules' validation failures.</summary>
public static class UnitAssert
{
    /// <summary>Asserts a VALIDATION_ERROR naming exactly the given field.</summary>
    public static DomainException ValidationOf(string field, Action action)
    {
        var error = Assert.Throws<DomainException>(action);
        Assert.Equal("VALIDATION_ERROR", error.Code);
        var details = JsonNode.Parse(error.DetailsJson!)!.AsObject();
        Assert.Equal([field], details.Select(p => p.Key));
        Assert.True(details[field] is JsonArray { Count: > 0 }, error.DetailsJson);
        return error;
    }
}
