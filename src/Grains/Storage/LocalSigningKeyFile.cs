using System.Security.Cryptography;
using HiveSync.Grains.Platform.Postgres;

namespace HiveSync.Grains.Storage;

/// <summary>
/// The local folder's own signing key, when none is configured: made once, in the folder, so that every silo
/// sharing the folder signs and checks with the same key.
/// </summary>
/// <remarks>
/// The file is created exclusively (O_EXCL), so of silos starting together exactly one makes it and the others read
/// that one. Not written aside and moved into place: <c>File.Move(..., overwrite: false)</c> let a second silo replace
/// the first one's key in a test of eight at once, and each then signed with a different key.
/// </remarks>
public static class LocalSigningKeyFile
{
    public const string FileName = "signing-key";

    private static readonly TimeSpan WriteWait = TimeSpan.FromSeconds(2);

    public static byte[] LoadOrCreate(string directory)
    {
        var path = Path.Combine(directory, FileName);
        if (!File.Exists(path))
        {
            Directory.CreateDirectory(directory);
            try
            {
                Create(path, Convert.ToBase64String(RandomNumberGenerator.GetBytes(LocalObjectSignatures.MinKeyBytes)));
            }
            catch (IOException) when (File.Exists(path))
            {
                // Another silo made it first: use that one.
            }
        }

        return ReadWhenWritten(path);
    }

    private static void Create(string path, string key)
    {
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = SecretFile.OwnerOnly; // a secret: owner-only from the first byte
        }

        using var file = new FileStream(path, options);
        file.Write(System.Text.Encoding.ASCII.GetBytes(key));
        file.Flush(flushToDisk: true);
    }

    // Its maker writes the key right after creating the file: a silo reading in between sees it empty for a moment.
    private static byte[] ReadWhenWritten(string path)
    {
        var deadline = DateTime.UtcNow + WriteWait;
        while (true)
        {
            if (LocalObjectSignatures.DecodeKey(File.ReadAllText(path)) is { } key)
            {
                return key;
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new InvalidOperationException($"{path} does not hold a base64 key of at least {LocalObjectSignatures.MinKeyBytes} bytes: set Storage:Local:SigningKey, or delete the file to make a new key (URLs signed with the old one stop working).");
            }

            Thread.Sleep(20);
        }
    }
}
