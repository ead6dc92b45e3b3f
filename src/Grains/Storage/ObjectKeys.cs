namespace HiveSync.Grains.Storage;

/// <summary>
/// The form of an object key, the same for every backend: segments of ASCII letters, digits, <c>-</c>, <c>_</c> and
/// <c>.</c> joined by <c>/</c> (<c>attachments/12/34/9f2c...</c>). Keys are made by the server; the check is there so
/// that a bug can never reach outside the local folder (no <c>..</c>, no absolute path, no backslash, no empty or
/// hidden segment) nor make a key that one backend stores and the other refuses.
/// </summary>
public static class ObjectKeys
{
    public const int MaxLength = 512;

    /// <summary>Throws <see cref="ArgumentException"/> unless <paramref name="key"/> has the form above.</summary>
    public static string Validate(string key)
    {
        if (!IsValid(key))
        {
            throw new ArgumentException($"Not an object key: '{key}'. Keys are segments of A-Z a-z 0-9 - _ . joined by '/', none empty or starting with '.'.", nameof(key));
        }

        return key;
    }

    public static bool IsValid(string? key) =>
        !string.IsNullOrEmpty(key) && key.Length <= MaxLength && key.Split('/').All(IsSegment);

    // A segment starting with '.' is refused too: ".", "..", and the backends' own files (uploads in progress).
    private static bool IsSegment(string segment) =>
        segment.Length > 0 && segment[0] != '.' && segment.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.');
}
