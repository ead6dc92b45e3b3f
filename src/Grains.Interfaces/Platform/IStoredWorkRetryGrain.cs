using Orleans.Concurrency;

namespace HiveSync.Grains.Interfaces.Platform;

/// <summary>
/// The retry grain of one kind of stored work (key 0; each kind derives its own interface from this one): a reminder
/// that survives silo restarts applies the kind's due items every retry period. See docs/architecture.md, "Stored work".
/// </summary>
public interface IStoredWorkRetryGrain : IGrainWithIntegerKey
{
    /// <summary>Makes sure the reminder exists. Called before an item is stored, so no stored item is left behind.</summary>
    [AlwaysInterleave]
    Task EnsureScheduled();

    /// <summary>Applies the items due now, oldest first, at most one batch; returns how many were attempted.</summary>
    Task<int> RetryDue();

    /// <summary>The queued form of "apply right after storing": does what <see cref="RetryDue"/> does, without the caller waiting.</summary>
    [OneWay]
    Task ApplyQueued();
}
