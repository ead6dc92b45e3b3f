using Microsoft.Extensions.Options;

namespace HiveSync.Tests.Platform;

/// <summary>Settings are validated when a silo starts, not at the first request that needs them.</summary>
public sealed class StartupValidationTests
{
    [Theory]
    [InlineData("Auth:SigningKey", "c2hvcnQ=")] // base64 of "short": under 32 bytes
    [InlineData("Auth:SigningKey", "not base64 at all!")]
    [InlineData("Auth:AccessTokenLifetime", "2.00:00:00")]
    [InlineData("Auth:RefreshTokenLifetime", "00:10:00")]
    [InlineData("Auth:PasswordHashIterations", "10")]
    [InlineData("Auth:MaxSessionsPerUser", "0")]
    [InlineData("Auth:Issuer", "")]
    [InlineData("Pagination:DefaultPageSize", "0")]
    [InlineData("Tiers:Pro:Projects", "1")]
    [InlineData("Tiers:Free:MaxPageSize", "0")]
    [InlineData("Tiers:Premium:RequestsPerMinute:profile", "0")]
    [InlineData("RateLimits:AnonymousPerMinute:auth", "0")]
    [InlineData("LoginGuard:FailuresPerWindow", "0")]
    [InlineData("LoginGuard:WindowSeconds", "1")]
    [InlineData("Api:MaxRequestBodyBytes", "1")]
    [InlineData("Email:From", "not an address")]
    [InlineData("Email:Delivery:MaxAttempts", "0")]
    [InlineData("Invitations:Lifetime", "00:01:00")]
    [InlineData("Notifications:Stream:HeartbeatInterval", "00:00:00.010")]
    [InlineData("Notifications:Stream:MaxStreamsPerUser", "0")]
    [InlineData("Notifications:Email:Window", "00:00:10")]
    [InlineData("Notifications:Email:Digest:MaxAttempts", "0")]
    [InlineData("Invitations:ResendsPerDay", "0")]
    [InlineData("Invitations:Acceptance:RetryPeriod", "00:00:10")]
    [InlineData("Storage:S3:Bucket", "hivesync-attachments")] // without its endpoint and keys
    [InlineData("Storage:S3:SecretAccessKey", "secret")] // without a bucket
    [InlineData("Storage:Local:PublicBaseUrl", "api.hivesync.dev")]
    [InlineData("Storage:Local:SigningKey", "c2hvcnQ=")]
    public async Task An_invalid_setting_stops_start_up_naming_it(string key, string value)
    {
        var error = await InvalidSetting.AssertStartUpFailsAsync(key, value);

        // The operator reads which setting to fix: its full name, as they wrote it in their configuration.
        Assert.True(error.Failures.Any(f => f.Contains(key, StringComparison.Ordinal)), string.Join(" | ", error.Failures));
    }

    [Fact]
    public async Task A_half_configured_s3_bucket_stops_start_up_saying_what_is_missing()
    {
        var database = await TestPostgres.CreateDatabaseAsync("startup");

        var error = await Assert.ThrowsAsync<OptionsValidationException>(async () =>
        {
            await using var host = await TestSilo.BuildHostAsync([new("ConnectionStrings:Postgres", database), new("Storage:S3:Bucket", "hivesync"), new("Storage:S3:ServiceUrl", "https://account.r2.cloudflarestorage.com")]);
            await host.App.StartAsync();
        });

        Assert.Contains("Storage:S3:Bucket is set, so Storage:S3:AccessKeyId and Storage:S3:SecretAccessKey are required.", error.Failures);
        Assert.DoesNotContain(error.Failures, f => f.Contains("ServiceUrl is required", StringComparison.Ordinal));
    }
}

/// <summary>Starts a silo with one setting changed and returns why start-up refused it.</summary>
public static class InvalidSetting
{
    public static async Task<OptionsValidationException> AssertStartUpFailsAsync(string key, string value)
    {
        var database = await TestPostgres.CreateDatabaseAsync("startup");

        return await Assert.ThrowsAsync<OptionsValidationException>(async () =>
        {
            await using var host = await TestSilo.BuildHostAsync([new("ConnectionStrings:Postgres", database), new(key, value)]);
            await host.App.StartAsync();
        });
    }
}
