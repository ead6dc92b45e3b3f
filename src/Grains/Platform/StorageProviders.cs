namespace HiveSync.Grains.Platform;

/// <summary>Names of the Orleans grain-storage providers (all ADO.NET on the app's PostgreSQL).</summary>
public static class StorageProviders
{
    /// <summary>Durable grain state; a cleared state keeps its row (with a NULL payload).</summary>
    public const string Default = "Default";

    /// <summary>Short-lived state (one-time tokens, ...): clearing deletes the row, so nothing piles up.</summary>
    public const string Disposable = "disposable";
}
