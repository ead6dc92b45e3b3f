using System.Globalization;
using HiveSync.Grains.Interfaces.Platform;
using Microsoft.AspNetCore.Http;

namespace HiveSync.WebApi.Platform;

/// <summary>
/// Strong ETags of versioned resources (<c>"p42v7"</c>: kind, id, version) and the <c>If-Match</c> precondition of
/// their PATCH and DELETE: the version a change expects, checked by the grain together with the change, so a stale
/// tag answers 412 and changes nothing.
/// </summary>
public static class EntityTags
{
    public const char Project = 'p';
    public const char Task = 't';
    public const char Comment = 'c';

    /// <summary>Labels are never edited: their tag is always version 1, and a recreated label has another id.</summary>
    public const char Label = 'l';

    public static string For(char kind, long id, long version) => string.Create(CultureInfo.InvariantCulture, $"\"{kind}{id}v{version}\"");

    /// <summary>Sets the response's ETag and answers <paramref name="result"/>.</summary>
    public static T Tagged<T>(this HttpContext http, T result, char kind, long id, long version)
    {
        http.Response.Headers.ETag = For(kind, id, version);
        return result;
    }

    /// <summary>
    /// The version <c>If-Match</c> expects: null when there is none (or <c>*</c>); a tag that is weak, malformed or of
    /// another resource can never match, so it is 412 at once.
    /// </summary>
    public static long? ExpectedVersion(this HttpContext http, char kind, long id)
    {
        var header = http.Request.Headers.IfMatch.ToString().Trim();
        if (header.Length == 0 || header == "*")
        {
            return null;
        }

        var prefix = string.Create(CultureInfo.InvariantCulture, $"\"{kind}{id}v");
        foreach (var tag in header.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            if (tag.StartsWith(prefix, StringComparison.Ordinal) && tag.EndsWith('"')
                && long.TryParse(tag.AsSpan(prefix.Length, tag.Length - prefix.Length - 1), NumberStyles.None, CultureInfo.InvariantCulture, out var version))
            {
                return version;
            }
        }

        throw ErrorCodes.Stale();
    }
}
