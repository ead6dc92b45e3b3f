using Dapper;
using HiveSync.Grains.Email;
using HiveSync.Grains.Interfaces.Email;
using HiveSync.Tests.Platform;
using Microsoft.Extensions.DependencyInjection;
using MimeKit;
using Npgsql;

namespace HiveSync.Tests.Email;

/// <summary>A silo whose email goes to an SMTP server on loopback (not started: each test decides), retried at once.</summary>
public sealed class SmtpSilo : TestSilo, IAsyncLifetime
{
    public SmtpTestServer Smtp { get; } = new();

    protected override IEnumerable<KeyValuePair<string, string?>> Settings =>
    [
        new("Email:Smtp:Host", "127.0.0.1"),
        new("Email:Smtp:Port", Smtp.Port.ToString(System.Globalization.CultureInfo.InvariantCulture)),
        new("Email:Smtp:Security", "none"),
        new("Email:Smtp:Timeout", "00:00:10"),
        new("Email:Delivery:RetryDelay", "00:00:00"),
        new("Email:Delivery:RetryMaxDelay", "00:00:00"),
    ];

    async Task IAsyncLifetime.DisposeAsync()
    {
        await DisposeAsync();
        await Smtp.DisposeAsync();
    }
}

/// <summary>The email outbox delivered by a real SMTP conversation: stored with its cause, sent once, retried until the server takes it.</summary>
public sealed class EmailDeliveryTests(SmtpSilo silo) : IClassFixture<SmtpSilo>
{
    [Fact]
    public async Task A_stored_message_is_sent_over_smtp_with_its_rows_message_id_and_marked_sent()
    {
        await silo.Smtp.StartAsync();
        try
        {
            var email = Unique("Verify your address", "Open https://hivesync.example/verify?token=abc to verify.");
            var id = await EmailKit.StoreAsync(silo, email);

            Assert.True(await silo.Services.GetRequiredService<EmailDelivery>().ApplyNowAsync(id));

            Assert.True((await EmailKit.RowAsync(silo, id)).Outcome == "sent", (await EmailKit.RowAsync(silo, id)).ToString());
            var sent = Assert.Single(silo.Smtp.Messages(), m => m.Subject == email.Subject);
            Assert.Equal(email.To, ((MailboxAddress)sent.To.Single()).Address);
            Assert.Equal("no-reply@hivesync.localhost", ((MailboxAddress)sent.From.Single()).Address);
            Assert.Equal($"hivesync-email-{id}@hivesync.localhost", sent.MessageId);
            Assert.Contains("https://hivesync.example/verify?token=abc", sent.TextBody, StringComparison.Ordinal);
            var row = await EmailKit.RowAsync(silo, id);
            Assert.Equal(("sent", 1), (row.Outcome, row.Attempts));
            Assert.False(await silo.Services.GetRequiredService<EmailDelivery>().ApplyNowAsync(id)); // done: never again
            Assert.Single(silo.Smtp.Messages(), m => m.Subject == email.Subject);
        }
        finally
        {
            await silo.Smtp.StopAsync();
        }
    }

    [Fact]
    public async Task A_message_of_a_change_that_rolled_back_is_never_stored_nor_sent()
    {
        await silo.Smtp.StartAsync();
        try
        {
            var email = Unique("Rolled back", "Never to be read.");
            var id = await EmailKit.StoreAsync(silo, email, commit: false);

            await silo.Services.GetRequiredService<IGrainFactory>().GetGrain<IEmailDeliveryRetryGrain>(0).RetryDue();

            Assert.False(await silo.Services.GetRequiredService<EmailDelivery>().ApplyNowAsync(id));
            await using var db = await silo.OpenDatabaseAsync();
            Assert.Equal(0, await db.ExecuteScalarAsync<long>("SELECT count(*) FROM email_outbox WHERE subject = @Subject", new { email.Subject }));
            Assert.DoesNotContain(silo.Smtp.Messages(), m => m.Subject == email.Subject);
        }
        finally
        {
            await silo.Smtp.StopAsync();
        }
    }

    [Fact]
    public async Task A_message_the_server_could_not_take_is_retried_and_sent_once_it_recovers()
    {
        var email = Unique("While the relay was down", "Sent late, sent once.");
        var id = await EmailKit.StoreAsync(silo, email); // no server listening

        await silo.Services.GetRequiredService<EmailDelivery>().ApplyNowAsync(id);
        var failed = await EmailKit.RowAsync(silo, id);
        Assert.Null(failed.Outcome);
        Assert.Equal(1, failed.Attempts);
        Assert.NotNull(failed.LastError);

        await silo.Smtp.StartAsync();
        try
        {
            var retry = silo.Services.GetRequiredService<IGrainFactory>().GetGrain<IEmailDeliveryRetryGrain>(0);
            Assert.True(await Eventually.HoldsAsync(async () =>
            {
                await retry.RetryDue();
                return (await EmailKit.RowAsync(silo, id)).Outcome == "sent";
            }));

            Assert.Single(silo.Smtp.Messages(), m => m.Subject == email.Subject);
            Assert.Equal(2, (await EmailKit.RowAsync(silo, id)).Attempts);
        }
        finally
        {
            await silo.Smtp.StopAsync();
        }
    }

    [Fact]
    public async Task A_recipient_the_server_refuses_for_good_is_given_up_at_once_and_audited()
    {
        await silo.Smtp.StartAsync(refuseRecipients: true);
        try
        {
            var email = Unique("To nobody", "Refused with 550.");
            var id = await EmailKit.StoreAsync(silo, email);

            await silo.Services.GetRequiredService<EmailDelivery>().ApplyNowAsync(id);

            var row = await EmailKit.RowAsync(silo, id);
            Assert.Equal(("failed", 1), (row.Outcome, row.Attempts));
            Assert.Contains("550", row.LastError, StringComparison.Ordinal);
            await using var db = await silo.OpenDatabaseAsync();
            Assert.Equal(1, await db.ExecuteScalarAsync<long>("SELECT count(*) FROM audit_log WHERE action = 'email.failed' AND subject_id = @id", new { id = id.ToString(System.Globalization.CultureInfo.InvariantCulture) }));
        }
        finally
        {
            await silo.Smtp.StopAsync();
        }
    }

    private static OutgoingEmail Unique(string subject, string body) =>
        new("test", $"someone-{Guid.NewGuid():N}@example.com", $"{subject} {Guid.NewGuid():N}", body);
}

/// <summary>Storing a message as a domain does (in a transaction of its own here) and reading its outbox row.</summary>
public static class EmailKit
{
    public sealed record OutboxState(string? Outcome, int Attempts, string? LastError);

    public static async Task<long> StoreAsync(TestSilo silo, OutgoingEmail email, bool commit = true)
    {
        var delivery = silo.Services.GetRequiredService<EmailDelivery>();
        await delivery.EnsureScheduledAsync();
        await using var connection = await silo.Services.GetRequiredService<NpgsqlDataSource>().OpenConnectionAsync();
        await using var tx = await connection.BeginTransactionAsync();
        var id = await delivery.AddAsync(connection, tx, email);
        if (commit)
        {
            await tx.CommitAsync();
        }
        else
        {
            await tx.RollbackAsync();
        }

        return id;
    }

    public static async Task<OutboxState> RowAsync(TestSilo silo, long id)
    {
        await using var db = await silo.OpenDatabaseAsync();
        return await db.QuerySingleAsync<OutboxState>("SELECT outcome, attempts, last_error FROM email_outbox WHERE id = @id", new { id });
    }
}
