namespace HiveSync.Grains.Platform.Postgres;

/// <summary>
/// A file that holds a secret (the private PostgreSQL's superuser password): created owner-only (0600) by the
/// create call itself, so no other user can open it even in the moment between creating and restricting it.
/// </summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public static class SecretFile
{
    public const UnixFileMode OwnerOnly = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    /// <summary>Creates the file anew (replacing any old one), owner-only from the first byte.</summary>
    public static FileStream Create(string path)
    {
        File.Delete(path);
        return new FileStream(path, new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, UnixCreateMode = OwnerOnly });
    }

    public static async Task WriteAsync(string path, string content, CancellationToken ct)
    {
        await using var file = Create(path);
        await using var writer = new StreamWriter(file);
        await writer.WriteAsync(content.AsMemory(), ct);
    }
}
