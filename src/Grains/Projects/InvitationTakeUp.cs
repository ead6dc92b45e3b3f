using HiveSync.Grains.Auth;
using Npgsql;

namespace HiveSync.Grains.Projects;

/// <summary>An address verified: its unexpired invitations are taken up in that transaction, then become membership.</summary>
public sealed class InvitationTakeUp(InvitationAcceptance acceptance) : IEmailVerifiedStep
{
    public Task InTransactionAsync(NpgsqlConnection connection, NpgsqlTransaction tx, long userId, string email, DateTime now) =>
        ProjectStore.TakeUpInvitationsAsync(connection, tx, email, userId, now);

    public Task AfterCommitAsync() => acceptance.QueueAsync();
}
