namespace HiveSync.Grains.Interfaces.Platform;

/// <summary>An error code of the API envelope and the HTTP status it is always answered with.</summary>
public sealed record ApiErrorCode(string Code, int Status);

/// <summary>
/// The one catalogue of error codes (the spec's list, extended; codes are never renamed).
/// Every failure the API answers carries one of these.
/// </summary>
public static class ErrorCodes
{
    public static readonly ApiErrorCode ValidationError = new("VALIDATION_ERROR", 400);
    public static readonly ApiErrorCode PayloadTooLarge = new("PAYLOAD_TOO_LARGE", 413);
    public static readonly ApiErrorCode UnsupportedMediaType = new("UNSUPPORTED_MEDIA_TYPE", 415);
    public static readonly ApiErrorCode AuthRequired = new("AUTH_REQUIRED", 401);
    public static readonly ApiErrorCode AuthInvalidCredentials = new("AUTH_INVALID_CREDENTIALS", 401);
    public static readonly ApiErrorCode AuthTokenExpired = new("AUTH_TOKEN_EXPIRED", 401);
    public static readonly ApiErrorCode AuthTokenInvalid = new("AUTH_TOKEN_INVALID", 401);
    public static readonly ApiErrorCode AuthSessionRevoked = new("AUTH_SESSION_REVOKED", 401);
    public static readonly ApiErrorCode AuthForbidden = new("AUTH_FORBIDDEN", 403);

    /// <summary>A cookie-authenticated state-changing request without the matching <c>X-CSRF-Token</c> header.</summary>
    public static readonly ApiErrorCode CsrfTokenInvalid = new("CSRF_TOKEN_INVALID", 403);

    public static readonly ApiErrorCode TierLimitExceeded = new("TIER_LIMIT_EXCEEDED", 403);
    public static readonly ApiErrorCode TierUpgradeRequired = new("TIER_UPGRADE_REQUIRED", 403);
    public static readonly ApiErrorCode PreviewLimitExceeded = new("PREVIEW_LIMIT_EXCEEDED", 403);
    public static readonly ApiErrorCode NotFound = new("NOT_FOUND", 404);
    public static readonly ApiErrorCode UserNotFound = new("USER_NOT_FOUND", 404);
    public static readonly ApiErrorCode SessionNotFound = new("SESSION_NOT_FOUND", 404);
    public static readonly ApiErrorCode ProjectNotFound = new("PROJECT_NOT_FOUND", 404);
    public static readonly ApiErrorCode TaskNotFound = new("TASK_NOT_FOUND", 404);
    public static readonly ApiErrorCode MemberNotFound = new("MEMBER_NOT_FOUND", 404);
    public static readonly ApiErrorCode InvitationNotFound = new("INVITATION_NOT_FOUND", 404);
    public static readonly ApiErrorCode TagNotFound = new("TAG_NOT_FOUND", 404);
    public static readonly ApiErrorCode LabelNotFound = new("LABEL_NOT_FOUND", 404);
    public static readonly ApiErrorCode AttachmentNotFound = new("ATTACHMENT_NOT_FOUND", 404);
    public static readonly ApiErrorCode CommentNotFound = new("COMMENT_NOT_FOUND", 404);
    public static readonly ApiErrorCode MethodNotAllowed = new("METHOD_NOT_ALLOWED", 405);
    public static readonly ApiErrorCode Conflict = new("CONFLICT", 409);
    public static readonly ApiErrorCode TokenExpired = new("TOKEN_EXPIRED", 410);

    /// <summary><c>If-Match</c> named another version than the current one: someone changed it meanwhile.</summary>
    public static readonly ApiErrorCode PreconditionFailed = new("PRECONDITION_FAILED", 412);
    public static readonly ApiErrorCode RateLimited = new("RATE_LIMITED", 429);

    /// <summary>An <c>Idempotency-Key</c> already used for a different request.</summary>
    public static readonly ApiErrorCode IdempotencyKeyReused = new("IDEMPOTENCY_KEY_REUSED", 422);
    public static readonly ApiErrorCode WorkerCallbackInvalid = new("WORKER_CALLBACK_INVALID", 401);
    public static readonly ApiErrorCode WebhookDeliveryFailed = new("WEBHOOK_DELIVERY_FAILED", 502);
    public static readonly ApiErrorCode InternalError = new("INTERNAL_ERROR", 500);
    public static readonly ApiErrorCode ServiceUnavailable = new("SERVICE_UNAVAILABLE", 503);

    // Billing (LemonSqueezy).
    public static readonly ApiErrorCode SubscriptionNotFound = new("SUBSCRIPTION_NOT_FOUND", 404);
    public static readonly ApiErrorCode SubscriptionExists = new("SUBSCRIPTION_EXISTS", 409);
    public static readonly ApiErrorCode WebhookSignatureInvalid = new("WEBHOOK_SIGNATURE_INVALID", 401);

    /// <summary>LemonSqueezy refused, failed or timed out; 500 as the plan's start-checkout says ("500 – LS API failure").</summary>
    public static readonly ApiErrorCode BillingProviderError = new("BILLING_PROVIDER_ERROR", 500);

    /// <summary>Every code, for the OpenAPI document and for mapping a code back to its status.</summary>
    public static IReadOnlyDictionary<string, ApiErrorCode> All { get; } = typeof(ErrorCodes)
        .GetFields(System.Reflection.BindingFlags.Public | System.Reflection.BindingFlags.Static)
        .Where(f => f.FieldType == typeof(ApiErrorCode))
        .Select(f => (ApiErrorCode)f.GetValue(null)!)
        .ToDictionary(c => c.Code);

    /// <summary>The answer to a change whose <c>If-Match</c> is not the current version.</summary>
    public static DomainException Stale() =>
        new(PreconditionFailed, "It changed since you read it (If-Match is not its current ETag): read it again, then retry.");

    public static int StatusOf(string code) => All.TryGetValue(code, out var known) ? known.Status : 500;
}
