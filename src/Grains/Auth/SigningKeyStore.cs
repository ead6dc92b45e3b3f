using System.Security.Cryptography;
using Dapper;
using Npgsql;

namespace HiveSync.Grains.Auth;

/// <summary>
/// The access-token signing key when none is configured: generated once by whichever silo starts first and
/// shared through PostgreSQL, so every silo of the cluster accepts every other silo's tokens.
/// </summary>
public static class SigningKeyStore
{
    private const string Name = "access_token_signing_key";

    public static async Task<string> GetOrCreateAsync(NpgsqlDataSource db)
    {
        await using var connection = await db.OpenConnectionAsync();
        await connection.ExecuteAsync(
            "INSERT INTO app_secrets (name, value) VALUES (@Name, @value) ON CONFLICT (name) DO NOTHING",
            new { Name, value = RandomNumberGenerator.GetBytes(64) });
        var key = await connection.ExecuteScalarAsync<byte[]>("SELECT value FROM app_secrets WHERE name = @Name", new { Name });
        return Convert.ToBase64String(key!);
    }
}
