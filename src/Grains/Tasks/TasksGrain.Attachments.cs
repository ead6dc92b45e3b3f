using System.Globalization;
using System.Security.Cryptography;
using HiveSync.Grains.Interfaces.Auth;
using HiveSync.Grains.Interfaces.Platform;
using HiveSync.Grains.Interfaces.Projects;
using HiveSync.Grains.Interfaces.Tasks;
using HiveSync.Grains.Platform;
using HiveSync.Grains.Storage;

namespace HiveSync.Grains.Tasks;

/// <summary>
/// Links, and uploads in two steps: the row (pending, with the key the server picked) is stored before the upload URL
/// is signed, so no object can exist that no row tracks; completing checks the stored object before the upload is
/// ready. Deleting a row hands its object to object_deletions in the same transaction (a trigger), applied after it.
/// </summary>
public sealed partial class TasksGrain
{
    public async Task<IReadOnlyList<TaskAttachment>> ListAttachments(long callerId, long projectId, long taskId)
    {
        await RequireAsync(callerId, projectId, ProjectRoles.Viewer);
        await RequireTaskAsync(projectId, taskId);
        var rows = await store.ListAttachmentsAsync(projectId, taskId);
        return await Task.WhenAll(rows.Select(ShowAsync));
    }

    public async Task<TaskAttachment> GetAttachment(long callerId, long projectId, long taskId, long attachmentId)
    {
        await RequireAsync(callerId, projectId, ProjectRoles.Viewer);
        await RequireTaskAsync(projectId, taskId);
        return await ShowAsync(await store.FindAttachmentAsync(projectId, taskId, attachmentId) ?? throw AttachmentNotFound());
    }

    public async Task<TaskAttachment> AddLink(long callerId, long projectId, long taskId, string url, string? name)
    {
        await RequireAsync(callerId, projectId, ProjectRoles.Member, write: true);
        var (link, linkName) = TaskRules.Link(url, name);
        await RequireTaskAsync(projectId, taskId);
        return TaskStore.ToAttachment(await store.AddLinkAsync(projectId, taskId, link, linkName, callerId, clock.UtcNow));
    }

    public async Task<TaskAttachment> AddUpload(long callerId, long projectId, long taskId, NewUpload upload)
    {
        var standing = await RequireAsync(callerId, projectId, ProjectRoles.Member, write: true);
        var options = attachmentOptions.CurrentValue;
        var valid = UploadRules.Validate(upload, options.ContentTypes);
        var creatorTier = (await GrainFactory.GetGrain<IUserGrain>(standing.CreatedBy).GetAccount()).Tier;
        UploadRules.EnforceSize(tiers.Value, creatorTier, valid.Size);
        await RequireTaskAsync(projectId, taskId);

        var now = clock.UtcNow;
        var key = string.Create(CultureInfo.InvariantCulture, $"attachments/{projectId}/{taskId}/{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16))}");
        var row = await store.AddUploadAsync(projectId, taskId, valid, key, now + options.UploadLifetime, callerId, now);
        var signed = await storage.SignUploadAsync(key, valid.ContentType, valid.Size, row.UploadExpiresAt!.Value.AsUtc());
        return TaskStore.ToAttachment(row, upload: Transfer(signed));
    }

    public async Task<TaskAttachment> CompleteUpload(long callerId, long projectId, long taskId, long attachmentId)
    {
        await RequireAsync(callerId, projectId, ProjectRoles.Member, write: true);
        await RequireTaskAsync(projectId, taskId);
        var row = await store.FindAttachmentAsync(projectId, taskId, attachmentId) ?? throw AttachmentNotFound();
        if (row.Status == AttachmentStatuses.Ready)
        {
            return await ShowAsync(row); // a link, or completed already: nothing to do
        }

        var key = row.StorageKey!;
        var expired = clock.UtcNow > row.UploadExpiresAt!.Value;
        var stored = await storage.FindAsync(key);
        if (stored is null)
        {
            throw await RefuseAsync(projectId, taskId, row, expired, "not_uploaded", expired
                ? "Nothing was uploaded before the upload URL expired; the attachment is removed: create it again."
                : "Nothing is uploaded yet: send the file to the upload URL first, then complete.", new { });
        }

        if (stored.Size != row.Size)
        {
            await storage.DeleteAsync(key);
            throw await RefuseAsync(projectId, taskId, row, expired, "size_mismatch", $"The uploaded file has {stored.Size} bytes, not the {row.Size} announced; it is deleted.", new { expected_size = row.Size, actual_size = stored.Size });
        }

        if (row.Sha256 is { } expected && await HashAsync(key) is var actual && actual != expected)
        {
            await storage.DeleteAsync(key);
            throw await RefuseAsync(projectId, taskId, row, expired, "sha256_mismatch", "The uploaded file's SHA-256 is not the one announced; it is deleted.", new { expected_sha256 = expected, actual_sha256 = actual });
        }

        var ready = await store.MarkUploadReadyAsync(projectId, taskId, attachmentId, clock.UtcNow)
            ?? await store.FindAttachmentAsync(projectId, taskId, attachmentId) // completed by a racing call, or removed
            ?? throw AttachmentNotFound();
        return await ShowAsync(ready);
    }

    public async Task RemoveAttachment(long callerId, long projectId, long taskId, long attachmentId)
    {
        await RequireAsync(callerId, projectId, ProjectRoles.Member, write: true);
        await RequireTaskAsync(projectId, taskId);
        await deletions.EnsureScheduledAsync();
        if (!await store.RemoveAttachmentAsync(projectId, taskId, attachmentId))
        {
            throw AttachmentNotFound();
        }

        await deletions.QueueAsync();
    }

    /// <summary>
    /// 409 for a completion that cannot succeed. Until the upload URL expires the attachment stays pending, so the client
    /// can send the file again and complete again; after it, nothing more can arrive, so the attachment is removed.
    /// </summary>
    private async Task<DomainException> RefuseAsync(long projectId, long taskId, AttachmentRow row, bool expired, string reason, string message, object facts)
    {
        var removed = expired && await store.RemovePendingUploadAsync(projectId, taskId, row.Id);
        if (removed)
        {
            await deletions.QueueAsync();
        }

        var details = new Dictionary<string, object?>
        {
            ["reason"] = reason,
            ["status"] = removed ? "removed" : AttachmentStatuses.Pending,
            ["upload_expires_at"] = row.UploadExpiresAt!.Value.AsUtc().UtcDateTime, // a UTC DateTime: written with its Z
        };
        foreach (var property in facts.GetType().GetProperties())
        {
            details[property.Name] = property.GetValue(facts);
        }

        return new DomainException(ErrorCodes.Conflict, message, details);
    }

    /// <summary>The SHA-256 of the stored bytes, streamed (never held whole); null when the object vanished meanwhile.</summary>
    private async Task<string?> HashAsync(string key)
    {
        await using var stream = await storage.OpenReadAsync(key);
        return stream is null ? null : UploadRules.Hex(await SHA256.HashDataAsync(stream));
    }

    /// <summary>The attachment as answered: a ready upload with a fresh signed download (signing is local work, no request).</summary>
    private async Task<TaskAttachment> ShowAsync(AttachmentRow row)
    {
        if (row.Kind != AttachmentKinds.Upload || row.Status != AttachmentStatuses.Ready)
        {
            return TaskStore.ToAttachment(row);
        }

        var download = await storage.SignDownloadAsync(row.StorageKey!, row.Name, row.ContentType!, clock.UtcNow + attachmentOptions.CurrentValue.DownloadLifetime);
        return TaskStore.ToAttachment(row, download: Transfer(download));
    }

    private static SignedTransfer Transfer(SignedRequest signed) =>
        new(signed.Url.OriginalString, signed.Method, new Dictionary<string, string>(signed.Headers), signed.ExpiresAt);

    private static DomainException AttachmentNotFound() => new(ErrorCodes.AttachmentNotFound, "This task has no such attachment.");
}
