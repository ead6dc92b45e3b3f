using HiveSync.Grains.Platform.Postgres;

namespace HiveSync.Tests.Platform;

[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class SecretFileTests
{
    [Fact]
    public async Task A_secret_file_is_owner_only_before_its_first_byte_is_written()
    {
        var path = Path.Combine(Path.GetTempPath(), $"hivesync-secret-{Guid.NewGuid():N}");
        try
        {
            await File.WriteAllTextAsync(path, "an older, world-readable file");
            File.SetUnixFileMode(path, SecretFile.OwnerOnly | UnixFileMode.GroupRead | UnixFileMode.OtherRead);

            await using (var created = SecretFile.Create(path))
            {
                Assert.Equal(0, created.Length);
                Assert.Equal(SecretFile.OwnerOnly, File.GetUnixFileMode(path));
            }

            await SecretFile.WriteAsync(path, "s3cret", CancellationToken.None);
            Assert.Equal("s3cret", await File.ReadAllTextAsync(path));
            Assert.Equal(SecretFile.OwnerOnly, File.GetUnixFileMode(path));
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public async Task The_private_postgresql_password_file_is_owner_only()
    {
        var root = Path.Combine(Path.GetTempPath(), $"hivesync-pw-{Guid.NewGuid():N}"[..32]);
        try
        {
            await using (await EmbeddedPostgres.StartAsync(root, throwaway: true))
            {
                Assert.Equal(SecretFile.OwnerOnly, File.GetUnixFileMode(Path.Combine(root, "superuser.pw")));
            }
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }
}
