using HiveSync.Grains.Platform.Postgres;
using Npgsql;

namespace HiveSync.Tests.Platform;

/// <summary>The private PostgreSQL a developer's <c>dotnet run</c> starts (here in throwaway folders).</summary>
public sealed class EmbeddedPostgresTests
{
    [Fact]
    public async Task Data_survives_a_stop_and_restart_of_the_same_folder()
    {
        var root = NewRoot();
        try
        {
            await using (var first = await EmbeddedPostgres.StartAsync(root, throwaway: true))
            {
                await ExecuteAsync(first.ConnectionString(), "CREATE TABLE kept (v int); INSERT INTO kept VALUES (7)");
            }

            await using var second = await EmbeddedPostgres.StartAsync(root, throwaway: true);
            await using var connection = new NpgsqlConnection(second.ConnectionString());
            await connection.OpenAsync();
            await using var read = new NpgsqlCommand("SELECT v FROM kept", connection);
            Assert.Equal(7, await read.ExecuteScalarAsync());
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    [Fact]
    public async Task A_second_start_on_a_running_folder_reuses_the_server_and_leaves_it_running()
    {
        var root = NewRoot();
        try
        {
            await using var owner = await EmbeddedPostgres.StartAsync(root, throwaway: true);
            await using (var guest = await EmbeddedPostgres.StartAsync(root, throwaway: true))
            {
                Assert.Equal(owner.Port, guest.Port);
            }

            await ExecuteAsync(owner.ConnectionString(), "SELECT 1"); // the guest's dispose did not stop it
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    [Fact]
    public async Task It_requires_a_password_and_listens_on_loopback_only()
    {
        var root = NewRoot();
        try
        {
            await using var server = await EmbeddedPostgres.StartAsync(root, throwaway: true);
            var wrong = new NpgsqlConnectionStringBuilder(server.ConnectionString()) { Password = "wrong" };

            var error = await Assert.ThrowsAsync<PostgresException>(() => ExecuteAsync(wrong.ConnectionString, "SELECT 1"));

            Assert.Equal(PostgresErrorCodes.InvalidPassword, error.SqlState);
            await using var connection = new NpgsqlConnection(server.ConnectionString());
            await connection.OpenAsync();
            await using var listen = new NpgsqlCommand("SHOW listen_addresses", connection);
            Assert.Equal("127.0.0.1", await listen.ExecuteScalarAsync());
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    [Fact]
    public async Task Missing_binaries_fail_with_a_message_that_says_what_to_install_or_configure()
    {
        var error = await Assert.ThrowsAsync<PostgresNotInstalledException>(() => EmbeddedPostgres.StartAsync(NewRoot(), binDirectory: "/nonexistent/bin"));

        Assert.Contains("apt-get install -y postgresql", error.Message, StringComparison.Ordinal);
        Assert.Contains("ConnectionStrings:Postgres", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_installed_binaries_are_found()
    {
        var bin = EmbeddedPostgres.FindBinDirectory();

        Assert.NotNull(bin);
        Assert.True(File.Exists(Path.Combine(bin, "initdb")));
    }

    private static string NewRoot() => Path.Combine(Path.GetTempPath(), "hs-pg-" + Guid.NewGuid().ToString("N")[..12]);

    private static async Task ExecuteAsync(string connectionString, string sql)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }
}
