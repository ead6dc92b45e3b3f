using System.Diagnostics;
using System.Net.Sockets;

namespace HiveSync.Tests.Platform;

/// <summary>
/// A real protocol server the tests run as a child process on a loopback port (aiosmtpd, s3rver): started, waited for
/// until it accepts connections, and killed with its children.
/// </summary>
public static class LoopbackServerProcess
{
    /// <summary>Starts <paramref name="start"/> and waits until <paramref name="port"/> accepts; <paramref name="hint"/> says what may be missing.</summary>
    public static async Task<Process> StartAsync(ProcessStartInfo start, int port, string name, string hint, TimeSpan? timeout = null)
    {
        start.RedirectStandardError = true;
        var process = Process.Start(start) ?? throw new InvalidOperationException($"{name} did not start");
        if (!await Eventually.HoldsAsync(async () => !process.HasExited && await AcceptsAsync(port), timeout ?? TimeSpan.FromSeconds(20)))
        {
            var errors = process.HasExited ? await process.StandardError.ReadToEndAsync() : "";
            await StopAsync(process);
            throw new InvalidOperationException($"{name} did not listen on {port} ({hint}) {errors}");
        }

        return process;
    }

    public static async Task StopAsync(Process? process)
    {
        if (process is { HasExited: false })
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }

        process?.Dispose();
    }

    private static async Task<bool> AcceptsAsync(int port)
    {
        try
        {
            using var client = new TcpClient();
            await client.ConnectAsync("127.0.0.1", port);
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }
}
