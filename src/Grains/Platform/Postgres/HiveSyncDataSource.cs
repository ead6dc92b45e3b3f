using Npgsql;

namespace HiveSync.Grains.Platform.Postgres;

/// <summary>
/// The connection pool every store uses. By default a pooled connection is reset (<c>DISCARD ALL</c>) each time it
/// goes back, which also throws away the server's prepared statements, and nothing is prepared: every query is
/// parsed and planned again. The stores keep no session state (no <c>SET</c>, temporary tables or session locks),
/// so connections go back as they are and statements used twice are prepared; a connection string may still set
/// either explicitly.
/// </summary>
public static class HiveSyncDataSource
{
    public const int PreparedStatementsPerConnection = 64;

    public static NpgsqlDataSource Create(string connectionString)
    {
        var builder = new NpgsqlDataSourceBuilder(connectionString);
        var given = new NpgsqlConnectionStringBuilder(connectionString);
        var settings = builder.ConnectionStringBuilder;
        if (!given.ContainsKey("No Reset On Close"))
        {
            settings.NoResetOnClose = true;
        }

        if (!given.ContainsKey("Max Auto Prepare"))
        {
            settings.MaxAutoPrepare = PreparedStatementsPerConnection;
            settings.AutoPrepareMinUsages = 2;
        }

        return builder.Build();
    }
}
