using System.Security.Cryptography;
using HiveSync.Grains.Interfaces.Auth;
using HiveSync.Grains.Interfaces.Platform;
using HiveSync.Tests.Platform;
using static HiveSync.Tests.Auth.SessionTokenTestKit;

namespace HiveSync.Tests.Auth;

/// <summary>
/// The real <c>SessionTokenGrain</c> with its real storage (ADO.NET, rows deleted on clear) and reminders: a token
/// expires when the test moves the domain clock, never because the machine was slow. Its clean-up timer runs on
/// real time (one second here) but only deletes once domain time says the token has expired.
/// </summary>
public sealed class SessionTokenGrainCluster : GrainTestCluster
{
    public static readonly TimeSpan Lifetime = TimeSpan.FromSeconds(1);

    protected override IEnumerable<KeyValuePair<string, string?>> Settings =>
        [new("Auth:SessionTokenLifetime", Lifetime.ToString("c", System.Globalization.CultureInfo.InvariantCulture))];
}

public sealed class SessionTokenGrainTests(SessionTokenGrainCluster fixture) : IClassFixture<SessionTokenGrainCluster>
{
    private static readonly DeviceInfo Device = new("tests", "127.0.0.1", null);

    // Microseconds: the resolution of the domain clock (and of PostgreSQL).
    private static readonly TimeSpan Tick = TimeSpan.FromTicks(10);

    [Fact]
    public async Task A_token_is_redeemable_until_the_last_tick_of_its_lifetime_however_long_the_exchange_takes()
    {
        var (token, grain) = NewToken();
        await grain.Issue(7, Guid.NewGuid(), Device);

        fixture.Time.Advance(SessionTokenGrainCluster.Lifetime - Tick);
        var redeemed = await grain.Redeem();

        Assert.Equal(7, redeemed.UserId);
        Assert.NotNull(await TokenStateAsync(fixture.ConnectionString, token));
        fixture.Time.Advance(Tick); // expired: its clean-up timer stops re-arming every microsecond
    }

    [Fact]
    public async Task A_token_is_refused_from_the_moment_it_expires_as_TOKEN_EXPIRED()
    {
        var (_, grain) = NewToken();
        await grain.Issue(7, Guid.NewGuid(), Device);

        fixture.Time.Advance(SessionTokenGrainCluster.Lifetime);

        await AssertGoneAsync(grain);
    }

    [Fact]
    public async Task A_used_token_keeps_answering_used_until_it_expires_then_its_row_and_reminder_are_deleted()
    {
        var (token, grain) = NewToken();
        await grain.Issue(7, Guid.NewGuid(), Device);
        await grain.Redeem();

        await AssertGoneAsync(grain);
        fixture.Time.Advance(SessionTokenGrainCluster.Lifetime - Tick);
        await AssertGoneAsync(grain); // not redeemable again, and not yet cleaned up: the used mark stays
        Assert.Contains("UsedAt", await TokenStateAsync(fixture.ConnectionString, token), StringComparison.Ordinal);
        Assert.Equal(1L, await TokenRemindersAsync(fixture.ConnectionString, token));

        fixture.Time.Advance(Tick);

        await AssertCleanedUpAsync(token);
        await AssertGoneAsync(grain);
    }

    [Fact]
    public async Task An_unused_token_is_kept_until_it_expires_then_its_row_and_reminder_are_deleted()
    {
        var (token, grain) = NewToken();
        await grain.Issue(7, Guid.NewGuid(), Device);
        Assert.NotNull(await TokenStateAsync(fixture.ConnectionString, token));
        Assert.Equal(1L, await TokenRemindersAsync(fixture.ConnectionString, token));

        fixture.Time.Advance(SessionTokenGrainCluster.Lifetime);

        await AssertCleanedUpAsync(token);
        await AssertGoneAsync(grain);
    }

    private (string Token, ISessionTokenGrain Grain) NewToken()
    {
        var token = "hst_" + System.Buffers.Text.Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(32));
        return (token, fixture.Grains.GetGrain<ISessionTokenGrain>(GrainKeyOf(token)));
    }

    private static async Task AssertGoneAsync(ISessionTokenGrain grain)
    {
        var error = await Assert.ThrowsAsync<DomainException>(() => grain.Redeem());
        Assert.Equal(ErrorCodes.TokenExpired.Code, error.Code);
    }

    /// <summary>The clean-up timer ticks every second of real time; give a busy machine all the time it needs.</summary>
    private async Task AssertCleanedUpAsync(string token)
    {
        Assert.True(await Eventually.HoldsAsync(async () => await TokenStateAsync(fixture.ConnectionString, token) is null), "the expired token's row was not deleted");
        Assert.True(await Eventually.HoldsAsync(async () => await TokenRemindersAsync(fixture.ConnectionString, token) == 0), "the token's reminder was not unregistered");
    }
}
