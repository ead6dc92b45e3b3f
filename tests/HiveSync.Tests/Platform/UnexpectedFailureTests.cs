using System.Net;

namespace HiveSync.Tests.Platform;

/// <summary>A server-side failure is a logged 500 in the envelope with the request id, never internals.</summary>
public sealed class UnexpectedFailureTests(TestSilo silo) : IClassFixture<TestSilo>
{
    [Fact]
    public async Task A_database_failure_answers_500_internal_error_with_the_request_id_and_no_details_of_the_fault()
    {
        await using (var db = await silo.OpenDatabaseAsync())
        await using (var sabotage = new Npgsql.NpgsqlCommand("ALTER TABLE users RENAME TO users_gone", db))
        {
            await sabotage.ExecuteNonQueryAsync();
        }

        var response = await silo.SendAsync(new TestRequest(HttpMethod.Post, "/api/v1/auth/register")
        {
            Body = """{"email":"b@example.com","password":"long enough password"}""",
            RequestId = "boom-1",
        });

        var error = await response.AssertErrorAsync(HttpStatusCode.InternalServerError, "INTERNAL_ERROR");
        Assert.Equal("boom-1", error["details"]!["request_id"]!.GetValue<string>());
        var text = error.ToJsonString();
        Assert.DoesNotContain("users", text, StringComparison.Ordinal);
        Assert.DoesNotContain("Npgsql", text, StringComparison.Ordinal);
    }
}
