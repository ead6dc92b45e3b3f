using Dapper;
using HiveSync.Grains.Interfaces.Tasks;
using HiveSync.Grains.Platform;

namespace HiveSync.Grains.Tasks;

public sealed class AttachmentRow
{
    public long Id { get; set; }

    public string Kind { get; set; } = "";

    public string Status { get; set; } = "";

    public string Name { get; set; } = "";

    public string? Url { get; set; }

    public string? StorageKey { get; set; }

    public string? ContentType { get; set; }

    public long? Size { get; set; }

    public string? Sha256 { get; set; }

    public DateTime? UploadExpiresAt { get; set; }

    public long CreatedBy { get; set; }

    public DateTime CreatedAt { get; set; }

    public DateTime? CompletedAt { get; set; }
}

/// <summary>
/// Attachments: links, and uploads to object storage. Deleting an upload's row in any way (here, by the sweep, or by
/// the cascade of its task's or project's deletion) hands its object to <c>object_deletions</c> in that transaction:
/// a trigger of migration 0021 does it, so no path can forget the object.
/// </summary>
public sealed partial class TaskStore
{
    private const string AttachmentColumns = "id, kind, status, name, url, storage_key, content_type, size, sha256, upload_expires_at, created_by, created_at, completed_at";

    public async Task<List<AttachmentRow>> ListAttachmentsAsync(long projectId, long taskId)
    {
        await using var connection = await db.OpenConnectionAsync();
        return (await connection.QueryAsync<AttachmentRow>(
            $"SELECT {AttachmentColumns} FROM task_attachments WHERE project_id = @projectId AND task_id = @taskId ORDER BY id",
            new { projectId, taskId })).AsList();
    }

    public async Task<AttachmentRow?> FindAttachmentAsync(long projectId, long taskId, long attachmentId)
    {
        await using var connection = await db.OpenConnectionAsync();
        return await connection.QuerySingleOrDefaultAsync<AttachmentRow>(
            $"SELECT {AttachmentColumns} FROM task_attachments WHERE project_id = @projectId AND task_id = @taskId AND id = @attachmentId",
            new { projectId, taskId, attachmentId });
    }

    public async Task<AttachmentRow> AddLinkAsync(long projectId, long taskId, string url, string name, long createdBy, DateTime now)
    {
        await using var connection = await db.OpenConnectionAsync();
        return await connection.QuerySingleAsync<AttachmentRow>(
            $"""
            INSERT INTO task_attachments (project_id, task_id, kind, status, name, url, created_by, created_at)
            VALUES (@projectId, @taskId, 'link', 'ready', @name, @url, @createdBy, @now)
            RETURNING {AttachmentColumns}
            """,
            new { projectId, taskId, url, name, createdBy, now });
    }

    /// <summary>A pending upload at <paramref name="storageKey"/>, stored before any URL to it is signed.</summary>
    public async Task<AttachmentRow> AddUploadAsync(long projectId, long taskId, NewUpload upload, string storageKey, DateTime expiresAt, long createdBy, DateTime now)
    {
        await using var connection = await db.OpenConnectionAsync();
        return await connection.QuerySingleAsync<AttachmentRow>(
            $"""
            INSERT INTO task_attachments (project_id, task_id, kind, status, name, storage_key, content_type, size, sha256, upload_expires_at, created_by, created_at)
            VALUES (@projectId, @taskId, 'upload', 'pending', @Name, @storageKey, @ContentType, @Size, @Sha256, @expiresAt, @createdBy, @now)
            RETURNING {AttachmentColumns}
            """,
            new { projectId, taskId, upload.Name, storageKey, upload.ContentType, upload.Size, upload.Sha256, expiresAt, createdBy, now });
    }

    /// <summary>Marks a pending upload ready; null when it is no longer pending (ready already, or gone).</summary>
    public async Task<AttachmentRow?> MarkUploadReadyAsync(long projectId, long taskId, long attachmentId, DateTime now)
    {
        await using var connection = await db.OpenConnectionAsync();
        return await connection.QuerySingleOrDefaultAsync<AttachmentRow>(
            $"""
            UPDATE task_attachments SET status = 'ready', completed_at = @now
            WHERE project_id = @projectId AND task_id = @taskId AND id = @attachmentId AND kind = 'upload' AND status = 'pending'
            RETURNING {AttachmentColumns}
            """,
            new { projectId, taskId, attachmentId, now });
    }

    public async Task<bool> RemoveAttachmentAsync(long projectId, long taskId, long attachmentId)
    {
        await using var connection = await db.OpenConnectionAsync();
        return await connection.ExecuteAsync(
            "DELETE FROM task_attachments WHERE project_id = @projectId AND task_id = @taskId AND id = @attachmentId", new { projectId, taskId, attachmentId }) == 1;
    }

    /// <summary>Removes an upload only while it is still pending (a completion racing it may have made it ready).</summary>
    public async Task<bool> RemovePendingUploadAsync(long projectId, long taskId, long attachmentId)
    {
        await using var connection = await db.OpenConnectionAsync();
        return await connection.ExecuteAsync(
            "DELETE FROM task_attachments WHERE project_id = @projectId AND task_id = @taskId AND id = @attachmentId AND kind = 'upload' AND status = 'pending'",
            new { projectId, taskId, attachmentId }) == 1;
    }

    /// <summary>Removes up to <paramref name="batch"/> uploads still pending whose URL expired before <paramref name="cutoff"/>; returns how many.</summary>
    public async Task<int> SweepExpiredUploadsAsync(DateTime cutoff, int batch)
    {
        await using var connection = await db.OpenConnectionAsync();
        return await connection.ExecuteAsync(
            """
            DELETE FROM task_attachments
            WHERE id IN (SELECT id FROM task_attachments WHERE status = 'pending' AND upload_expires_at < @cutoff ORDER BY upload_expires_at LIMIT @batch)
              AND status = 'pending'
            """,
            new { cutoff, batch });
    }

    public static TaskAttachment ToAttachment(AttachmentRow row, SignedTransfer? download = null, SignedTransfer? upload = null) => new(
        row.Id,
        row.Kind,
        row.Status,
        row.Name,
        row.Url,
        row.ContentType,
        row.Size,
        row.Sha256,
        row.CreatedBy,
        row.CreatedAt.AsUtc(),
        row.CompletedAt?.AsUtc(),
        download,
        upload);
}
