namespace HiveSync.Grains.Platform;

/// <summary>Where a silo keeps its local data (the private PostgreSQL, the mail pickup folder, stored objects) by default.</summary>
public static class DataDirectories
{
    /// <summary>
    /// <c>/var/lib/hivesync/{name}</c> for root (the private PostgreSQL runs as the 'postgres' user, which cannot enter
    /// /root), else <c>~/.local/share/hivesync/{name}</c>, in the user's own data folder.
    /// </summary>
    public static string Default(string name) =>
        Environment.UserName == "root"
            ? Path.Combine("/var/lib/hivesync", name)
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData), "hivesync", name);
}
