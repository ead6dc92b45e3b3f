namespace HiveSync.Grains.Interfaces.Limits;

/// <summary>Every limit of one tier. All are settings (<c>Tiers:Free:Projects</c>, ...), validated at start-up.</summary>
public sealed class TierLimits
{
    /// <summary>Requests per minute per route group (<c>Tiers:Pro:RequestsPerMinute:auth</c>); <c>default</c> covers the rest.</summary>
    public Dictionary<string, int> RequestsPerMinute { get; set; } = [];

    public int Projects { get; set; }

    public int MembersPerProject { get; set; }

    public int PreviewsPerDay { get; set; }

    public int ConcurrentPreviews { get; set; }

    public int AiDocsPerDay { get; set; }

    public int MaxPageSize { get; set; }

    public long AttachmentBytes { get; set; }

    public int WebhooksPerProject { get; set; }

    public int ApiKeys { get; set; }

    public int RequestsPerMinuteFor(string routeGroup) =>
        RequestsPerMinute.TryGetValue(routeGroup, out var limit) ? limit
        : RequestsPerMinute.TryGetValue(RateLimitGroups.Default, out var fallback) ? fallback
        : 60;
}

/// <summary>Section <c>Tiers</c>: the limits of <c>Free</c>, <c>Pro</c> and <c>Premium</c>.</summary>
public sealed class TierOptions
{
    public const string Section = "Tiers";

    public TierLimits Free { get; set; } = new()
    {
        RequestsPerMinute = new() { [RateLimitGroups.Default] = 120 },
        Projects = 3,
        MembersPerProject = 5,
        PreviewsPerDay = 10,
        ConcurrentPreviews = 1,
        AiDocsPerDay = 5,
        MaxPageSize = 100,
        AttachmentBytes = 10L * 1024 * 1024,
        WebhooksPerProject = 2,
        ApiKeys = 2,
    };

    public TierLimits Pro { get; set; } = new()
    {
        RequestsPerMinute = new() { [RateLimitGroups.Default] = 600 },
        Projects = 25,
        MembersPerProject = 25,
        PreviewsPerDay = 100,
        ConcurrentPreviews = 3,
        AiDocsPerDay = 100,
        MaxPageSize = 200,
        AttachmentBytes = 100L * 1024 * 1024,
        WebhooksPerProject = 10,
        ApiKeys = 10,
    };

    public TierLimits Premium { get; set; } = new()
    {
        RequestsPerMinute = new() { [RateLimitGroups.Default] = 1800 },
        Projects = 250,
        MembersPerProject = 100,
        PreviewsPerDay = 1000,
        ConcurrentPreviews = 10,
        AiDocsPerDay = 1000,
        MaxPageSize = 500,
        AttachmentBytes = 1024L * 1024 * 1024,
        WebhooksPerProject = 50,
        ApiKeys = 50,
    };

    public TierLimits For(string tier) => tier switch
    {
        Tiers.Premium => Premium,
        Tiers.Pro => Pro,
        _ => Free,
    };
}

/// <summary>Route groups that own a rate-limit bucket; each route group names its own in one line.</summary>
public static class RateLimitGroups
{
    /// <summary>The settings key that covers every group not named on its own.</summary>
    public const string Default = "default";

    public const string Auth = "auth";
    public const string User = "user";
    public const string Profile = "profile";
    public const string Billing = "billing";
    public const string Projects = "projects";
    public const string Notifications = "notifications";
    public const string Search = "search";
    public const string BillingWebhook = "billing_webhook";

    /// <summary>The local object storage's signed uploads and downloads (anonymous: the signature is the credential).</summary>
    public const string Storage = "storage";

    /// <summary>Verification emails asked for per account and day, not a route group.</summary>
    public const string VerificationEmail = "verification_email";

    /// <summary>Password-reset emails asked for per address and hour, not a route group.</summary>
    public const string PasswordResetEmail = "password_reset_email";

    /// <summary>Resends of one project invitation per day (<c>Invitations:ResendsPerDay</c>), not a route group.</summary>
    public const string InvitationEmail = "invitation_email";

    /// <summary>Failed sign-ins per account (<see cref="LoginGuardOptions"/>), not a route group.</summary>
    public const string LoginAccount = "login_account";
}
