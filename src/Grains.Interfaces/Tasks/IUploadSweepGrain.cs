namespace HiveSync.Grains.Interfaces.Tasks;

/// <summary>
/// Removes uploads never completed (key 0): a reminder every <c>Attachments:SweepPeriod</c> deletes the pending ones
/// whose upload URL expired more than a minute ago, and their objects with them (through object_deletions).
/// </summary>
public interface IUploadSweepGrain : IGrainWithIntegerKey
{
    /// <summary>Makes sure the reminder exists (every silo at start).</summary>
    Task EnsureScheduled();

    /// <summary>Sweeps now; returns how many uploads were removed.</summary>
    Task<int> Sweep();
}
