using System.Text.Json;

namespace HiveSync.Grains.Interfaces.Platform;

/// <summary>
/// A failure that is the caller's to fix (or to be told about): it crosses grain calls intact and
/// leaves the API as the error envelope with its code, message and details.
/// </summary>
[GenerateSerializer]
public sealed class DomainException : Exception
{
    private static readonly JsonSerializerOptions DetailsJsonOptions = new(JsonSerializerDefaults.Web)
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DictionaryKeyPolicy = null,
    };

    public DomainException()
        : this(ErrorCodes.InternalError, "Unexpected error.")
    {
    }

    public DomainException(string message)
        : this(ErrorCodes.InternalError, message)
    {
    }

    public DomainException(string message, Exception innerException)
        : base(message, innerException)
    {
        Code = ErrorCodes.InternalError.Code;
    }

    /// <param name="details">Any JSON-serialisable object; written as the envelope's <c>details</c>.</param>
    public DomainException(ApiErrorCode code, string message, object? details = null)
        : base(message)
    {
        Code = code.Code;
        DetailsJson = details is null ? null : JsonSerializer.Serialize(details, DetailsJsonOptions);
    }

    [Id(0)]
    public string Code { get; private set; }

    /// <summary>The envelope's details as JSON (kept as text so any shape crosses grain calls).</summary>
    [Id(1)]
    public string? DetailsJson { get; private set; }

    /// <summary>Seconds after which a retry may succeed (429, 503): sent as <c>Retry-After</c>.</summary>
    [Id(2)]
    public int? RetryAfterSeconds { get; init; }

    /// <summary>A validation failure of one field: details are <c>{ "field": ["message"] }</c>.</summary>
    public static DomainException Validation(string field, string message) =>
        Validation(new Dictionary<string, string[]> { [field] = [message] });

    public static DomainException Validation(IReadOnlyDictionary<string, string[]> fields) =>
        new(ErrorCodes.ValidationError, "The request is not valid.", fields);
}
