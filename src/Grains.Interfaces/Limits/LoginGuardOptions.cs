using System.ComponentModel.DataAnnotations;

namespace HiveSync.Grains.Interfaces.Limits;

/// <summary>
/// Section <c>LoginGuard</c>: failed sign-ins allowed per email address (from any IP) per window before
/// sign-in to it pauses; the allowance refills evenly over the window. Unknown emails are counted alike,
/// so the pause reveals nothing about which accounts exist.
/// </summary>
public sealed class LoginGuardOptions
{
    public const string Section = "LoginGuard";

    [Range(1, 10_000)]
    public int FailuresPerWindow { get; set; } = 10;

    [Range(10, 86_400)]
    public int WindowSeconds { get; set; } = 900;
}
