using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using Npgsql;

namespace HiveSync.Grains.Platform.Postgres;

/// <summary>
/// A private PostgreSQL server run from the machine's installed binaries, for a developer's
/// <c>dotnet run</c> and for the tests. Production always configures <c>ConnectionStrings:Postgres</c>.
/// </summary>
public sealed class EmbeddedPostgres : IAsyncDisposable
{
    private const string SuperUser = "hivesync";
    private readonly string _binDirectory;
    private readonly string _dataDirectory;
    private readonly bool _asPostgresUser;
    private readonly bool _ownsServer;

    private EmbeddedPostgres(string binDirectory, string dataDirectory, bool asPostgresUser, int port, string password, bool ownsServer)
    {
        _binDirectory = binDirectory;
        _dataDirectory = dataDirectory;
        _asPostgresUser = asPostgresUser;
        _ownsServer = ownsServer;
        Port = port;
        Password = password;
    }

    public int Port { get; }

    public string Password { get; }

    /// <summary>Connection string for a database on this server (the maintenance database by default).</summary>
    public string ConnectionString(string database = "postgres") => new NpgsqlConnectionStringBuilder
    {
        Host = "127.0.0.1",
        Port = Port,
        Username = SuperUser,
        Password = Password,
        Database = database,
    }.ConnectionString;

    /// <summary>
    /// Starts (initialising on first use) the server whose data lives in <paramref name="rootDirectory"/>.
    /// A server already running on that folder (another local silo) is reused and left running on dispose.
    /// </summary>
    public static async Task<EmbeddedPostgres> StartAsync(string rootDirectory, string? binDirectory = null, bool throwaway = false, CancellationToken ct = default)
    {
        var bin = binDirectory ?? FindBinDirectory() ?? throw new PostgresNotInstalledException();
        if (!File.Exists(Path.Combine(bin, "initdb")) || !File.Exists(Path.Combine(bin, "pg_ctl")))
        {
            throw new PostgresNotInstalledException($"no initdb and pg_ctl in {bin}");
        }

        var asPostgresUser = Environment.UserName == "root" || Environment.IsPrivilegedProcess;
        Directory.CreateDirectory(rootDirectory);
        var dataDirectory = Path.Combine(rootDirectory, "data");
        var passwordFile = Path.Combine(rootDirectory, "superuser.pw");

        if (!File.Exists(Path.Combine(dataDirectory, "PG_VERSION")))
        {
            await InitialiseAsync(bin, rootDirectory, dataDirectory, passwordFile, asPostgresUser, throwaway, ct);
        }

        var password = (await File.ReadAllTextAsync(passwordFile, ct)).Trim();
        var running = await RunningPortAsync(bin, dataDirectory, asPostgresUser, ct);
        if (running is int existingPort)
        {
            return new EmbeddedPostgres(bin, dataDirectory, asPostgresUser, existingPort, password, ownsServer: false);
        }

        var port = FreeLoopbackPort();
        var options = $"-p {port} -c listen_addresses=127.0.0.1 -c unix_socket_directories=''";
        if (throwaway)
        {
            // Durability is pointless for a test cluster that is deleted afterwards.
            // Many short-lived silos (each with its own pools) share it, hence the higher connection ceiling.
            options += " -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=400";
        }

        await RunAsync(bin, "pg_ctl", asPostgresUser, ct, "start", "-w", "-t", "60", "-D", dataDirectory, "-l", Path.Combine(rootDirectory, "server.log"), "-o", options);
        return new EmbeddedPostgres(bin, dataDirectory, asPostgresUser, port, password, ownsServer: true);
    }

    /// <summary>Finds the server binaries: pg_config's bindir, else the newest /usr/lib/postgresql/*/bin.</summary>
    public static string? FindBinDirectory()
    {
        var candidates = new List<string>();
        try
        {
            using var pgConfig = Process.Start(new ProcessStartInfo("pg_config", "--bindir") { RedirectStandardOutput = true, RedirectStandardError = true });
            if (pgConfig is not null)
            {
                var dir = pgConfig.StandardOutput.ReadToEnd().Trim();
                pgConfig.WaitForExit();
                candidates.Add(dir);
            }
        }
        catch (System.ComponentModel.Win32Exception)
        {
            // pg_config is not installed; fall back to the Debian layout.
        }

        if (Directory.Exists("/usr/lib/postgresql"))
        {
            candidates.AddRange(Directory.GetDirectories("/usr/lib/postgresql")
                .OrderByDescending(d => int.TryParse(Path.GetFileName(d), out var v) ? v : 0)
                .Select(d => Path.Combine(d, "bin")));
        }

        return candidates.FirstOrDefault(d => File.Exists(Path.Combine(d, "initdb")) && File.Exists(Path.Combine(d, "pg_ctl")));
    }

    public async ValueTask DisposeAsync()
    {
        if (!_ownsServer)
        {
            return;
        }

        try
        {
            await RunAsync(_binDirectory, "pg_ctl", _asPostgresUser, CancellationToken.None, "stop", "-w", "-m", "fast", "-D", _dataDirectory);
        }
        catch (InvalidOperationException)
        {
            // Already stopped (e.g. killed with the process group); nothing left to do.
        }
    }

    private static async Task InitialiseAsync(string bin, string root, string dataDirectory, string passwordFile, bool asPostgresUser, bool throwaway, CancellationToken ct)
    {
        if (asPostgresUser && !PostgresUserExists())
        {
            throw new PostgresNotInstalledException("running as root, initdb needs the 'postgres' system user, which does not exist");
        }

        if (Directory.Exists(dataDirectory))
        {
            Directory.Delete(dataDirectory, recursive: true); // a half-finished earlier initdb
        }

        if (OperatingSystem.IsWindows())
        {
            throw new PostgresNotInstalledException("starting a private server is supported on Linux and macOS only");
        }

        var password = Convert.ToHexString(RandomNumberGenerator.GetBytes(24)).ToLowerInvariant();
        await SecretFile.WriteAsync(passwordFile, password, ct);
        if (asPostgresUser)
        {
            // initdb refuses root: the server runs as 'postgres', which must own the folder and read the password once.
            await RunProcessAsync("chown", ct, "-R", "postgres:postgres", root);
            File.SetUnixFileMode(root, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }

        var args = new List<string> { "-D", dataDirectory, "-U", SuperUser, "--pwfile", passwordFile, "--auth", "scram-sha-256", "-E", "UTF8", "--locale", "C.UTF-8" };
        if (throwaway)
        {
            args.Add("--no-sync");
        }

        await RunAsync(bin, "initdb", asPostgresUser, ct, [.. args]);
    }

    private static async Task<int?> RunningPortAsync(string bin, string dataDirectory, bool asPostgresUser, CancellationToken ct)
    {
        var pidFile = Path.Combine(dataDirectory, "postmaster.pid");
        if (!File.Exists(pidFile))
        {
            return null;
        }

        try
        {
            await RunAsync(bin, "pg_ctl", asPostgresUser, ct, "status", "-D", dataDirectory);
        }
        catch (InvalidOperationException)
        {
            return null; // stale pid file from a crash: pg_ctl start recovers
        }

        // postmaster.pid line 4 is the port the running server listens on.
        var lines = await File.ReadAllLinesAsync(pidFile, ct);
        return lines.Length > 3 && int.TryParse(lines[3], out var port) ? port : null;
    }

    private static bool PostgresUserExists() =>
        File.ReadLines("/etc/passwd").Any(l => l.StartsWith("postgres:", StringComparison.Ordinal));

    private static int FreeLoopbackPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static Task RunAsync(string bin, string tool, bool asPostgresUser, CancellationToken ct, params string[] args)
    {
        var exe = Path.Combine(bin, tool);
        return asPostgresUser
            ? RunProcessAsync("runuser", ct, ["-u", "postgres", "--", exe, .. args])
            : RunProcessAsync(exe, ct, args);
    }

    private static async Task RunProcessAsync(string fileName, CancellationToken ct, params string[] args)
    {
        var start = new ProcessStartInfo(fileName) { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = "/" };
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"could not start {fileName}");
        var stdout = process.StandardOutput.ReadToEndAsync(ct);
        var stderr = process.StandardError.ReadToEndAsync(ct);
        await process.WaitForExitAsync(ct);
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{Path.GetFileName(fileName)} {string.Join(' ', args)} exited with {process.ExitCode}: {(await stderr).Trim()} {(await stdout).Trim()}");
        }
    }
}

/// <summary>No usable PostgreSQL: the message says what to install or configure.</summary>
public sealed class PostgresNotInstalledException(string? reason = null) : Exception(
    $"HiveSync needs PostgreSQL ({reason ?? "no server binaries (initdb, pg_ctl) found via pg_config or in /usr/lib/postgresql/*/bin"}). " +
    "Either install the server binaries (Debian/Ubuntu: `sudo apt-get install -y postgresql`; others: the postgresql server package, " +
    "or set Postgres:BinDirectory to the folder holding initdb and pg_ctl), or point HiveSync at an existing database with " +
    "ConnectionStrings:Postgres (environment variable ConnectionStrings__Postgres=\"Host=...;Database=...;Username=...;Password=...\").");
