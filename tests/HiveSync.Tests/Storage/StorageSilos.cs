using HiveSync.Grains.Storage;
using HiveSync.Tests.Platform;

namespace HiveSync.Tests.Storage;

/// <summary>A silo whose objects are kept in a local folder of its own (deleted afterwards).</summary>
public sealed class LocalStorageSilo : TestSilo, IAsyncLifetime
{
    public string Folder { get; } = Directory.CreateTempSubdirectory("hivesync-test-storage-").FullName;

    public IObjectStorage Storage => Service<IObjectStorage>();

    protected override IEnumerable<KeyValuePair<string, string?>> Settings => [new("Storage:Local:Directory", Folder)];

    async Task IAsyncLifetime.DisposeAsync()
    {
        await DisposeAsync();
        Directory.Delete(Folder, recursive: true);
    }
}

/// <summary>A silo whose objects are kept in the bucket of a real S3-compatible server on loopback.</summary>
public sealed class S3StorageSilo : TestSilo, IAsyncLifetime
{
    public S3TestServer S3 { get; } = new();

    public IObjectStorage Storage => Service<IObjectStorage>();

    protected override IEnumerable<KeyValuePair<string, string?>> Settings => S3.Settings;

    async Task IAsyncLifetime.InitializeAsync()
    {
        await S3.StartAsync();
        await InitializeAsync();
    }

    async Task IAsyncLifetime.DisposeAsync()
    {
        await DisposeAsync();
        await S3.DisposeAsync();
    }
}
