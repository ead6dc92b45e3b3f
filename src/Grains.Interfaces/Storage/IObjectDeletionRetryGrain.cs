using HiveSync.Grains.Interfaces.Platform;

namespace HiveSync.Grains.Interfaces.Storage;

/// <summary>
/// The retry grain of stored objects to delete (key 0; see <see cref="IStoredWorkRetryGrain"/>): a reminder that
/// survives silo restarts deletes the due ones every <c>Storage:Deletion:RetryPeriod</c>.
/// </summary>
public interface IObjectDeletionRetryGrain : IStoredWorkRetryGrain
{
}
