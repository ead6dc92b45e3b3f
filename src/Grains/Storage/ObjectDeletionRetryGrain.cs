using HiveSync.Grains.Interfaces.Storage;
using HiveSync.Grains.Platform;

namespace HiveSync.Grains.Storage;

/// <summary>Comes back to objects not yet deleted every <c>Storage:Deletion:RetryPeriod</c>. Its class name is the grain type of its stored reminder: keep it.</summary>
public sealed class ObjectDeletionRetryGrain(ObjectDeletions deletions) : StoredWorkRetryGrain(deletions, ReminderName), IObjectDeletionRetryGrain
{
    public const string ReminderName = "object-deletion-retry";
}
