using System.Net;
using System.Text.Json;
using Dapper;
using Npgsql;

namespace HiveSync.Tests.Platform;

/// <summary>
/// Verifies a test account's address the way its owner would: with the newest verification link sent to it. The link
/// is read from the message's outbox row (delivery has tests of its own), so no test waits on a mail folder.
/// </summary>
public static class AddressVerification
{
    /// <summary>Uses the address's newest verification link; a link used already (410) means the address is verified.</summary>
    public static async Task VerifyEmailAsync(this HttpClient client, string connectionString, string email)
    {
        using var response = await client.SendAsync(new TestRequest(HttpMethod.Post, "/api/v1/auth/verify-email")
        {
            Body = JsonSerializer.Serialize(new { token = await NewestLinkTokenAsync(connectionString, email) }),
        });
        Assert.True(response.StatusCode is HttpStatusCode.OK or HttpStatusCode.Gone, $"verifying {email}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
    }

    public static Task VerifyEmailAsync(this TestSilo silo, string email) => silo.Http.VerifyEmailAsync(silo.ConnectionString, email);

    public static async Task<string> NewestLinkTokenAsync(string connectionString, string email)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        var body = await connection.QuerySingleOrDefaultAsync<string>(
            "SELECT text_body FROM email_outbox WHERE kind = 'verify_email' AND to_address = @email ORDER BY id DESC LIMIT 1",
            new { email = email.ToLowerInvariant() });
        Assert.True(body is not null, $"no verification email to {email}");
        return Email.PickupMail.LinkToken(body, "verify-email");
    }
}
