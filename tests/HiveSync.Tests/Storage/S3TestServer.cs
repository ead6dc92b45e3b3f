using System.Diagnostics;
using HiveSync.Tests.Platform;

namespace HiveSync.Tests.Storage;

/// <summary>
/// A real S3-compatible server on loopback: s3rver (npm, in <c>tests/s3-server</c>, installed by <c>.ci/run</c> or
/// here on first use) with a temporary folder and one bucket made at start. Its one account is <c>S3RVER</c>/<c>S3RVER</c>.
/// It checks that a presigned URL names a known access key and has not expired, but it does not recompute SigV4
/// signatures (s3rver 3.7.1 implements only V2's) nor compare the signed Content-Length with the body: what the
/// signature covers is the SDK's work, checked in the URL itself, not this server's.
/// </summary>
public sealed class S3TestServer : IAsyncDisposable
{
    public const string Bucket = "hivesync-test";
    public const string AccessKeyId = "S3RVER";
    public const string SecretAccessKey = "S3RVER";

    private static readonly string PackageDirectory = FindPackageDirectory();
    private readonly string _folder = Directory.CreateTempSubdirectory("hivesync-test-s3-").FullName;
    private Process? _process;

    public int Port { get; } = TestSilo.FreePort();

    public string ServiceUrl => $"http://127.0.0.1:{Port}";

    /// <summary>The settings of a silo whose objects live in this server's bucket.</summary>
    public IEnumerable<KeyValuePair<string, string?>> Settings =>
    [
        new("Storage:S3:ServiceUrl", ServiceUrl),
        new("Storage:S3:Bucket", Bucket),
        new("Storage:S3:AccessKeyId", AccessKeyId),
        new("Storage:S3:SecretAccessKey", SecretAccessKey),
        new("Storage:S3:ForcePathStyle", "true"),
    ];

    public async Task StartAsync()
    {
        var script = Path.Combine(PackageDirectory, "node_modules", "s3rver", "bin", "s3rver.js");
        if (!File.Exists(script))
        {
            await InstallAsync();
        }

        var start = new ProcessStartInfo("node", [script, "-d", _folder, "-a", "127.0.0.1", "-p", Port.ToString(System.Globalization.CultureInfo.InvariantCulture), "-s", "--configure-bucket", Bucket]);
        _process = await LoopbackServerProcess.StartAsync(start, Port, "s3rver", "is Node.js installed?");
    }

    public async ValueTask DisposeAsync()
    {
        await LoopbackServerProcess.StopAsync(_process);
        Directory.Delete(_folder, recursive: true);
    }

    private static async Task InstallAsync()
    {
        var install = new ProcessStartInfo("npm", ["ci", "--no-audit", "--no-fund", "--loglevel=error"]) { WorkingDirectory = PackageDirectory, RedirectStandardOutput = true, RedirectStandardError = true };
        using var npm = Process.Start(install) ?? throw new InvalidOperationException("npm did not start (is Node.js installed?)");
        var output = npm.StandardOutput.ReadToEndAsync();
        var errors = npm.StandardError.ReadToEndAsync();
        await npm.WaitForExitAsync().WaitAsync(TimeSpan.FromMinutes(5));
        Assert.True(npm.ExitCode == 0, "npm ci in tests/s3-server: " + await output + await errors);
    }

    private static string FindPackageDirectory()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            var candidate = Path.Combine(directory.FullName, "tests", "s3-server");
            if (File.Exists(Path.Combine(candidate, "package.json")))
            {
                return candidate;
            }
        }

        throw new DirectoryNotFoundException("tests/s3-server not found above " + AppContext.BaseDirectory);
    }
}
