using System.Text.Json;
using Dapper;
using HiveSync.Grains.Interfaces.Auth;
using Npgsql;

namespace HiveSync.Grains.Audit;

/// <summary>Names of audited actions; later domains add theirs here.</summary>
public static class AuditActions
{
    public const string Register = "auth.register";
    public const string LoginSucceeded = "auth.login.succeeded";
    public const string LoginFailed = "auth.login.failed";
    public const string Logout = "auth.logout";
    public const string SessionRevoked = "auth.session.revoked";
    public const string SessionEvicted = "auth.session.evicted";
    public const string RefreshTokenReuse = "auth.refresh_token.reuse";
    public const string RoleGranted = "auth.role.granted";
    public const string RoleRevoked = "auth.role.revoked";
    public const string ProfileUpdated = "profile.updated";
    public const string SessionTokenIssued = "auth.session_token.issued";
    public const string SessionTokenExchanged = "auth.session_token.exchanged";
    public const string CheckoutCreated = "billing.checkout.created";
    public const string PlanChanged = "billing.plan.changed";
    public const string SubscriptionApplied = "billing.subscription.applied";
    public const string SubscriptionDuplicate = "billing.subscription.duplicate";
    public const string BillingEventFailed = "billing.event.failed";
    public const string BillingEventIgnored = "billing.event.ignored";
    public const string EmailFailed = "email.failed";
    public const string PasswordResetRequested = "auth.password_reset.requested";
    public const string PasswordReset = "auth.password_reset";
    public const string InvitationFailed = "project.invitation.failed";
    public const string NotificationDigestFailed = "notification.digest.failed";
    public const string ObjectDeletionFailed = "storage.deletion.failed";
}

/// <summary>One row of the audit log.</summary>
public sealed record AuditEntry(
    string Action,
    long? ActorUserId,
    DeviceInfo? Device,
    string? SubjectType = null,
    string? SubjectId = null,
    object? Details = null);

/// <summary>Appends to the audit log; the request id comes from the Orleans request context.</summary>
public sealed class AuditLog(NpgsqlDataSource db)
{
    public const string RequestIdKey = "request_id";

    public async Task WriteAsync(AuditEntry entry)
    {
        await using var connection = await db.OpenConnectionAsync();
        await WriteAsync(entry, connection, null);
    }

    /// <summary>Writes inside the caller's transaction, so the entry exists exactly when the change it records does.</summary>
    public static async Task WriteAsync(AuditEntry entry, NpgsqlConnection connection, NpgsqlTransaction? transaction)
    {
        await connection.ExecuteAsync(
            """
            INSERT INTO audit_log (action, actor_user_id, subject_type, subject_id, ip_address, user_agent, request_id, details)
            VALUES (@Action, @ActorUserId, @SubjectType, @SubjectId, @IpAddress, @UserAgent, @RequestId, @Details::jsonb)
            """,
            new
            {
                entry.Action,
                entry.ActorUserId,
                entry.SubjectType,
                entry.SubjectId,
                entry.Device?.IpAddress,
                entry.Device?.UserAgent,
                RequestId = Orleans.Runtime.RequestContext.Get(RequestIdKey) as string,
                Details = JsonSerializer.Serialize(entry.Details ?? new { }),
            },
            transaction);
    }
}
