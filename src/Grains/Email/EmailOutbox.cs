using Dapper;
using HiveSync.Grains.Platform;
using Npgsql;

namespace HiveSync.Grains.Email;

/// <summary>A message to send: <see cref="Kind"/> says what it is for (logs, admins); the body is plain text.</summary>
public sealed record OutgoingEmail(string Kind, string To, string Subject, string TextBody);

/// <summary>One stored message as delivery reads it.</summary>
public sealed record OutboxRow(long Id, string Kind, string ToAddress, string Subject, string TextBody, DateTime CreatedAt);

/// <summary>The only code touching <c>email_outbox</c>: messages are added in their cause's transaction and read to deliver.</summary>
public sealed class EmailOutbox(NpgsqlDataSource db)
{
    public const string SentOutcome = "sent";
    public const string WrittenOutcome = "written";

    public StoredWorkTable Table { get; } = new(db, "email_outbox");

    /// <summary>Stores <paramref name="email"/>, due now, inside the caller's transaction: it exists only if that commits.</summary>
    public static Task<long> AddAsync(NpgsqlConnection connection, NpgsqlTransaction tx, OutgoingEmail email, DateTime now) =>
        connection.ExecuteScalarAsync<long>(
            """
            INSERT INTO email_outbox (kind, to_address, subject, text_body, created_at, next_attempt_at)
            VALUES (@Kind, @To, @Subject, @TextBody, @now, @now) RETURNING id
            """,
            new { email.Kind, email.To, email.Subject, email.TextBody, now },
            tx);

    public async Task<OutboxRow?> FindAsync(long id)
    {
        await using var connection = await db.OpenConnectionAsync();
        return await connection.QuerySingleOrDefaultAsync<OutboxRow>(
            "SELECT id, kind, to_address, subject, text_body, created_at FROM email_outbox WHERE id = @id", new { id });
    }
}
