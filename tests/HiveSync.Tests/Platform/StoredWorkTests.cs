using HiveSync.Grains.Interfaces.Billing;
using HiveSync.Grains.Interfaces.Platform;
using HiveSync.Grains.Platform;

namespace HiveSync.Tests.Platform;

/// <summary>
/// The stored-work piece (store first, apply, retry on a reminder) on kinds of its own, through two real silos and
/// real PostgreSQL: what it guarantees about attempts, delays, giving up, batches and claims. Billing's use of it is
/// proven by the billing tests.
/// </summary>
public sealed class StoredWorkTests(StoredWorkCluster fixture) : IClassFixture<StoredWorkCluster>
{
    private static readonly StoredWorkOptions O = TestWork.TestOptions;

    [Fact]
    public async Task An_item_applied_in_the_callers_turn_is_done_after_one_attempt_and_never_applied_again()
    {
        var work = await Fresh<TestDeliveries>();
        var id = await work.StoreAsync();

        Assert.True(await work.ApplyNowAsync(id));
        Assert.False(await work.ApplyNowAsync(id));
        Assert.False(await fixture.On<TestDeliveries>(1).ApplyNowAsync(id));

        var row = await work.RowAsync(id);
        Assert.Equal((TestWork.Done, 1, 1, (DateTime?)null), (row.Outcome, row.Attempts, row.Applied, row.ClaimedUntil));
        Assert.Equal(0, await work.RetryDueAsync());
    }

    [Fact]
    public async Task A_queued_item_is_applied_by_the_kinds_retry_grain_without_the_caller_waiting()
    {
        var work = await Fresh<TestDeliveries>();
        await work.EnsureScheduledAsync();
        var id = await work.StoreAsync();

        await work.QueueAsync();

        Assert.True(await Eventually.HoldsAsync(async () => (await work.RowAsync(id)).Outcome == TestWork.Done));
        Assert.Equal((1, 1), ((await work.RowAsync(id)).Attempts, (await work.RowAsync(id)).Applied));
    }

    [Fact]
    public async Task Ensuring_the_schedule_stores_the_kinds_reminder_in_postgresql_with_the_kinds_period()
    {
        var work = await Fresh<TestIdempotentWork>();

        await work.EnsureScheduledAsync();
        await work.EnsureScheduledAsync();

        Assert.Equal((long)O.RetryPeriod.TotalMilliseconds, await fixture.ReminderPeriodMillisecondsAsync(TestIdempotentWorkRetryGrain.ReminderName));
    }

    [Fact]
    public async Task A_failed_item_is_due_again_after_a_delay_that_doubles_per_attempt_up_to_the_maximum()
    {
        var work = await Fresh<TestDeliveries>();
        var id = await work.StoreAsync(failFirst: 3);

        Assert.True(await work.ApplyNowAsync(id));
        var first = await work.RowAsync(id);
        Assert.Equal((1, 0, (DateTime?)null, (DateTime?)null), (first.Attempts, first.Applied, first.ClaimedUntil, first.ProcessedAt));
        Assert.Contains("fails as told", first.LastError, StringComparison.Ordinal);

        // Attempt 1 failed: due after 1 minute; 2: after 2; 3: after 4, capped at 3.
        foreach (var (attempt, delay) in new[] { (1, TimeSpan.FromMinutes(1)), (2, TimeSpan.FromMinutes(2)), (3, O.RetryMaxDelay) })
        {
            var failedAt = fixture.Time.GetUtcNow().UtcDateTime;
            Assert.Equal((attempt, failedAt + delay), ((await work.RowAsync(id)).Attempts, (await work.RowAsync(id)).NextAttemptAt));

            fixture.Time.Advance(delay - TimeSpan.FromSeconds(1));
            Assert.Equal(0, await work.RetryDueAsync());
            fixture.Time.Advance(TimeSpan.FromSeconds(1));
            Assert.Equal(1, await work.RetryDueAsync());
        }

        var done = await work.RowAsync(id);
        Assert.Equal((TestWork.Done, 4, 1), (done.Outcome, done.Attempts, done.Applied));
    }

    [Fact]
    public async Task An_item_that_fails_the_maximum_attempts_is_marked_failed_audited_once_and_not_attempted_again()
    {
        var work = await Fresh<TestDeliveries>();
        var id = await work.StoreAsync(failFirst: 1000);

        await work.ApplyNowAsync(id);
        for (var attempt = 2; attempt <= O.MaxAttempts; attempt++)
        {
            fixture.Time.Advance(O.RetryMaxDelay);
            Assert.Equal(1, await fixture.On<TestDeliveries>(attempt % 2).RetryDueAsync());
        }

        var failed = await work.RowAsync(id);
        Assert.Equal((StoredWorkTable.FailedOutcome, O.MaxAttempts, 0, (DateTime?)null), (failed.Outcome, failed.Attempts, failed.Applied, failed.ClaimedUntil));
        Assert.NotNull(failed.ProcessedAt);
        Assert.Contains("fails as told", failed.LastError, StringComparison.Ordinal);
        Assert.Equal(1, await work.GivenUpAuditsAsync(id));

        fixture.Time.Advance(TimeSpan.FromDays(1));
        Assert.Equal(0, await work.RetryDueAsync());
        Assert.False(await work.ApplyNowAsync(id));
        Assert.Equal(O.MaxAttempts, (await work.RowAsync(id)).Attempts);
    }

    [Fact]
    public async Task A_tick_attempts_at_most_a_batch_of_due_items_oldest_first()
    {
        var work = await Fresh<TestIdempotentWork>();
        var ids = new List<long>();
        for (var i = 0; i < O.RetryBatchSize + 2; i++)
        {
            ids.Add(await work.StoreAsync());
        }

        Assert.Equal(O.RetryBatchSize, await work.RetryDueAsync());
        var done = new List<long>();
        foreach (var id in ids)
        {
            if ((await work.RowAsync(id)).Outcome == TestWork.Done)
            {
                done.Add(id);
            }
        }

        Assert.Equal(ids.Take(O.RetryBatchSize), done);
        Assert.Equal(2, await work.RetryDueAsync());
        Assert.Equal(0, await work.RetryDueAsync());
    }

    [Fact]
    public async Task While_one_silo_applies_an_item_the_other_neither_claims_it_from_the_caller_nor_from_a_tick()
    {
        var work = await Fresh<TestDeliveries>();
        var id = await work.StoreAsync();
        var stall = fixture.Stalls.Hold(work.Table.Name, id);

        var applying = work.ApplyNowAsync(id);
        await stall.ReachedAsync();
        fixture.Time.Advance(work.Lease - TimeSpan.FromSeconds(1));
        var other = fixture.On<TestDeliveries>(1);
        Assert.False(await other.ApplyNowAsync(id));
        Assert.Equal(0, await other.RetryDueAsync());
        stall.Release();

        Assert.True(await applying);
        var row = await work.RowAsync(id);
        Assert.Equal((TestWork.Done, 1, 1), (row.Outcome, row.Attempts, row.Applied));
    }

    [Fact]
    public async Task A_tick_delivered_to_both_silos_at_once_applies_each_item_once()
    {
        var work = await Fresh<TestDeliveries>();
        var first = await work.StoreAsync();
        var others = new[] { await work.StoreAsync(), await work.StoreAsync() };
        var stall = fixture.Stalls.Hold(work.Table.Name, first);

        var tickOnSilo0 = work.RetryDueAsync();
        await stall.ReachedAsync();
        var onSilo1 = await fixture.On<TestDeliveries>(1).RetryDueAsync();
        stall.Release();
        var onSilo0 = await tickOnSilo0;

        Assert.Equal((1, 2), (onSilo0, onSilo1));
        foreach (var id in others.Prepend(first))
        {
            var row = await work.RowAsync(id);
            Assert.Equal((TestWork.Done, 1, 1), (row.Outcome, row.Attempts, row.Applied));
        }
    }

    [Fact]
    public async Task An_interrupted_attempt_of_a_kind_that_must_not_apply_twice_is_given_up_and_audited_never_applied_again()
    {
        var work = await Fresh<TestDeliveries>();
        var id = await work.StoreAsync();
        var stall = fixture.Stalls.Hold(work.Table.Name, id);
        var stalled = work.ApplyNowAsync(id); // applies, then stalls before its mark: as good as dead
        await stall.ReachedAsync();

        fixture.Time.Advance(work.Lease);
        Assert.Equal(1, await fixture.On<TestDeliveries>(1).RetryDueAsync());

        var givenUp = await work.RowAsync(id);
        Assert.Equal((StoredWorkTable.FailedOutcome, 2, 1), (givenUp.Outcome, givenUp.Attempts, givenUp.Applied));
        Assert.Equal(1, await work.GivenUpAuditsAsync(id));

        stall.Release(); // the stalled worker comes back: its claim was taken over, so its mark is refused
        await stalled;
        Assert.Equal(givenUp, await work.RowAsync(id));
    }

    [Fact]
    public async Task An_interrupted_attempt_of_an_idempotent_kind_is_applied_again_and_marked_done_once()
    {
        var work = await Fresh<TestIdempotentWork>();
        var id = await work.StoreAsync();
        var stall = fixture.Stalls.Hold(work.Table.Name, id);
        var stalled = work.ApplyNowAsync(id);
        await stall.ReachedAsync();

        fixture.Time.Advance(work.Lease - TimeSpan.FromSeconds(1));
        Assert.Equal(0, await fixture.On<TestIdempotentWork>(1).RetryDueAsync()); // its lease still holds
        fixture.Time.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(1, await fixture.On<TestIdempotentWork>(1).RetryDueAsync());

        var done = await work.RowAsync(id);
        Assert.Equal((TestWork.Done, 2, 2), (done.Outcome, done.Attempts, done.Applied));

        stall.Release();
        await stalled;
        Assert.Equal(done, await work.RowAsync(id));
    }

    [Fact]
    public async Task A_worker_back_after_its_lease_cannot_mark_the_item_while_the_attempt_that_took_over_holds_it()
    {
        var work = await Fresh<TestIdempotentWork>();
        var id = await work.StoreAsync();
        var firstStall = fixture.Stalls.Hold(work.Table.Name, id);
        var first = work.ApplyNowAsync(id);
        await firstStall.ReachedAsync();
        fixture.Time.Advance(work.Lease);
        var secondStall = fixture.Stalls.Hold(work.Table.Name, id);
        var second = fixture.On<TestIdempotentWork>(1).ApplyNowAsync(id);
        await secondStall.ReachedAsync();

        firstStall.Release();
        Assert.True(await first);
        var held = await work.RowAsync(id);
        Assert.Equal((2, (string?)null, (DateTime?)null), (held.Attempts, held.Outcome, held.ProcessedAt));
        Assert.NotNull(held.ClaimedUntil);

        secondStall.Release();
        Assert.True(await second);
        var done = await work.RowAsync(id);
        Assert.Equal((TestWork.Done, 2, (DateTime?)null), (done.Outcome, done.Attempts, done.ClaimedUntil));
    }

    [Fact]
    public async Task An_item_whose_attempts_keep_being_interrupted_is_given_up_once_its_attempts_are_used()
    {
        var work = await Fresh<TestIdempotentWork>();
        var id = await work.StoreAsync();

        // Each attempt claims the item and its worker dies (a poison item that kills its silo, say).
        for (var attempt = 1; attempt <= O.MaxAttempts; attempt++)
        {
            var now = fixture.Time.GetUtcNow().UtcDateTime;
            Assert.Equal(attempt, (await work.Table.ClaimAsync(id, now, now + work.Lease))!.Attempt);
            fixture.Time.Advance(work.Lease);
        }

        Assert.Equal(1, await work.RetryDueAsync());

        var givenUp = await work.RowAsync(id);
        Assert.Equal((StoredWorkTable.FailedOutcome, O.MaxAttempts + 1, 0), (givenUp.Outcome, givenUp.Attempts, givenUp.Applied));
        Assert.Equal(1, await work.GivenUpAuditsAsync(id));
    }

    /// <summary>The kind on silo 0, with earlier tests' items out of the way.</summary>
    private async Task<T> Fresh<T>()
        where T : TestWork
    {
        var work = fixture.On<T>(0);
        await work.SettleAllAsync();
        return work;
    }
}

/// <summary>Start-up validation of a kind's options: each problem names its setting.</summary>
public sealed class StoredWorkOptionsTests
{
    [Fact]
    public void The_defaults_are_valid()
    {
        Assert.Empty(StoredWorkOptions.Problems(new StoredWorkOptions(), StoredWorkSettings.InSection("Email:Delivery")));
    }

    [Theory]
    [InlineData("RetryDelay", "Email:Delivery:RetryDelay")]
    [InlineData("RetryMaxDelay", "Email:Delivery:RetryMaxDelay")]
    [InlineData("MaxAttempts", "Email:Delivery:MaxAttempts")]
    [InlineData("RetryPeriod", "Email:Delivery:RetryPeriod")]
    [InlineData("RetryBatchSize", "Email:Delivery:RetryBatchSize")]
    public void An_invalid_option_is_a_problem_naming_its_setting(string option, string named)
    {
        var o = new StoredWorkOptions();
        switch (option)
        {
            case "RetryDelay": o.RetryDelay = TimeSpan.FromSeconds(-1); break;
            case "RetryMaxDelay": o.RetryMaxDelay = TimeSpan.FromDays(2); break;
            case "MaxAttempts": o.MaxAttempts = 0; break;
            case "RetryPeriod": o.RetryPeriod = TimeSpan.FromSeconds(10); break;
            default: o.RetryBatchSize = 0; break;
        }

        var problem = Assert.Single(StoredWorkOptions.Problems(o, StoredWorkSettings.InSection("Email:Delivery")));
        Assert.Contains(named, problem, StringComparison.Ordinal);
    }

    [Fact]
    public void Billing_keeps_its_own_setting_names()
    {
        var problem = Assert.Single(BillingOptions.Problems(new BillingOptions { EventMaxAttempts = 0 }));
        Assert.Equal("Billing:EventMaxAttempts must be from 1 to 1000.", problem);
    }
}
