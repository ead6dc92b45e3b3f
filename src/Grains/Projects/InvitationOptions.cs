using HiveSync.Grains.Interfaces.Platform;

namespace HiveSync.Grains.Projects;

/// <summary>Section <c>Invitations</c>: invitations of addresses with no verified account.</summary>
public sealed class InvitationOptions
{
    public const string Section = "Invitations";

    public static readonly StoredWorkSettings AcceptanceSettings = StoredWorkSettings.InSection("Invitations:Acceptance");

    /// <summary>How long an invitation waits for its address to be verified; a resend starts it again.</summary>
    public TimeSpan Lifetime { get; set; } = TimeSpan.FromDays(7);

    /// <summary>How many times a day an invitation may be emailed again.</summary>
    public int ResendsPerDay { get; set; } = 5;

    /// <summary>
    /// Turning a taken-up invitation into membership. It fails only while the team is full, so it is retried for about
    /// two days (1 min doubling to 1 h, 50 tries) for an admin to make room, then given up.
    /// </summary>
    public StoredWorkOptions Acceptance { get; set; } = new();

    public static IEnumerable<string> Problems(InvitationOptions o)
    {
        if (o.Lifetime < TimeSpan.FromHours(1) || o.Lifetime > TimeSpan.FromDays(90))
        {
            yield return "Invitations:Lifetime must be from 1 hour to 90 days.";
        }

        if (o.ResendsPerDay is < 1 or > 100)
        {
            yield return "Invitations:ResendsPerDay must be from 1 to 100.";
        }

        foreach (var problem in StoredWorkOptions.Problems(o.Acceptance, AcceptanceSettings))
        {
            yield return problem;
        }
    }
}
