using HiveSync.Bench.Platform;

namespace HiveSync.Bench.Load;

/// <summary>wrk comes from the Debian package: installed here when running as root, otherwise the command to run is printed.</summary>
public static class WrkInstall
{
    private const string InstallCommand = "sudo apt-get update && sudo apt-get install -y wrk";

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

        // A fresh machine has no package lists yet: the install alone cannot find the package.
        Console.WriteLine("Installing wrk: apt-get update && apt-get install -y wrk");
        var install = await Command.RunAsync("apt-get", ["update", "-qq"], ct);
        if (install.Succeeded)
        {
            install = await Command.RunAsync("apt-get", ["install", "-y", "wrk"], ct);
        }

        if (install.Succeeded && File.Exists(Wrk.Executable))
        {
            return true;
        }

        await Console.Error.WriteLineAsync($"Installing wrk failed ({install.ExitCode}): {install.Errors.Trim()}\nInstall wrk ({InstallCommand}) and run the bench again.");
        return false;
    }
}
