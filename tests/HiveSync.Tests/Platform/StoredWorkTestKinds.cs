using System.Collections.Concurrent;
using System.Globalization;
using Dapper;
using HiveSync.Grains.Audit;
using HiveSync.Grains.Interfaces.Platform;
using HiveSync.Grains.Platform;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace HiveSync.Tests.Platform;

/// <summary>
/// A kind of stored work for the tests of the piece itself, on a table of its own that the test creates with the
/// standard columns. Applying an item has an effect outside the mark's transaction (<c>applied + 1</c>, as an email
/// sent or a webhook called would), then marks it done. An item fails its first <c>fail_first</c> attempts, and an
/// attempt can be held between its effect and its mark (<see cref="StoredWorkStalls"/>): a worker that stalled or died.
/// </summary>
public abstract class TestWork : StoredWorkKind
{
    public const string Done = "done";
    public const string FailedAction = "test.stored_work.failed";

    /// <summary>Small numbers, so doubling reaches its cap and the attempts run out within a test.</summary>
    public static readonly StoredWorkOptions TestOptions = new()
    {
        RetryDelay = TimeSpan.FromMinutes(1),
        RetryMaxDelay = TimeSpan.FromMinutes(3),
        MaxAttempts = 4,
        RetryPeriod = TimeSpan.FromMinutes(1),
        RetryBatchSize = 3,
    };

    private readonly NpgsqlDataSource _db;
    private readonly StoredWorkStalls _stalls;

    protected TestWork(string table, NpgsqlDataSource db, StoredWorkStalls stalls, DomainClock clock, ILogger logger)
        : base(new StoredWorkTable(db, table), clock, logger)
    {
        _db = db;
        _stalls = stalls;
    }

    public override string Name => Table.Name;

    public override StoredWorkOptions Options => TestOptions;

    public static string CreateTableSql(string table) =>
        $"""
        CREATE TABLE {table} (
            id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
            fail_first      integer     NOT NULL DEFAULT 0,
            applied         integer     NOT NULL DEFAULT 0,
            attempts        integer     NOT NULL DEFAULT 0,
            next_attempt_at timestamptz NOT NULL,
            claimed_until   timestamptz NULL,
            processed_at    timestamptz NULL,
            outcome         text        NULL,
            last_error      text        NULL
        );
        CREATE INDEX {table}_due ON {table} (next_attempt_at) WHERE processed_at IS NULL;
        """;

    /// <summary>Stores an item, due at once, as a domain would (in its own transaction); returns its id.</summary>
    public async Task<long> StoreAsync(int failFirst = 0)
    {
        await using var connection = await _db.OpenConnectionAsync();
        return await connection.ExecuteScalarAsync<long>(
            $"INSERT INTO {Table.Name} (fail_first, next_attempt_at) VALUES (@failFirst, @now) RETURNING id",
            new { failFirst, now = Clock.UtcNow });
    }

    public async Task<TestWorkRow> RowAsync(long id)
    {
        await using var connection = await _db.OpenConnectionAsync();
        return await connection.QuerySingleAsync<TestWorkRow>(
            $"""
            SELECT id AS Id, applied AS Applied, attempts AS Attempts, next_attempt_at AS NextAttemptAt, claimed_until AS ClaimedUntil,
                   processed_at AS ProcessedAt, outcome AS Outcome, last_error AS LastError
            FROM {Table.Name} WHERE id = @id
            """,
            new { id });
    }

    /// <summary>Marks every item of earlier tests given up, so a test's ticks see only its own items.</summary>
    public async Task SettleAllAsync()
    {
        await using var connection = await _db.OpenConnectionAsync();
        await connection.ExecuteAsync($"UPDATE {Table.Name} SET processed_at = now(), outcome = 'settled', claimed_until = NULL WHERE processed_at IS NULL");
    }

    public async Task<long> GivenUpAuditsAsync(long id)
    {
        await using var connection = await _db.OpenConnectionAsync();
        return await connection.ExecuteScalarAsync<long>(
            "SELECT count(*) FROM audit_log WHERE action = @action AND subject_type = @table AND subject_id = @id",
            new { action = FailedAction, table = Table.Name, id = id.ToString(CultureInfo.InvariantCulture) });
    }

    protected override async Task ApplyAsync(StoredWorkClaim claim, CancellationToken cancellationToken)
    {
        await using (var connection = await _db.OpenConnectionAsync(cancellationToken))
        {
            if (claim.Attempt <= await connection.ExecuteScalarAsync<int>($"SELECT fail_first FROM {Table.Name} WHERE id = @Id", claim))
            {
                throw new InvalidOperationException($"test: attempt {claim.Attempt} fails as told");
            }

            await connection.ExecuteAsync($"UPDATE {Table.Name} SET applied = applied + 1 WHERE id = @Id", claim);
        }

        await _stalls.PassAsync(Table.Name, claim.Id);
        await Table.MarkDoneAsync(claim, Clock.UtcNow, Done);
    }

    protected override AuditEntry GivenUpAudit(StoredWorkClaim claim, Exception? failure) =>
        new(FailedAction, null, null, Table.Name, claim.Id.ToString(CultureInfo.InvariantCulture), new { attempts = claim.Attempt, error = failure?.GetType().Name });
}

/// <summary>A row of a test kind's table.</summary>
public sealed record TestWorkRow(long Id, int Applied, int Attempts, DateTime NextAttemptAt, DateTime? ClaimedUntil, DateTime? ProcessedAt, string? Outcome, string? LastError);

/// <summary>Shaped like an email outbox: delivering twice is not harmless, so an interrupted attempt is given up.</summary>
public sealed class TestDeliveries(NpgsqlDataSource db, StoredWorkStalls stalls, IGrainFactory grains, DomainClock clock, ILogger<TestDeliveries> logger)
    : TestWork("test_deliveries", db, stalls, clock, logger)
{
    public override bool ApplyIsIdempotent => false;

    protected override IStoredWorkRetryGrain RetryGrain => grains.GetGrain<ITestDeliveriesRetryGrain>(0);
}

/// <summary>Shaped like billing events: applying twice changes nothing, so an interrupted attempt is applied again.</summary>
public sealed class TestIdempotentWork(NpgsqlDataSource db, StoredWorkStalls stalls, IGrainFactory grains, DomainClock clock, ILogger<TestIdempotentWork> logger)
    : TestWork("test_idempotent_work", db, stalls, clock, logger)
{
    public override bool ApplyIsIdempotent => true;

    protected override IStoredWorkRetryGrain RetryGrain => grains.GetGrain<ITestIdempotentWorkRetryGrain>(0);
}

public interface ITestDeliveriesRetryGrain : IStoredWorkRetryGrain
{
}

public interface ITestIdempotentWorkRetryGrain : IStoredWorkRetryGrain
{
}

public sealed class TestDeliveriesRetryGrain(TestDeliveries work) : StoredWorkRetryGrain(work, ReminderName), ITestDeliveriesRetryGrain
{
    public const string ReminderName = "test-deliveries-retry";
}

public sealed class TestIdempotentWorkRetryGrain(TestIdempotentWork work) : StoredWorkRetryGrain(work, ReminderName), ITestIdempotentWorkRetryGrain
{
    public const string ReminderName = "test-idempotent-work-retry";
}

/// <summary>Attempts a test holds between their effect and their mark, until released: a worker that stalled or died there.</summary>
public sealed class StoredWorkStalls
{
    private readonly ConcurrentDictionary<(string Table, long Id), Stall> _held = new();

    /// <summary>Holds the next attempt of the item that reaches its mark; later attempts pass.</summary>
    public Stall Hold(string table, long id) => _held[(table, id)] = new Stall();

    public async Task PassAsync(string table, long id)
    {
        if (_held.TryRemove((table, id), out var stall))
        {
            stall.Reached.TrySetResult();
            await stall.Released.Task;
        }
    }

    public sealed class Stall
    {
        public TaskCompletionSource Reached { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public TaskCompletionSource Released { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public Task ReachedAsync() => Reached.Task.WaitAsync(Eventually.GenerousDeadline);

        public void Release() => Released.TrySetResult();
    }
}

/// <summary>
/// Two silos, each with its own instances of the test kinds (as two silo processes would have), on a fresh
/// database: delays and leases run out when the test moves the domain clock.
/// </summary>
public sealed class StoredWorkCluster : GrainTestCluster
{
    public StoredWorkStalls Stalls { get; } = new();

    protected override DateTimeOffset Start => new(2026, 3, 11, 12, 0, 0, TimeSpan.Zero);

    protected override short Silos => 2;

    /// <summary>A kind as silo <paramref name="silo"/> (0 or 1) holds it.</summary>
    public T On<T>(int silo)
        where T : TestWork => Cluster.Silos[silo].ServiceProvider.GetRequiredService<T>();

    protected override async Task PrepareDatabaseAsync()
    {
        await using var connection = await Database.OpenConnectionAsync();
        await connection.ExecuteAsync(TestWork.CreateTableSql("test_deliveries") + TestWork.CreateTableSql("test_idempotent_work"));
    }

    protected override void ConfigureServices(IServiceCollection services)
    {
        services.AddSingleton(Stalls);
        services.AddSingleton<TestDeliveries>();
        services.AddSingleton<TestIdempotentWork>();
    }

    public async Task<long> ReminderPeriodMillisecondsAsync(string reminderName)
    {
        await using var connection = await Database.OpenConnectionAsync();
        return await connection.ExecuteScalarAsync<long>("SELECT period FROM orleansreminderstable WHERE remindername = @reminderName", new { reminderName });
    }
}
