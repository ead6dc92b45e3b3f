using HiveSync.Grains.Auth;
using HiveSync.Grains.Interfaces.Auth;
using HiveSync.Grains.Platform;
using HiveSync.Silo.Platform;
using Npgsql;

namespace HiveSync.Silo.Admin;

/// <summary>
/// <c>dotnet run --project src/Silo -- admin grant|revoke EMAIL [settings]</c>: the only way to make or unmake an
/// admin. It uses the database a silo would with the same settings, writes the role with its audit entry, and
/// waits briefly for a running silo to confirm that the user's grain has it, so it applies from the next request.
/// </summary>
public static class AdminCommand
{
    public const int UsageError = 64;
    public const int NoSuchAccount = 1;
    private static readonly TimeSpan ConfirmationWait = TimeSpan.FromSeconds(10);

    public static bool Matches(string[] args) => args is ["admin", ..];

    public static async Task<int> RunAsync(string[] args)
    {
        if (args is not ["admin", "grant" or "revoke", var email, .. var settings] || email.StartsWith('-'))
        {
            await Console.Error.WriteLineAsync("Usage: HiveSync.Silo admin grant|revoke EMAIL [--Setting=value ...]");
            return UsageError;
        }

        var configuration = Host.CreateApplicationBuilder(settings).Configuration;
        using var logging = ConsoleLogging.CreateBootLogging(configuration);
        var database = await DatabaseBootstrap.PrepareAsync(configuration, logging.CreateLogger("HiveSync.Database"));
        try
        {
            await using var dataSource = NpgsqlDataSource.Create(database.ConnectionString);
            var grant = args[1] == "grant";
            var role = grant ? Roles.Admin : Roles.User;
            await using var confirmations = await ReloadConfirmations.ListenAsync(dataSource);
            var change = await new AdminRoles(new UserStore(dataSource), DomainClock.System).SetAsync(email, grant, $"{Environment.UserName}@{Environment.MachineName}");
            if (change is null)
            {
                await Console.Error.WriteLineAsync($"No account has the email '{email}'.");
                return NoSuchAccount;
            }

            Console.WriteLine(change.Changed ? $"User {change.UserId} ({email}) now has the role '{role}' (audited)." : $"User {change.UserId} ({email}) already had the role '{role}'.");
            Console.WriteLine(await confirmations.WaitForAsync($"{change.UserId}:{role}", ConfirmationWait)
                ? "A running silo confirmed it: it applies from the user's next request."
                : $"No running silo confirmed it within {ConfirmationWait.TotalSeconds:0} s (none may be running): it applies when a silo next loads this user.");
            return 0;
        }
        finally
        {
            if (database.Embedded is not null)
            {
                await database.Embedded.DisposeAsync();
            }
        }
    }

    /// <summary><c>Auth:AdminEmails</c> once granted admin at sign-up; a deployment that still sets it must hear it is ignored.</summary>
    public static void WarnAboutRetiredSettings(WebApplication app)
    {
        if (app.Configuration.GetSection("Auth:AdminEmails").GetChildren().Any())
        {
            app.Logger.LogWarning("Auth:AdminEmails is ignored: grant the admin role with 'HiveSync.Silo admin grant EMAIL' on the silo host.");
        }
    }

    /// <summary>Listens for <see cref="UserChanges.ReloadedChannel"/> from before the change commits, so no answer is missed.</summary>
    private sealed class ReloadConfirmations : IAsyncDisposable
    {
        private readonly NpgsqlConnection _connection;
        private readonly List<string> _heard = [];

        private ReloadConfirmations(NpgsqlConnection connection)
        {
            _connection = connection;
            _connection.Notification += (_, e) => _heard.Add(e.Payload);
        }

        public static async Task<ReloadConfirmations> ListenAsync(NpgsqlDataSource dataSource)
        {
            var confirmations = new ReloadConfirmations(await dataSource.OpenConnectionAsync());
            await using var listen = new NpgsqlCommand($"LISTEN {UserChanges.ReloadedChannel}", confirmations._connection);
            await listen.ExecuteNonQueryAsync();
            return confirmations;
        }

        public async Task<bool> WaitForAsync(string payload, TimeSpan timeout)
        {
            using var deadline = new CancellationTokenSource(timeout);
            try
            {
                while (!_heard.Contains(payload))
                {
                    await _connection.WaitAsync(deadline.Token);
                }

                return true;
            }
            catch (OperationCanceledException)
            {
                return false;
            }
        }

        public ValueTask DisposeAsync() => _connection.DisposeAsync();
    }
}
