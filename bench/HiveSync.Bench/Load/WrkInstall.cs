using HiveSync.Bench.Platform;

namespace HiveSync.Bench.Load;

/// <summary>wrk comes from the Debian package: installed here when running as root, otherwise the command to run is printed.</summary>
public static class WrkInstall
{
    private const string InstallCommand = "sudo apt-get install -y wrk";

    public static async Task<bool> EnsureAsync(CancellationToken ct)
    {
        if (File.Exists(Wrk.Executable))
        {
            return true;
        }

        if (Environment.UserName != "root")
        {
            await Console.Error.WriteLineAsync($"The bench loads the server with wrk, which is not installed. Install it with:\n  {InstallCommand}");
            return false;
        }

        Console.WriteLine("Installing wrk: apt-get install -y wrk");
        var install = await Command.RunAsync("apt-get", ["install", "-y", "wrk"], ct);
        if (install.Succeeded && File.Exists(Wrk.Executable))
        {
            return true;
        }

        await Console.Error.WriteLineAsync($"apt-get install -y wrk failed ({install.ExitCode}): {install.Errors.Trim()}\nInstall wrk ({InstallCommand}) and run the bench again.");
        return false;
    }
}
