using Npgsql;

namespace HiveSync.Grains.Auth;

/// <summary>
/// What a later domain does when an account proves it owns its address (Projects: the address's invitations are
/// taken up). It runs in the very transaction that marks the address verified, so a verification never commits
/// without it; Auth knows none of these domains, so the dependency stays one-way.
/// </summary>
public interface IEmailVerifiedStep
{
    /// <summary>In the verifying transaction; a throw rolls the verification back.</summary>
    Task InTransactionAsync(NpgsqlConnection connection, NpgsqlTransaction tx, long userId, string email, DateTime now);

    /// <summary>After the commit: starts what the transaction stored (it is stored, so a failure here only delays it).</summary>
    Task AfterCommitAsync();
}
