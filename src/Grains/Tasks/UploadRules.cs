using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using HiveSync.Grains.Interfaces.Limits;
using HiveSync.Grains.Interfaces.Platform;
using HiveSync.Grains.Interfaces.Tasks;
using HiveSync.Grains.Platform;

namespace HiveSync.Grains.Tasks;

/// <summary>What an announced upload may be: a file name (not a path), an allowed content type, a size within the tier, a SHA-256.</summary>
public static partial class UploadRules
{
    public const int NameMaxLength = 255;

    /// <summary>
    /// The upload, normalised (trimmed name, lower-case content type and hash), or a validation error naming every
    /// offending field. The tier's size limit is checked apart (<see cref="EnforceSize"/>): it is a 403, not a 400.
    /// </summary>
    public static NewUpload Validate(NewUpload upload, IReadOnlyList<string> allowedContentTypes)
    {
        var problems = new Dictionary<string, string[]>();
        var name = Check(problems, "name", () => Name(upload.Name));
        var contentType = Check(problems, "content_type", () => ContentType(upload.ContentType, allowedContentTypes));
        if (upload.Size < 1)
        {
            problems["size"] = ["Must be the file's size in bytes, at least 1."];
        }

        var sha256 = upload.Sha256 is null ? null : Check(problems, "sha256", () => Sha256(upload.Sha256));
        return problems.Count > 0 ? throw DomainException.Validation(problems) : new NewUpload(name!, contentType!, upload.Size, sha256);
    }

    /// <summary>403 <c>TIER_LIMIT_EXCEEDED</c> (<c>current</c>: the file's size) when the file is larger than the tier allows.</summary>
    public static void EnforceSize(TierOptions tiers, string tier, long size)
    {
        if (size > TierLimit.AttachmentBytes.Of(tiers.For(tier)))
        {
            throw TierPolicy.Exceeded(tiers, tier, TierLimit.AttachmentBytes, size, requested: 0);
        }
    }

    /// <summary>A file name: 1–255 characters, no control characters, no path (no <c>/</c> or <c>\</c>, not <c>.</c> or <c>..</c>).</summary>
    public static string Name(string? value)
    {
        var name = TextRules.Text(value, "name", NameMaxLength);
        return name.IndexOfAny(['/', '\\']) < 0 && name is not ("." or "..")
            ? name
            : throw DomainException.Validation("name", "Must be a file name, not a path: no '/' or '\\', not '.' or '..'.");
    }

    /// <summary>A bare <c>type/subtype</c> (no parameters) that one of <paramref name="allowed"/> covers; lower-cased, as it is signed.</summary>
    public static string ContentType(string? value, IReadOnlyList<string> allowed)
    {
        var type = value?.Trim().ToLowerInvariant() ?? "";
        if (!MediaType().IsMatch(type))
        {
            throw DomainException.Validation("content_type", "Must be a content type as type/subtype, without parameters (application/pdf).");
        }

        return allowed.Any(a => Covers(a.ToLowerInvariant(), type))
            ? type
            : throw DomainException.Validation("content_type", $"This content type may not be uploaded. Allowed: {string.Join(", ", allowed)}.");
    }

    public static string Sha256(string value) => Hex64().IsMatch(value)
        ? value.ToLowerInvariant()
        : throw DomainException.Validation("sha256", "Must be the file's SHA-256 as 64 hexadecimal characters.");

    /// <summary>An entry of <c>Attachments:AllowedContentTypes</c>: <c>type/subtype</c> or <c>type/*</c>.</summary>
    public static bool IsContentTypePattern(string? entry)
    {
        var e = entry?.Trim().ToLowerInvariant() ?? "";
        return MediaType().IsMatch(e) || (e.EndsWith("/*", StringComparison.Ordinal) && MediaType().IsMatch(e[..^1] + "x"));
    }

    public static string Hex(byte[] hash) => Convert.ToHexString(hash).ToLower(CultureInfo.InvariantCulture);

    private static bool Covers(string pattern, string type) =>
        pattern == type || (pattern.EndsWith("/*", StringComparison.Ordinal) && type.StartsWith(pattern[..^1], StringComparison.Ordinal));

    private static string? Check(Dictionary<string, string[]> problems, string field, Func<string> rule)
    {
        try
        {
            return rule();
        }
        catch (DomainException refused) when (refused.Code == ErrorCodes.ValidationError.Code && refused.DetailsJson is { } details)
        {
            // Every field's problem in one answer, not just the first one's.
            problems[field] = JsonSerializer.Deserialize<Dictionary<string, string[]>>(details)?.GetValueOrDefault(field) ?? [refused.Message];
            return null;
        }
    }

    [GeneratedRegex("^[a-z0-9][a-z0-9!#$&^_.+-]{0,126}/[a-z0-9][a-z0-9!#$&^_.+-]{0,126}$")]
    private static partial Regex MediaType();

    [GeneratedRegex("^[0-9A-Fa-f]{64}$")]
    private static partial Regex Hex64();
}
