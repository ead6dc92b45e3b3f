using Dapper;
using HiveSync.Grains.Audit;
using HiveSync.Grains.Interfaces.Platform;
using HiveSync.Grains.Interfaces.Storage;
using HiveSync.Grains.Platform;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;

namespace HiveSync.Grains.Storage;

/// <summary>
/// Objects to delete from object storage, as a kind of stored work over <c>object_deletions</c> (the only code reading
/// it). A domain adds a key in the transaction that stops needing the object (task uploads: a trigger on their rows),
/// so a silo dying after that commit loses nothing: the reminder deletes it. Deleting an absent object is harmless,
/// so an interrupted attempt is simply applied again.
/// </summary>
public sealed class ObjectDeletions(
    NpgsqlDataSource db,
    IObjectStorage storage,
    IGrainFactory grains,
    IOptionsMonitor<StorageOptions> options,
    DomainClock clock,
    ILogger<ObjectDeletions> logger) : StoredWorkKind(new StoredWorkTable(db, TableName), clock, logger)
{
    public const string TableName = "object_deletions";

    public const string DeletedOutcome = "deleted";

    public override string Name => "Object deletion";

    public override StoredWorkOptions Options => options.CurrentValue.Deletion;

    public override bool ApplyIsIdempotent => true;

    protected override IStoredWorkRetryGrain RetryGrain => grains.GetGrain<IObjectDeletionRetryGrain>(0);

    protected override async Task ApplyAsync(StoredWorkClaim claim, CancellationToken cancellationToken)
    {
        await using (var connection = await db.OpenConnectionAsync(cancellationToken))
        {
            var key = await connection.QuerySingleAsync<string>("SELECT storage_key FROM object_deletions WHERE id = @Id", new { claim.Id });
            await storage.DeleteAsync(key, cancellationToken);
        }

        await Table.MarkDoneAsync(claim, Clock.UtcNow, DeletedOutcome);
    }

    protected override AuditEntry GivenUpAudit(StoredWorkClaim claim, Exception? failure) =>
        GivenUp(AuditActions.ObjectDeletionFailed, "object_deletion", claim, failure?.Message);
}
