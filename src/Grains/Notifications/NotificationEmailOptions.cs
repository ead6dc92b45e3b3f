using HiveSync.Grains.Interfaces.Platform;

namespace HiveSync.Grains.Notifications;

/// <summary>Section <c>Notifications:Email</c>: the batched emails of notifications whose type has email on.</summary>
public sealed class NotificationEmailOptions
{
    public const string Section = "Notifications:Email";

    public static readonly StoredWorkSettings DigestSettings = StoredWorkSettings.InSection("Notifications:Email:Digest");

    /// <summary>After a digest, the user's next one waits at least this long: a busy hour is a few emails, not fifty.</summary>
    public TimeSpan Window { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>Notifications listed in one email; the rest are counted ("and 12 more").</summary>
    public int MaxListed { get; set; } = 20;

    /// <summary>
    /// The digests' stored work. Its reminder's period is also the longest wait of a due digest (a digest falls due
    /// inside a notification's transaction; the next tick sends it), so the first email of a burst waits up to a minute.
    /// </summary>
    public StoredWorkOptions Digest { get; set; } = new();

    public static IEnumerable<string> Problems(NotificationEmailOptions o)
    {
        if (o.Window < TimeSpan.FromMinutes(1) || o.Window > TimeSpan.FromDays(1))
        {
            yield return "Notifications:Email:Window must be from 1 minute to 1 day.";
        }

        if (o.MaxListed is < 1 or > 200)
        {
            yield return "Notifications:Email:MaxListed must be from 1 to 200.";
        }

        foreach (var problem in StoredWorkOptions.Problems(o.Digest, DigestSettings))
        {
            yield return problem;
        }
    }
}
