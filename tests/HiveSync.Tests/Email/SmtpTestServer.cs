using System.Diagnostics;
using HiveSync.Tests.Platform;
using MimeKit;

namespace HiveSync.Tests.Email;

/// <summary>
/// A real SMTP server on loopback: aiosmtpd (Debian's python3-aiosmtpd, installed by .ci/run) with its Maildir handler,
/// so every message it accepted is a file the test reads back. Stopping it and starting it again on the same port
/// is a server that fails and then recovers.
/// </summary>
public sealed class SmtpTestServer : IAsyncDisposable
{
    private const string Python = "/usr/bin/python3";
    private readonly string _folder = Directory.CreateTempSubdirectory("hivesync-test-smtp-").FullName;
    private Process? _process;

    public int Port { get; } = TestSilo.FreePort();

    /// <summary>An aiosmtpd handler (its hook names are aiosmtpd's) that refuses every recipient for good.</summary>
    private const string RefusingHandler = """
        class Refusing:
            async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
                return '550 5.1.1 No such user here'
        """;

    /// <summary>The handler makes the Maildir (tmp, new, cur) only where no folder exists yet.</summary>
    private string Maildir => Path.Combine(_folder, "maildir");

    /// <summary>Starts the server; with <paramref name="refuseRecipients"/> it answers every RCPT with a permanent 550.</summary>
    public async Task StartAsync(bool refuseRecipients = false)
    {
        if (!File.Exists(Python))
        {
            throw new InvalidOperationException("No /usr/bin/python3: install python3-aiosmtpd (apt-get install python3-aiosmtpd)");
        }

        string[] handler = refuseRecipients ? ["-c", "refusing.Refusing"] : ["-c", "aiosmtpd.handlers.Mailbox", Maildir];
        var start = new ProcessStartInfo(Python, ["-m", "aiosmtpd", "-n", "-l", $"127.0.0.1:{Port}", .. handler]) { RedirectStandardOutput = true };
        if (refuseRecipients)
        {
            await File.WriteAllTextAsync(Path.Combine(_folder, "refusing.py"), RefusingHandler);
            start.Environment["PYTHONPATH"] = _folder;
        }

        _process = await LoopbackServerProcess.StartAsync(start, Port, "aiosmtpd", "is python3-aiosmtpd installed?");
    }

    public async Task StopAsync()
    {
        await LoopbackServerProcess.StopAsync(_process);
        _process = null;
    }

    /// <summary>Every message the server has accepted so far.</summary>
    public IReadOnlyList<MimeMessage> Messages()
    {
        var delivered = Path.Combine(Maildir, "new");
        return Directory.Exists(delivered) ? [.. Directory.GetFiles(delivered).Select(f => MimeMessage.Load(f))] : [];
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        Directory.Delete(_folder, recursive: true);
    }

}
