namespace HiveSync.Grains.Auth;

/// <summary>
/// Grain state of <see cref="SessionTokenGrain"/> (in the disposable storage: clearing deletes the row). Stored as
/// JSON that names this type: do not rename or move it without migrating the stored rows (they live seconds).
/// </summary>
[GenerateSerializer]
public sealed class SessionTokenState
{
    [Id(0)]
    public long UserId { get; set; }

    /// <summary>The session (mobile or desktop client) that asked for the token; it must still be live at exchange.</summary>
    [Id(1)]
    public Guid IssuingSessionId { get; set; }

    [Id(2)]
    public DateTime IssuedAt { get; set; }

    [Id(3)]
    public DateTime ExpiresAt { get; set; }

    /// <summary>Set once, by the one successful exchange; kept until expiry, when the row is deleted.</summary>
    [Id(4)]
    public DateTime? UsedAt { get; set; }

    /// <summary>A copy marked used at <paramref name="at"/>: the state to write, while this one stays what storage holds.</summary>
    public SessionTokenState MarkedUsed(DateTime at) =>
        new() { UserId = UserId, IssuingSessionId = IssuingSessionId, IssuedAt = IssuedAt, ExpiresAt = ExpiresAt, UsedAt = at };
}
