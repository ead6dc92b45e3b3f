using System.Text.Json;

namespace HiveSync.WebApi.Platform;

/// <summary>A single item: <c>{ "data": ... }</c>.</summary>
public sealed record DataEnvelope<T>(T Data);

/// <summary>A page of a list: <c>{ "items", "total", "page", "page_size" }</c>.</summary>
public sealed record PageEnvelope<T>(IReadOnlyList<T> Items, long Total, int Page, int PageSize);

/// <summary>Every failure: <c>{ "error": { "code", "message", "details" } }</c>.</summary>
public sealed record ErrorEnvelope(ErrorBody Error);

/// <summary>
/// <c>details</c> is null or an object: per-field messages for <c>VALIDATION_ERROR</c>
/// (<c>{ "email": ["..."] }</c>), named facts for other codes.
/// </summary>
public sealed record ErrorBody(string Code, string Message, JsonElement? Details);
