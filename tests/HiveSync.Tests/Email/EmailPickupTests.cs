using HiveSync.Grains.Email;
using HiveSync.Tests.Platform;
using Microsoft.Extensions.DependencyInjection;
using MimeKit;

namespace HiveSync.Tests.Email;

/// <summary>A silo with no SMTP server configured, its pickup folder a fresh temporary one.</summary>
public sealed class PickupSilo : TestSilo, IAsyncLifetime
{
    public string PickupDirectory { get; } = Path.Combine(Path.GetTempPath(), $"hivesync-test-pickup-{Guid.NewGuid():N}");

    protected override IEnumerable<KeyValuePair<string, string?>> Settings => [new("Email:PickupDirectory", PickupDirectory)];

    async Task IAsyncLifetime.DisposeAsync()
    {
        await DisposeAsync();
        if (Directory.Exists(PickupDirectory))
        {
            Directory.Delete(PickupDirectory, recursive: true);
        }
    }
}

/// <summary>The embedded default: with no SMTP server, each message is an RFC 5322 file in the pickup folder.</summary>
public sealed class EmailPickupTests(PickupSilo silo) : IClassFixture<PickupSilo>
{
    [Fact]
    public async Task With_no_smtp_server_a_message_is_written_as_an_eml_file_and_marked_written()
    {
        var email = new OutgoingEmail("test", "dev@example.com", $"Reset your password {Guid.NewGuid():N}", "Open https://hivesync.example/reset?token=xyz");
        var id = await EmailKit.StoreAsync(silo, email);

        Assert.True(await silo.Services.GetRequiredService<EmailDelivery>().ApplyNowAsync(id));

        var file = Assert.Single(Directory.GetFiles(silo.PickupDirectory, "*.eml"));
        var written = MimeMessage.Load(file);
        Assert.Equal(email.Subject, written.Subject);
        Assert.Equal("dev@example.com", ((MailboxAddress)written.To.Single()).Address);
        Assert.Equal($"hivesync-email-{id}@hivesync.localhost", written.MessageId);
        Assert.Contains("https://hivesync.example/reset?token=xyz", written.TextBody, StringComparison.Ordinal);
        Assert.Empty(Directory.GetFiles(silo.PickupDirectory, "*.partial"));
        Assert.Equal("written", (await EmailKit.RowAsync(silo, id)).Outcome);
    }
}
