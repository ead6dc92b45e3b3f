using System.Data;
using System.Globalization;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Npgsql;
using Orleans.Configuration;
using Orleans.Runtime.MembershipService;
using Orleans.Storage;
using HiveSync.Grains.Platform;
using HiveSync.Silo.Platform;
using Orleans.TestingHost;

namespace HiveSync.Tests.Platform;

// Tests for migration 0001_orleans.sql against the Orleans 10.4.2 ADO.NET contract
// (docs/orleans-adonet.md; its last section lists what these tests check).
//
// Most tests run the stored query texts the way the providers do: the text is read from orleansquery by key and run
// on a fresh connection with parameters added by bare name and the providers' DbTypes; the rows of every result set
// are collected. Those tests run twice: with session TimeZone UTC and with America/New_York. The last class shares
// one real in-process silo (ADO.NET clustering, grain storage and reminders on a fresh database) between its two tests.

/// <summary>One bound parameter, as the providers add it.</summary>
internal sealed record SqlParam(string Name, DbType Type, object? Value);

/// <summary>Runs stored Orleans query texts the way the ADO.NET providers do.</summary>
internal static class AdoNet
{
    public const string Invariant = "Npgsql";
    public const int Active = 3;
    public const int Dead = 6;

    public static SqlParam Str(string name, string? value) => new(name, DbType.String, value);

    public static SqlParam Ansi(string name, string value) => new(name, DbType.AnsiString, value);

    public static SqlParam Int(string name, int? value) => new(name, DbType.Int32, value);

    public static SqlParam Long(string name, long value) => new(name, DbType.Int64, value);

    public static SqlParam Bytes(string name, byte[] value) => new(name, DbType.Binary, value);

    public static SqlParam Time(string name, DateTime utc) => new(name, DbType.DateTime, utc);

    /// <summary>A fresh migrated database; the returned connection string sets the session time zone and does not pool.</summary>
    public static async Task<string> CreateDatabaseAsync(string label, string timeZone)
    {
        var connectionString = await TestPostgres.CreateDatabaseAsync(label);
        await using (var migrated = new NpgsqlConnection(connectionString))
        {
            // The migrator's idle pooled connection is not needed again; many test databases must not exhaust the server.
            NpgsqlConnection.ClearPool(migrated);
        }

        return WithTimeZone(connectionString, timeZone);
    }

    public static string WithTimeZone(string connectionString, string timeZone) =>
        new NpgsqlConnectionStringBuilder(connectionString) { Pooling = false, Options = $"-c TimeZone={timeZone}" }.ConnectionString;

    public static async Task<NpgsqlConnection> OpenAsync(string connectionString)
    {
        var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        return connection;
    }

    public static async Task<string> QueryTextAsync(string connectionString, string key)
    {
        var text = await ScalarAsync(connectionString, "SELECT querytext FROM orleansquery WHERE querykey = $1", key);
        return text as string ?? throw new InvalidOperationException($"No query text for {key}.");
    }

    /// <summary>Reads the text for <paramref name="key"/> and runs it on a new connection, like a provider call.</summary>
    public static async Task<IReadOnlyList<IReadOnlyDictionary<string, object?>>> RunAsync(string connectionString, string key, params SqlParam[] parameters)
    {
        var text = await QueryTextAsync(connectionString, key);
        await using var connection = await OpenAsync(connectionString);
        return await ExecuteAsync(connection, null, text, parameters);
    }

    public static async Task<IReadOnlyList<IReadOnlyDictionary<string, object?>>> ExecuteAsync(
        NpgsqlConnection connection, NpgsqlTransaction? transaction, string text, params SqlParam[] parameters)
    {
        await using var command = new NpgsqlCommand(text, connection, transaction);
        foreach (var parameter in parameters)
        {
            command.Parameters.Add(new NpgsqlParameter(parameter.Name, parameter.Type) { Value = parameter.Value ?? DBNull.Value });
        }

        var rows = new List<IReadOnlyDictionary<string, object?>>();
        await using var reader = await command.ExecuteReaderAsync();
        do
        {
            while (await reader.ReadAsync())
            {
                var row = new Dictionary<string, object?>(StringComparer.OrdinalIgnoreCase);
                for (var i = 0; i < reader.FieldCount; i++)
                {
                    row.Add(reader.GetName(i), reader.IsDBNull(i) ? null : reader.GetValue(i));
                }

                rows.Add(row);
            }
        }
        while (await reader.NextResultAsync());

        return rows;
    }

    /// <summary>What the providers do with a "Bool" result: the only column of the first row through Convert.ToBoolean.</summary>
    public static bool ReadBool(IReadOnlyList<IReadOnlyDictionary<string, object?>> rows)
    {
        var row = Assert.Single(rows);
        var value = Assert.Single(row).Value;
        Assert.NotNull(value);
        return Convert.ToBoolean(value, CultureInfo.InvariantCulture);
    }

    /// <summary>Plain SQL with positional ($1, $2, ...) parameters, for setting up and inspecting rows.</summary>
    public static async Task<object?> ScalarAsync(string connectionString, string sql, params object?[] args)
    {
        await using var connection = await OpenAsync(connectionString);
        await using var command = new NpgsqlCommand(sql, connection);
        foreach (var arg in args)
        {
            command.Parameters.Add(new NpgsqlParameter { Value = arg ?? DBNull.Value });
        }

        var value = await command.ExecuteScalarAsync();
        return value is DBNull ? null : value;
    }

    public static async Task<long> CountAsync(string connectionString, string sql, params object?[] args) =>
        Convert.ToInt64(await ScalarAsync(connectionString, sql, args), CultureInfo.InvariantCulture);

    /// <summary>Waits until the backend <paramref name="pid"/> waits on a lock held by another transaction.</summary>
    public static async Task WaitUntilBlockedAsync(string connectionString, int pid)
    {
        if (await Eventually.HoldsAsync(async () => await CountAsync(connectionString, "SELECT count(*) FROM pg_locks WHERE pid = $1 AND NOT granted", pid) > 0))
        {
            return;
        }

        throw new TimeoutException($"Backend {pid} never blocked on a lock.");
    }
}

/// <summary>The query table itself, time zones, and provider initialisation.</summary>
public sealed class OrleansAdoNetContractTests
{
    private static readonly string[] ClusteringKeys =
    [
        "InsertMembershipVersionKey", "UpdateIAmAlivetimeKey", "InsertMembershipKey", "UpdateMembershipKey", "MembershipReadRowKey",
        "MembershipReadAllKey", "GatewaysQueryKey", "DeleteMembershipTableEntriesKey", "CleanupDefunctSiloEntriesKey",
    ];

    private static readonly string[] ReminderKeys =
    [
        "ReadReminderRowsKey", "ReadReminderRowKey", "ReadRangeRows1Key", "ReadRangeRows2Key", "UpsertReminderRowKey",
        "DeleteReminderRowKey", "DeleteReminderRowsKey",
    ];

    private static readonly string[] StorageKeys = ["ReadFromStorageKey", "WriteToStorageKey", "ClearStorageKey", "DeleteStorageKey"];

    private static readonly string[] StorageIdentity =
        ["GrainIdHash", "GrainIdN0", "GrainIdN1", "GrainTypeHash", "GrainTypeString", "GrainIdExtensionString", "ServiceId"];

    private static readonly string[] SiloKey = ["DeploymentId", "Address", "Port", "Generation"];

    // Contract section 2: the parameters each provider binds for each key.
    private static readonly Dictionary<string, string[]> BoundParameters = new()
    {
        ["InsertMembershipVersionKey"] = ["DeploymentId"],
        ["UpdateIAmAlivetimeKey"] = [.. SiloKey, "IAmAliveTime"],
        ["InsertMembershipKey"] = [.. SiloKey, "SiloName", "HostName", "Status", "ProxyPort", "StartTime", "IAmAliveTime", "Version"],
        ["UpdateMembershipKey"] = [.. SiloKey, "Status", "SuspectTimes", "IAmAliveTime", "Version"],
        ["MembershipReadRowKey"] = SiloKey,
        ["MembershipReadAllKey"] = ["DeploymentId"],
        ["GatewaysQueryKey"] = ["DeploymentId", "Status"],
        ["DeleteMembershipTableEntriesKey"] = ["DeploymentId"],
        ["CleanupDefunctSiloEntriesKey"] = ["DeploymentId", "IAmAliveTime"],
        ["CleanupDefunctSiloEntryKey"] = [.. SiloKey, "SuspectTimes", "StartTime", "IAmAliveTime"],
        ["ReadFromStorageKey"] = StorageIdentity,
        ["WriteToStorageKey"] = [.. StorageIdentity, "GrainStateVersion", "PayloadBinary"],
        ["ClearStorageKey"] = [.. StorageIdentity, "GrainStateVersion"],
        ["DeleteStorageKey"] = [.. StorageIdentity, "GrainStateVersion"],
        ["ReadReminderRowsKey"] = ["ServiceId", "GrainId"],
        ["ReadReminderRowKey"] = ["ServiceId", "GrainId", "ReminderName"],
        ["ReadRangeRows1Key"] = ["ServiceId", "BeginHash", "EndHash"],
        ["ReadRangeRows2Key"] = ["ServiceId", "BeginHash", "EndHash"],
        ["UpsertReminderRowKey"] = ["ServiceId", "GrainId", "ReminderName", "StartTime", "Period", "GrainHash"],
        ["DeleteReminderRowKey"] = ["ServiceId", "GrainId", "ReminderName", "Version"],
        ["DeleteReminderRowsKey"] = ["ServiceId"],
    };

    [Fact]
    public async Task QueryTable_HoldsEveryKey_AndEachTextUsesOnlyItsBoundParameters()
    {
        var cs = await AdoNet.CreateDatabaseAsync("querykeys", "UTC");
        var texts = new Dictionary<string, string>(StringComparer.Ordinal);
        await using (var connection = await AdoNet.OpenAsync(cs))
        {
            // The providers' own loading statement.
            await using var command = new NpgsqlCommand("SELECT QueryKey, QueryText FROM OrleansQuery", connection);
            await using var reader = await command.ExecuteReaderAsync();
            while (await reader.ReadAsync())
            {
                texts.Add(reader.GetString(reader.GetOrdinal("QueryKey")), reader.GetString(reader.GetOrdinal("QueryText")));
            }
        }

        // Keys are matched exactly and case-sensitively: all required ones plus the optional per-row cleanup.
        Assert.Equal(BoundParameters.Keys.Order(StringComparer.Ordinal), texts.Keys.Order(StringComparer.Ordinal));
        Assert.Subset(texts.Keys.ToHashSet(StringComparer.Ordinal), ClusteringKeys.Concat(ReminderKeys).Concat(StorageKeys).ToHashSet(StringComparer.Ordinal));

        foreach (var (key, text) in texts)
        {
            // An @name with no bound parameter is a run-time error, so each text may use only what its key binds.
            var used = Regex.Matches(text, @"@(\w+)").Select(m => m.Groups[1].Value).ToHashSet(StringComparer.OrdinalIgnoreCase);
            var allowed = BoundParameters[key].ToHashSet(StringComparer.OrdinalIgnoreCase);
            Assert.True(used.IsSubsetOf(allowed), $"{key} uses {string.Join(", ", used.Except(allowed))}, which 10.4.2 does not bind.");
            Assert.DoesNotContain("MetadataJson", text, StringComparison.OrdinalIgnoreCase);
        }
    }

    [Fact]
    public async Task ClusteringProvider_WithAnEmptyQueryTable_FailsNamingTheMissingKeys()
    {
        var cs = await TestPostgres.CreateEmptyDatabaseAsync("emptyquerytable");
        await AdoNet.ScalarAsync(cs, "CREATE TABLE orleansquery (querykey varchar(64) PRIMARY KEY, querytext text NOT NULL)");
        var table = new AdoNetClusteringTable(
            new ServiceCollection().BuildServiceProvider(),
            Options.Create(new ClusterOptions { ClusterId = "empty", ServiceId = "empty" }),
            Options.Create(new AdoNetClusteringSiloOptions { Invariant = AdoNet.Invariant, ConnectionString = cs }),
            NullLogger<AdoNetClusteringTable>.Instance);

        var error = await Assert.ThrowsAnyAsync<Exception>(() => table.InitializeMembershipTableAsync(true));
        var message = error.GetBaseException().Message;
        Assert.Contains("Missing are", message, StringComparison.Ordinal);
        Assert.Contains("InsertMembershipKey", message, StringComparison.Ordinal);
        Assert.Contains("CleanupDefunctSiloEntriesKey", message, StringComparison.Ordinal);
        Assert.DoesNotContain("CleanupDefunctSiloEntryKey", message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ClusteringProvider_InitialisesOnTheMigratedSchema_AndCreatesTheVersionRowOnce()
    {
        var cs = await AdoNet.CreateDatabaseAsync("clusteringinit", "UTC");
        AdoNetClusteringTable NewTable() => new(
            new ServiceCollection().BuildServiceProvider(),
            Options.Create(new ClusterOptions { ClusterId = "init", ServiceId = "init" }),
            Options.Create(new AdoNetClusteringSiloOptions { Invariant = AdoNet.Invariant, ConnectionString = cs }),
            NullLogger<AdoNetClusteringTable>.Instance);

        // Two silos starting at once: both initialise, one version row.
        var (first, second) = (NewTable(), NewTable());
        await Task.WhenAll(first.InitializeMembershipTableAsync(true), second.InitializeMembershipTableAsync(true));
        var data = await second.ReadAllAsync();
        Assert.Empty(data.Members);
        Assert.Equal(0, data.Version.Version);
        Assert.Equal(1, await AdoNet.CountAsync(cs, "SELECT count(*) FROM orleansmembershipversiontable WHERE deploymentid = 'init'"));
    }

    [Fact]
    public async Task StoredTimes_DoNotDependOnTheSessionTimeZone()
    {
        var newYork = await AdoNet.CreateDatabaseAsync("timezone", "America/New_York");
        var utc = AdoNet.WithTimeZone(newYork, "UTC");
        Assert.Equal("America/New_York", await AdoNet.ScalarAsync(newYork, "SHOW TimeZone"));

        var start = new DateTime(2026, 1, 15, 10, 30, 45, 123, DateTimeKind.Utc);
        var alive = start.AddMinutes(7);
        var reminderStart = new DateTime(2026, 7, 1, 23, 59, 59, 999, DateTimeKind.Utc); // summer time in New York
        Assert.True(AdoNet.ReadBool(await AdoNet.RunAsync(newYork, "InsertMembershipVersionKey", AdoNet.Str("DeploymentId", "tz"))));
        Assert.True(AdoNet.ReadBool(await AdoNet.RunAsync(newYork, "InsertMembershipKey",
            AdoNet.Str("DeploymentId", "tz"), AdoNet.Ansi("Address", "10.0.0.1"), AdoNet.Int("Port", 11111), AdoNet.Int("Generation", 1),
            AdoNet.Str("SiloName", "s"), AdoNet.Str("HostName", "h"), AdoNet.Int("Status", AdoNet.Active), AdoNet.Int("ProxyPort", 30000),
            AdoNet.Time("StartTime", start), AdoNet.Time("IAmAliveTime", alive), AdoNet.Int("Version", 0))));
        await AdoNet.RunAsync(newYork, "UpsertReminderRowKey", AdoNet.Str("ServiceId", "svc"), AdoNet.Str("GrainId", "g/1"),
            AdoNet.Str("ReminderName", "r"), AdoNet.Time("StartTime", reminderStart), AdoNet.Int("Period", 60_000), AdoNet.Int("GrainHash", 5));
        await AdoNet.RunAsync(newYork, "WriteToStorageKey", AdoNet.Int("GrainIdHash", 1), AdoNet.Long("GrainIdN0", 0), AdoNet.Long("GrainIdN1", 1),
            AdoNet.Int("GrainTypeHash", 2), AdoNet.Str("GrainTypeString", "state"), AdoNet.Str("GrainIdExtensionString", null),
            AdoNet.Str("ServiceId", "svc"), AdoNet.Int("GrainStateVersion", null), AdoNet.Bytes("PayloadBinary", [1]));

        foreach (var session in new[] { newYork, utc })
        {
            var member = Assert.Single(await AdoNet.RunAsync(session, "MembershipReadAllKey", AdoNet.Str("DeploymentId", "tz")));
            Assert.Equal(start, member["StartTime"]);
            Assert.Equal(DateTimeKind.Utc, ((DateTime)member["StartTime"]!).Kind);
            Assert.Equal(alive, member["IAmAliveTime"]);
            var reminder = Assert.Single(await AdoNet.RunAsync(session, "ReadReminderRowKey",
                AdoNet.Str("ServiceId", "svc"), AdoNet.Str("GrainId", "g/1"), AdoNet.Str("ReminderName", "r")));
            Assert.Equal(reminderStart, reminder["StartTime"]);

            // The instant itself, independent of any client-side conversion.
            Assert.Equal(
                new DateTimeOffset(start).ToUnixTimeMilliseconds() / 1000m,
                await AdoNet.ScalarAsync(session, "SELECT extract(epoch FROM starttime) FROM orleansmembershiptable"));
            Assert.True(Convert.ToDouble(await AdoNet.ScalarAsync(session,
                "SELECT abs(extract(epoch FROM now() - modifiedon)) FROM orleansstorage"), CultureInfo.InvariantCulture) < 600);
        }
    }
}

/// <summary>Clustering texts: version row, compare-and-set insert and update, heartbeat, reads, gateways, cleanup.</summary>
public sealed class OrleansAdoNetMembershipTests
{
    private static readonly DateTime T0 = new(2026, 1, 15, 10, 30, 45, 123, DateTimeKind.Utc);

    public static TheoryData<string> TimeZones => new() { "UTC", "America/New_York" };

    private sealed record Silo(string Address, int Port, int Generation, int Status = AdoNet.Active, int ProxyPort = 30000,
        string SiloName = "silo", string HostName = "host")
    {
        public DateTime StartTime { get; init; } = T0;

        public DateTime IAmAliveTime { get; init; } = T0.AddSeconds(5);

        public SqlParam[] Key(string deployment) =>
        [
            AdoNet.Str("DeploymentId", deployment), AdoNet.Ansi("Address", Address), AdoNet.Int("Port", Port), AdoNet.Int("Generation", Generation),
        ];
    }

    private static async Task CreateClusterAsync(string cs, string deployment) =>
        Assert.True(AdoNet.ReadBool(await AdoNet.RunAsync(cs, "InsertMembershipVersionKey", AdoNet.Str("DeploymentId", deployment))));

    private static SqlParam[] InsertParams(string deployment, Silo silo, int version) =>
    [
        .. silo.Key(deployment), AdoNet.Str("SiloName", silo.SiloName), AdoNet.Str("HostName", silo.HostName),
        AdoNet.Int("Status", silo.Status), AdoNet.Int("ProxyPort", silo.ProxyPort), AdoNet.Time("StartTime", silo.StartTime),
        AdoNet.Time("IAmAliveTime", silo.IAmAliveTime), AdoNet.Int("Version", version),
    ];

    private static SqlParam[] UpdateParams(string deployment, Silo silo, int status, string? suspectTimes, DateTime alive, int version) =>
    [
        .. silo.Key(deployment), AdoNet.Int("Status", status), AdoNet.Str("SuspectTimes", suspectTimes),
        AdoNet.Time("IAmAliveTime", alive), AdoNet.Int("Version", version),
    ];

    private static async Task<bool> InsertAsync(string cs, string deployment, Silo silo, int version) =>
        AdoNet.ReadBool(await AdoNet.RunAsync(cs, "InsertMembershipKey", InsertParams(deployment, silo, version)));

    private static async Task<bool> UpdateAsync(string cs, string deployment, Silo silo, int status, string? suspectTimes, DateTime alive, int version) =>
        AdoNet.ReadBool(await AdoNet.RunAsync(cs, "UpdateMembershipKey", UpdateParams(deployment, silo, status, suspectTimes, alive, version)));

    private static async Task<int> VersionAsync(string cs, string deployment) =>
        Convert.ToInt32(await AdoNet.ScalarAsync(cs, "SELECT version FROM orleansmembershipversiontable WHERE deploymentid = $1", deployment),
            CultureInfo.InvariantCulture);

    private static async Task<IReadOnlyDictionary<string, object?>> ReadRowAsync(string cs, string deployment, Silo silo) =>
        Assert.Single(await AdoNet.RunAsync(cs, "MembershipReadRowKey", silo.Key(deployment)));

    private static Task<long> MemberCountAsync(string cs, string deployment) =>
        AdoNet.CountAsync(cs, "SELECT count(*) FROM orleansmembershiptable WHERE deploymentid = $1", deployment);

    [Theory]
    [MemberData(nameof(TimeZones))]
    public async Task InsertMembershipVersion_CreatesTheRowOnce_WithVersionZero(string timeZone)
    {
        var cs = await AdoNet.CreateDatabaseAsync("mversion", timeZone);
        Assert.True(AdoNet.ReadBool(await AdoNet.RunAsync(cs, "InsertMembershipVersionKey", AdoNet.Str("DeploymentId", "c1"))));
        Assert.False(AdoNet.ReadBool(await AdoNet.RunAsync(cs, "InsertMembershipVersionKey", AdoNet.Str("DeploymentId", "c1"))));
        Assert.Equal(1, await AdoNet.CountAsync(cs, "SELECT count(*) FROM orleansmembershipversiontable WHERE deploymentid = 'c1'"));
        Assert.Equal(0, await VersionAsync(cs, "c1"));

        // Several silos of a new cluster starting at once: all succeed, exactly one created the row.
        var created = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Task.Run(async () =>
            AdoNet.ReadBool(await AdoNet.RunAsync(cs, "InsertMembershipVersionKey", AdoNet.Str("DeploymentId", "c2"))))));
        Assert.Single(created, c => c);
        Assert.Equal(0, await VersionAsync(cs, "c2"));
    }

    [Theory]
    [MemberData(nameof(TimeZones))]
    public async Task InsertMembership_IsACompareAndSetOnTheClusterVersion(string timeZone)
    {
        var cs = await AdoNet.CreateDatabaseAsync("minsert", timeZone);
        await CreateClusterAsync(cs, "c1");
        var a = new Silo("10.0.0.1", 11111, 100, SiloName: "silo-a", HostName: "host-a");
        var b = new Silo("10.0.0.2", 11111, 200);

        Assert.True(await InsertAsync(cs, "c1", a, 0));
        Assert.Equal(1, await VersionAsync(cs, "c1"));

        // A second silo with the stale version loses, leaves no row behind and does not move the version.
        Assert.False(await InsertAsync(cs, "c1", b, 0));
        Assert.Null((await ReadRowAsync(cs, "c1", b))["StartTime"]);
        Assert.Equal(1, await VersionAsync(cs, "c1"));

        Assert.True(await InsertAsync(cs, "c1", b, 1));
        Assert.Equal(2, await VersionAsync(cs, "c1"));

        // No version row for the cluster: nothing to compare against.
        Assert.False(await InsertAsync(cs, "nocluster", a, 0));
        Assert.Equal(0, await MemberCountAsync(cs, "nocluster"));

        // Insert stores no suspicions and exactly what it was given.
        var row = await ReadRowAsync(cs, "c1", a);
        Assert.Equal("10.0.0.1", row["Address"]);
        Assert.Equal(11111, row["Port"]);
        Assert.Equal(100, row["Generation"]);
        Assert.Equal("silo-a", row["SiloName"]);
        Assert.Equal("host-a", row["HostName"]);
        Assert.Equal(AdoNet.Active, row["Status"]);
        Assert.Equal(30000, row["ProxyPort"]);
        Assert.Null(row["SuspectTimes"]);
        Assert.Equal(a.StartTime, row["StartTime"]);
        Assert.Equal(a.IAmAliveTime, row["IAmAliveTime"]);
        Assert.Equal(2, row["Version"]);
    }

    [Theory]
    [MemberData(nameof(TimeZones))]
    public async Task InsertMembership_OfAnExistingSilo_ReturnsFalse_AndKeepsTheVersion(string timeZone)
    {
        var cs = await AdoNet.CreateDatabaseAsync("mduplicate", timeZone);
        await CreateClusterAsync(cs, "c1");
        var a = new Silo("10.0.0.1", 11111, 100, SiloName: "first");
        Assert.True(await InsertAsync(cs, "c1", a, 0));

        Assert.False(await InsertAsync(cs, "c1", a with { SiloName = "second" }, 1));
        Assert.Equal(1, await VersionAsync(cs, "c1"));
        Assert.Equal("first", (await ReadRowAsync(cs, "c1", a))["SiloName"]);
        Assert.Equal(1, await MemberCountAsync(cs, "c1"));
    }

    [Theory]
    [MemberData(nameof(TimeZones))]
    public async Task InsertMembership_ConcurrentWithTheSameVersion_ExactlyOneWins(string timeZone)
    {
        var cs = await AdoNet.CreateDatabaseAsync("minsertrace", timeZone);
        await CreateClusterAsync(cs, "c1");
        var results = await Task.WhenAll(Enumerable.Range(1, 8).Select(i => Task.Run(() =>
            InsertAsync(cs, "c1", new Silo($"10.0.0.{i}", 11111, i), 0))));
        Assert.Single(results, r => r);
        Assert.Equal(1, await MemberCountAsync(cs, "c1"));
        Assert.Equal(1, await VersionAsync(cs, "c1"));

        // Deterministic interleaving: the second silo waits for the first one's lock, re-checks the version and loses.
        var text = await AdoNet.QueryTextAsync(cs, "InsertMembershipKey");
        var x = new Silo("10.0.1.1", 11111, 1);
        var y = new Silo("10.0.1.2", 11111, 1);
        await using var first = await AdoNet.OpenAsync(cs);
        await using var transaction = await first.BeginTransactionAsync();
        Assert.True(AdoNet.ReadBool(await AdoNet.ExecuteAsync(first, transaction, text, InsertParams("c1", x, 1))));
        await using var second = await AdoNet.OpenAsync(cs);
        var pending = AdoNet.ExecuteAsync(second, null, text, InsertParams("c1", y, 1));
        await AdoNet.WaitUntilBlockedAsync(cs, second.ProcessID);
        await transaction.CommitAsync();
        Assert.False(AdoNet.ReadBool(await pending));
        Assert.Null((await ReadRowAsync(cs, "c1", y))["StartTime"]);
        Assert.Equal(2, await MemberCountAsync(cs, "c1"));
        Assert.Equal(2, await VersionAsync(cs, "c1"));
    }

    [Theory]
    [MemberData(nameof(TimeZones))]
    public async Task UpdateMembership_ConcurrentWithTheSameVersion_ExactlyOneWins(string timeZone)
    {
        var cs = await AdoNet.CreateDatabaseAsync("mupdaterace", timeZone);
        await CreateClusterAsync(cs, "c1");
        var a = new Silo("10.0.0.1", 11111, 1);
        Assert.True(await InsertAsync(cs, "c1", a, 0));

        // A burst of writers that all read version 1.
        var results = await Task.WhenAll(Enumerable.Range(0, 8).Select(i => Task.Run(() =>
            UpdateAsync(cs, "c1", a, AdoNet.Active, $"vote-{i}", T0.AddMinutes(i), 1))));
        var winner = Assert.Single(Enumerable.Range(0, 8), i => results[i]);
        Assert.Equal(2, await VersionAsync(cs, "c1"));
        Assert.Equal($"vote-{winner}", (await ReadRowAsync(cs, "c1", a))["SuspectTimes"]);

        // Deterministic interleaving: the second writer waits for the first one's lock, re-checks and loses.
        var text = await AdoNet.QueryTextAsync(cs, "UpdateMembershipKey");
        await using var first = await AdoNet.OpenAsync(cs);
        await using var transaction = await first.BeginTransactionAsync();
        Assert.True(AdoNet.ReadBool(await AdoNet.ExecuteAsync(first, transaction, text,
            UpdateParams("c1", a, AdoNet.Dead, "first", T0.AddHours(1), 2))));
        await using var second = await AdoNet.OpenAsync(cs);
        var pending = AdoNet.ExecuteAsync(second, null, text, UpdateParams("c1", a, AdoNet.Active, "second", T0.AddHours(2), 2));
        await AdoNet.WaitUntilBlockedAsync(cs, second.ProcessID);
        await transaction.CommitAsync();
        Assert.False(AdoNet.ReadBool(await pending));

        var row = await ReadRowAsync(cs, "c1", a);
        Assert.Equal(3, row["Version"]);
        Assert.Equal("first", row["SuspectTimes"]);
        Assert.Equal(AdoNet.Dead, row["Status"]);
    }

    [Theory]
    [MemberData(nameof(TimeZones))]
    public async Task UpdateMembership_WritesOnlyStatusSuspicionsAndLiveness_AndFailsWithoutBumping(string timeZone)
    {
        var cs = await AdoNet.CreateDatabaseAsync("mupdate", timeZone);
        await CreateClusterAsync(cs, "c1");
        var a = new Silo("10.0.0.1", 11111, 1, ProxyPort: 30001, SiloName: "silo-a", HostName: "host-a");
        Assert.True(await InsertAsync(cs, "c1", a, 0));

        // The runtime's opaque format; it must come back byte for byte.
        const string suspicions = "10.0.0.2:11111@2,2026-01-15 10:31:00.000 GMT|10.0.0.3:11111@3,2026-01-15 10:31:05.250 GMT";
        var alive = T0.AddMinutes(1);
        Assert.True(await UpdateAsync(cs, "c1", a, 4, suspicions, alive, 1));
        var row = await ReadRowAsync(cs, "c1", a);
        Assert.Equal(4, row["Status"]);
        Assert.Equal(suspicions, row["SuspectTimes"]);
        Assert.Equal(alive, row["IAmAliveTime"]);
        Assert.Equal("silo-a", row["SiloName"]);
        Assert.Equal("host-a", row["HostName"]);
        Assert.Equal(30001, row["ProxyPort"]);
        Assert.Equal(a.StartTime, row["StartTime"]);
        Assert.Equal(2, row["Version"]);

        // Stale version: false, nothing changes.
        Assert.False(await UpdateAsync(cs, "c1", a, AdoNet.Dead, null, alive, 1));
        Assert.Equal(4, (await ReadRowAsync(cs, "c1", a))["Status"]);
        Assert.Equal(2, await VersionAsync(cs, "c1"));

        // Missing silo row with the current version: false, and the version is not bumped.
        Assert.False(await UpdateAsync(cs, "c1", new Silo("10.0.0.9", 11111, 9), AdoNet.Dead, null, alive, 2));
        Assert.Equal(2, await VersionAsync(cs, "c1"));

        // NULL suspicions are stored as NULL.
        Assert.True(await UpdateAsync(cs, "c1", a, AdoNet.Dead, null, alive, 2));
        Assert.Null((await ReadRowAsync(cs, "c1", a))["SuspectTimes"]);
        Assert.Equal(3, await VersionAsync(cs, "c1"));
    }

    [Theory]
    [MemberData(nameof(TimeZones))]
    public async Task Heartbeat_ChangesOnlyIAmAliveTime_AndAnUpdateStillSucceedsWithTheVersionReadBefore(string timeZone)
    {
        var cs = await AdoNet.CreateDatabaseAsync("mheartbeat", timeZone);
        await CreateClusterAsync(cs, "c1");
        var a = new Silo("10.0.0.1", 11111, 1);
        Assert.True(await InsertAsync(cs, "c1", a, 0));
        var versionBefore = (int)(await ReadRowAsync(cs, "c1", a))["Version"]!;

        var heartbeat = T0.AddMinutes(3);
        Assert.Empty(await AdoNet.RunAsync(cs, "UpdateIAmAlivetimeKey", [.. a.Key("c1"), AdoNet.Time("IAmAliveTime", heartbeat)]));
        var row = await ReadRowAsync(cs, "c1", a);
        Assert.Equal(heartbeat, row["IAmAliveTime"]);
        Assert.Equal(AdoNet.Active, row["Status"]);
        Assert.Equal(a.StartTime, row["StartTime"]);
        Assert.Equal(versionBefore, row["Version"]);

        // A heartbeat for a silo that has no row is not an error and changes nothing.
        var ghost = new Silo("10.0.0.9", 11111, 9);
        Assert.Empty(await AdoNet.RunAsync(cs, "UpdateIAmAlivetimeKey", [.. ghost.Key("c1"), AdoNet.Time("IAmAliveTime", heartbeat)]));
        Assert.Equal(1, await MemberCountAsync(cs, "c1"));

        Assert.True(await UpdateAsync(cs, "c1", a, AdoNet.Active, null, heartbeat, versionBefore));
    }

    [Theory]
    [MemberData(nameof(TimeZones))]
    public async Task Reads_ReturnTheVersionOnEveryRow_AndOneEmptyMemberRowWhenNothingMatches(string timeZone)
    {
        var cs = await AdoNet.CreateDatabaseAsync("mread", timeZone);

        // No version row at all: no rows (the provider then fails, as it should for an uninitialised cluster).
        Assert.Empty(await AdoNet.RunAsync(cs, "MembershipReadAllKey", AdoNet.Str("DeploymentId", "c1")));

        await CreateClusterAsync(cs, "c1");
        var empty = Assert.Single(await AdoNet.RunAsync(cs, "MembershipReadAllKey", AdoNet.Str("DeploymentId", "c1")));
        Assert.Null(empty["StartTime"]);
        Assert.Null(empty["Address"]);
        Assert.Equal(0, empty["Version"]);
        foreach (var column in new[] { "DeploymentId", "Address", "Port", "Generation", "SiloName", "HostName", "Status", "ProxyPort", "SuspectTimes", "StartTime", "IAmAliveTime", "Version" })
        {
            Assert.True(empty.ContainsKey(column), $"MembershipReadAllKey returns no {column} column.");
        }

        var a = new Silo("10.0.0.1", 11111, 1);
        var b = new Silo("10.0.0.2", 22222, 2);
        var unknown = new Silo("10.0.0.1", 11111, 99); // same endpoint, other generation
        var emptyRow = await ReadRowAsync(cs, "c1", unknown);
        Assert.Null(emptyRow["StartTime"]);
        Assert.Equal(0, emptyRow["Version"]);

        Assert.True(await InsertAsync(cs, "c1", a, 0));
        Assert.True(await InsertAsync(cs, "c1", b, 1));
        await CreateClusterAsync(cs, "c2");
        Assert.True(await InsertAsync(cs, "c2", new Silo("10.0.0.3", 33333, 3), 0));

        var all = await AdoNet.RunAsync(cs, "MembershipReadAllKey", AdoNet.Str("DeploymentId", "c1"));
        Assert.Equal(2, all.Count);
        Assert.All(all, r => Assert.Equal(2, r["Version"]));
        Assert.Equal(["10.0.0.1", "10.0.0.2"], all.Select(r => (string)r["Address"]!).Order(StringComparer.Ordinal));

        var one = await ReadRowAsync(cs, "c1", b);
        Assert.Equal(22222, one["Port"]);
        Assert.Equal(2, one["Version"]);
        var stillEmpty = await ReadRowAsync(cs, "c1", unknown);
        Assert.Null(stillEmpty["StartTime"]);
        Assert.Equal(2, stillEmpty["Version"]);
    }

    [Theory]
    [MemberData(nameof(TimeZones))]
    public async Task Gateways_AreActiveSilosWithAProxyPort(string timeZone)
    {
        var cs = await AdoNet.CreateDatabaseAsync("mgateways", timeZone);
        await CreateClusterAsync(cs, "c1");
        await CreateClusterAsync(cs, "c2");
        Assert.True(await InsertAsync(cs, "c1", new Silo("10.0.0.1", 11111, 1, AdoNet.Active, 30001), 0));
        Assert.True(await InsertAsync(cs, "c1", new Silo("10.0.0.2", 11111, 2, AdoNet.Active, 0), 1));
        Assert.True(await InsertAsync(cs, "c1", new Silo("10.0.0.3", 11111, 3, 2, 30003), 2));
        Assert.True(await InsertAsync(cs, "c1", new Silo("10.0.0.4", 11111, 4, AdoNet.Dead, 30004), 3));
        Assert.True(await InsertAsync(cs, "c2", new Silo("10.0.0.5", 11111, 5, AdoNet.Active, 30005), 0));

        var gateway = Assert.Single(await AdoNet.RunAsync(cs, "GatewaysQueryKey", AdoNet.Str("DeploymentId", "c1"), AdoNet.Int("Status", AdoNet.Active)));
        Assert.Equal("10.0.0.1", gateway["Address"]);
        Assert.Equal(30001, gateway["ProxyPort"]);
        Assert.Equal(1, gateway["Generation"]);
    }

    [Theory]
    [MemberData(nameof(TimeZones))]
    public async Task CleanupDefunctSiloEntries_RemovesOnlyOldDeadRows(string timeZone)
    {
        var cs = await AdoNet.CreateDatabaseAsync("mcleanup", timeZone);
        var cutoff = new DateTime(2026, 1, 10, 0, 0, 0, DateTimeKind.Utc);
        var old = new Silo("0.0.0.0", 1, 1) { StartTime = cutoff.AddDays(-10), IAmAliveTime = cutoff.AddDays(-5) };
        await CreateClusterAsync(cs, "c1");
        await CreateClusterAsync(cs, "c2");
        var version = 0;
        var silos = new Dictionary<string, Silo>
        {
            ["deadOld"] = old with { Address = "10.0.0.1", Status = AdoNet.Dead },
            ["deadAliveAfterCutoff"] = old with { Address = "10.0.0.2", Status = AdoNet.Dead, IAmAliveTime = cutoff.AddHours(1) },
            ["activeOld"] = old with { Address = "10.0.0.3", Status = AdoNet.Active },
            ["shuttingDownOld"] = old with { Address = "10.0.0.4", Status = 4 },
        };
        foreach (var silo in silos.Values)
        {
            Assert.True(await InsertAsync(cs, "c1", silo, version++));
        }

        Assert.True(await InsertAsync(cs, "c2", silos["deadOld"], 0));

        Assert.Empty(await AdoNet.RunAsync(cs, "CleanupDefunctSiloEntriesKey", AdoNet.Str("DeploymentId", "c1"), AdoNet.Time("IAmAliveTime", cutoff)));

        Assert.Null((await ReadRowAsync(cs, "c1", silos["deadOld"]))["StartTime"]);
        foreach (var kept in new[] { "deadAliveAfterCutoff", "activeOld", "shuttingDownOld" })
        {
            Assert.NotNull((await ReadRowAsync(cs, "c1", silos[kept]))["StartTime"]);
        }

        Assert.Equal(1, await MemberCountAsync(cs, "c2"));
        Assert.Equal(version, await VersionAsync(cs, "c1"));
    }

    [Theory]
    [MemberData(nameof(TimeZones))]
    public async Task CleanupDefunctSiloEntry_DeletesADeadRowOnlyIfItIsUnchangedSinceTheRead(string timeZone)
    {
        var cs = await AdoNet.CreateDatabaseAsync("mcleanupone", timeZone);
        await CreateClusterAsync(cs, "c1");
        var start = new DateTime(2026, 1, 1, 8, 0, 0, 250, DateTimeKind.Utc);
        var version = 0;
        async Task<Silo> AddAsync(string address, int status, string? suspicions)
        {
            var silo = new Silo(address, 11111, 1, status) { StartTime = start, IAmAliveTime = start.AddMinutes(1) };
            Assert.True(await InsertAsync(cs, "c1", silo, version++));
            if (suspicions is not null)
            {
                Assert.True(await UpdateAsync(cs, "c1", silo, status, suspicions, silo.IAmAliveTime, version++));
            }

            return silo;
        }

        // What the runtime binds: the values of the entry as it read them.
        Task CleanupAsync(Silo silo, string? suspicions, DateTime? alive = null) => AdoNet.RunAsync(cs, "CleanupDefunctSiloEntryKey",
        [
            .. silo.Key("c1"), AdoNet.Str("SuspectTimes", suspicions), AdoNet.Time("StartTime", silo.StartTime),
            AdoNet.Time("IAmAliveTime", alive ?? silo.IAmAliveTime),
        ]);
        async Task<bool> ExistsAsync(Silo silo) => (await ReadRowAsync(cs, "c1", silo))["StartTime"] is not null;

        var deadNoSuspicions = await AddAsync("10.0.0.1", AdoNet.Dead, null);
        await CleanupAsync(deadNoSuspicions, null);
        Assert.False(await ExistsAsync(deadNoSuspicions));

        var deadEmptySuspicions = await AddAsync("10.0.0.2", AdoNet.Dead, "");
        await CleanupAsync(deadEmptySuspicions, null); // '' and NULL are the same "no suspicions"
        Assert.False(await ExistsAsync(deadEmptySuspicions));

        var heartbeatAfterRead = await AddAsync("10.0.0.3", AdoNet.Dead, "s1");
        await AdoNet.RunAsync(cs, "UpdateIAmAlivetimeKey", [.. heartbeatAfterRead.Key("c1"), AdoNet.Time("IAmAliveTime", start.AddMinutes(30))]);
        await CleanupAsync(heartbeatAfterRead, "s1");
        Assert.True(await ExistsAsync(heartbeatAfterRead));
        await CleanupAsync(heartbeatAfterRead, "s1", start.AddMinutes(30));
        Assert.False(await ExistsAsync(heartbeatAfterRead));

        var suspicionsChanged = await AddAsync("10.0.0.4", AdoNet.Dead, "s2");
        await CleanupAsync(suspicionsChanged, "s1");
        Assert.True(await ExistsAsync(suspicionsChanged));
        await CleanupAsync(suspicionsChanged, null);
        Assert.True(await ExistsAsync(suspicionsChanged));

        var startChanged = await AddAsync("10.0.0.5", AdoNet.Dead, null);
        await CleanupAsync(startChanged with { StartTime = start.AddMilliseconds(1) }, null);
        Assert.True(await ExistsAsync(startChanged));

        var active = await AddAsync("10.0.0.6", AdoNet.Active, null);
        await CleanupAsync(active, null);
        Assert.True(await ExistsAsync(active));

        Assert.Equal(version, await VersionAsync(cs, "c1"));
    }

    [Theory]
    [MemberData(nameof(TimeZones))]
    public async Task DeleteMembershipTableEntries_RemovesTheClusterAndItsVersion_Only(string timeZone)
    {
        var cs = await AdoNet.CreateDatabaseAsync("mdelete", timeZone);
        await CreateClusterAsync(cs, "c1");
        await CreateClusterAsync(cs, "c2");
        Assert.True(await InsertAsync(cs, "c1", new Silo("10.0.0.1", 1, 1), 0));
        Assert.True(await InsertAsync(cs, "c1", new Silo("10.0.0.2", 1, 1), 1));
        Assert.True(await InsertAsync(cs, "c2", new Silo("10.0.0.3", 1, 1), 0));

        Assert.Empty(await AdoNet.RunAsync(cs, "DeleteMembershipTableEntriesKey", AdoNet.Str("DeploymentId", "c1")));

        Assert.Equal(0, await MemberCountAsync(cs, "c1"));
        Assert.Equal(0, await AdoNet.CountAsync(cs, "SELECT count(*) FROM orleansmembershipversiontable WHERE deploymentid = 'c1'"));
        Assert.Equal(1, await MemberCountAsync(cs, "c2"));
        Assert.Equal(1, await VersionAsync(cs, "c2"));
        Assert.True(AdoNet.ReadBool(await AdoNet.RunAsync(cs, "InsertMembershipVersionKey", AdoNet.Str("DeploymentId", "c1"))));
    }
}

/// <summary>Persistence texts: ETag semantics, the first-write race, clear and delete, row identity.</summary>
public sealed class OrleansAdoNetStorageTests
{
    public static TheoryData<string> TimeZones => new() { "UTC", "America/New_York" };

    private sealed record Key(string ServiceId, string TypeString, long N0, long N1, string? Extension, int IdHash = 11, int TypeHash = 22)
    {
        public SqlParam[] Identity =>
        [
            AdoNet.Int("GrainIdHash", IdHash), AdoNet.Long("GrainIdN0", N0), AdoNet.Long("GrainIdN1", N1), AdoNet.Int("GrainTypeHash", TypeHash),
            AdoNet.Str("GrainTypeString", TypeString), AdoNet.Str("GrainIdExtensionString", Extension), AdoNet.Str("ServiceId", ServiceId),
        ];
    }

    private static readonly Key Grain = new("svc", "state", 0x1122334455667788, -42, null);

    private static SqlParam[] WriteParams(Key key, int? version, byte[] payload) =>
        [.. key.Identity, AdoNet.Int("GrainStateVersion", version), AdoNet.Bytes("PayloadBinary", payload)];

    /// <summary>The result as the provider reads it: one row, NewGrainStateVersion as a nullable int.</summary>
    private static int? NewVersion(IReadOnlyList<IReadOnlyDictionary<string, object?>> rows)
    {
        var row = Assert.Single(rows);
        Assert.True(row.ContainsKey("NewGrainStateVersion"));
        return row["NewGrainStateVersion"] is { } value ? Convert.ToInt32(value, CultureInfo.InvariantCulture) : null;
    }

    private static async Task<int?> WriteAsync(string cs, Key key, int? version, byte[] payload) =>
        NewVersion(await AdoNet.RunAsync(cs, "WriteToStorageKey", WriteParams(key, version, payload)));

    private sealed record Stored(byte[]? Payload, int Version);

    private static byte[] Bytes(params byte[] values) => values;

    /// <summary>The row as the provider reads it (more than one row would make it throw), or null.</summary>
    private static async Task<Stored?> ReadAsync(string cs, Key key)
    {
        var rows = await AdoNet.RunAsync(cs, "ReadFromStorageKey", key.Identity);
        if (rows.Count == 0)
        {
            return null;
        }

        var row = Assert.Single(rows);
        return new Stored((byte[]?)row["PayloadBinary"], Assert.IsType<int>(row["Version"]));
    }

    private static async Task<Stored> ReadExistingAsync(string cs, Key key) =>
        await ReadAsync(cs, key) ?? throw new InvalidOperationException("No row.");

    private static Task<long> RowCountAsync(string cs) => AdoNet.CountAsync(cs, "SELECT count(*) FROM orleansstorage");

    [Theory]
    [MemberData(nameof(TimeZones))]
    public async Task Write_InsertsVersionOne_ThenAdvancesOnlyFromTheCurrentVersion(string timeZone)
    {
        var cs = await AdoNet.CreateDatabaseAsync("swrite", timeZone);
        Assert.Null(await ReadAsync(cs, Grain));

        Assert.Equal(1, await WriteAsync(cs, Grain, null, [1]));
        var first = await ReadExistingAsync(cs, Grain);
        Assert.Equal(Bytes(1), first.Payload);
        Assert.Equal(1, first.Version);
        Assert.Equal(2, await WriteAsync(cs, Grain, 1, [2]));

        // Conflicts as the provider sees them: the unchanged ETag, or NULL for a second first write.
        Assert.Equal(1, await WriteAsync(cs, Grain, 1, [3]));
        Assert.Null(await WriteAsync(cs, Grain, null, [4]));
        Assert.Equal(7, await WriteAsync(cs, Grain, 7, [5]));

        var stored = await ReadExistingAsync(cs, Grain);
        Assert.Equal(Bytes(2), stored.Payload);
        Assert.Equal(2, stored.Version);
        Assert.Equal(1, await RowCountAsync(cs));
    }

    [Theory]
    [MemberData(nameof(TimeZones))]
    public async Task Write_ConcurrentFirstWrites_OneGetsOne_TheOthersNull_AndOneRowExists(string timeZone)
    {
        var cs = await AdoNet.CreateDatabaseAsync("sfirstrace", timeZone);

        // Deterministic interleaving on a NULL extension (the NULLS NOT DISTINCT case).
        var text = await AdoNet.QueryTextAsync(cs, "WriteToStorageKey");
        await using (var first = await AdoNet.OpenAsync(cs))
        {
            await using var transaction = await first.BeginTransactionAsync();
            Assert.Equal(1, NewVersion(await AdoNet.ExecuteAsync(first, transaction, text, WriteParams(Grain, null, [1]))));
            await using var second = await AdoNet.OpenAsync(cs);
            var pending = AdoNet.ExecuteAsync(second, null, text, WriteParams(Grain, null, [2]));
            await AdoNet.WaitUntilBlockedAsync(cs, second.ProcessID);
            await transaction.CommitAsync();
            Assert.Null(NewVersion(await pending));
        }

        Assert.Equal(Bytes(1), (await ReadExistingAsync(cs, Grain)).Payload);

        // A burst of first writers on a string-keyed grain.
        var stringKeyed = new Key("svc", "state", 0, 0, "user-7f3e");
        var results = await Task.WhenAll(Enumerable.Range(0, 8).Select(i => Task.Run(() => WriteAsync(cs, stringKeyed, null, [(byte)i]))));
        Assert.Single(results, r => r == 1);
        Assert.Equal(7, results.Count(r => r is null));
        Assert.Equal(2, await RowCountAsync(cs));
    }

    [Theory]
    [MemberData(nameof(TimeZones))]
    public async Task Write_ConcurrentWithTheSameVersion_OneAdvances_TheOthersGetTheirOldVersionBack(string timeZone)
    {
        var cs = await AdoNet.CreateDatabaseAsync("sversionrace", timeZone);
        Assert.Equal(1, await WriteAsync(cs, Grain, null, [0]));
        Assert.Equal(2, await WriteAsync(cs, Grain, 1, [1]));

        var results = await Task.WhenAll(Enumerable.Range(0, 8).Select(i => Task.Run(() => WriteAsync(cs, Grain, 2, [(byte)i]))));
        Assert.Single(results, r => r == 3);
        Assert.Equal(7, results.Count(r => r == 2));
        Assert.Equal(3, (await ReadExistingAsync(cs, Grain)).Version);
    }

    [Theory]
    [MemberData(nameof(TimeZones))]
    public async Task Clear_KeepsTheRowWithANullPayload_AndTheNextWriteUsesTheNewVersion(string timeZone)
    {
        var cs = await AdoNet.CreateDatabaseAsync("sclear", timeZone);
        Assert.Equal(1, await WriteAsync(cs, Grain, null, [1]));
        Assert.Equal(2, await WriteAsync(cs, Grain, 1, [2]));

        Assert.Empty(await AdoNet.RunAsync(cs, "ClearStorageKey", [.. Grain.Identity, AdoNet.Int("GrainStateVersion", 1)]));
        Assert.Equal(Bytes(2), (await ReadExistingAsync(cs, Grain)).Payload);

        var cleared = Assert.Single(await AdoNet.RunAsync(cs, "ClearStorageKey", [.. Grain.Identity, AdoNet.Int("GrainStateVersion", 2)]));
        Assert.Equal("3", Convert.ToString(cleared.Values.First(), CultureInfo.InvariantCulture));
        var afterClear = await ReadExistingAsync(cs, Grain);
        Assert.Null(afterClear.Payload);
        Assert.Equal(3, afterClear.Version);

        Assert.Equal(4, await WriteAsync(cs, Grain, 3, [4]));
        Assert.Equal(Bytes(4), (await ReadExistingAsync(cs, Grain)).Payload);
        Assert.Equal(1, await RowCountAsync(cs));
    }

    [Theory]
    [MemberData(nameof(TimeZones))]
    public async Task Delete_RemovesTheRowOnlyWithTheCurrentVersion_AndTheNextWriteStartsAtOne(string timeZone)
    {
        var cs = await AdoNet.CreateDatabaseAsync("sdelete", timeZone);
        Assert.Equal(1, await WriteAsync(cs, Grain, null, [1]));
        Assert.Equal(2, await WriteAsync(cs, Grain, 1, [2]));

        Assert.Empty(await AdoNet.RunAsync(cs, "DeleteStorageKey", [.. Grain.Identity, AdoNet.Int("GrainStateVersion", 1)]));
        Assert.NotNull(await ReadAsync(cs, Grain));

        var deleted = Assert.Single(await AdoNet.RunAsync(cs, "DeleteStorageKey", [.. Grain.Identity, AdoNet.Int("GrainStateVersion", 2)]));
        Assert.NotEqual("2", Convert.ToString(deleted.Values.First(), CultureInfo.InvariantCulture));
        Assert.Null(await ReadAsync(cs, Grain));

        Assert.Equal(1, await WriteAsync(cs, Grain, null, [3]));
    }

    [Theory]
    [MemberData(nameof(TimeZones))]
    public async Task Identity_IsTheFullKey_WithTheExtensionComparedNullSafely(string timeZone)
    {
        var cs = await AdoNet.CreateDatabaseAsync("sidentity", timeZone);

        // Same hashes everywhere: the hashes are not the identity.
        Key[] keys =
        [
            Grain,
            Grain with { Extension = "x" },
            Grain with { Extension = "y" },
            Grain with { TypeString = "other-state" },
            Grain with { ServiceId = "svc-2" },
            Grain with { N0 = 1 },
            Grain with { N1 = 1 },
        ];
        for (var i = 0; i < keys.Length; i++)
        {
            Assert.Equal(1, await WriteAsync(cs, keys[i], null, [(byte)i]));
        }

        Assert.Equal(keys.Length, await RowCountAsync(cs));
        Assert.Equal(2, await WriteAsync(cs, keys[0], 1, [100]));
        for (var i = 1; i < keys.Length; i++)
        {
            var stored = await ReadExistingAsync(cs, keys[i]);
            Assert.Equal(Bytes((byte)i), stored.Payload);
            Assert.Equal(1, stored.Version);
        }

        // A different hash for the same identity still finds the row (and cannot create a second one).
        Assert.Equal(2, (await ReadExistingAsync(cs, keys[0] with { IdHash = 999 })).Version);
        Assert.Null(await WriteAsync(cs, keys[0] with { IdHash = 999 }, null, [0]));
    }
}

/// <summary>Reminder texts: upsert versions, versioned delete, reads and the hash-ring range reads.</summary>
public sealed class OrleansAdoNetReminderTests
{
    private static readonly DateTime Start = new(2026, 3, 8, 6, 59, 59, 999, DateTimeKind.Utc); // New York switches to summer time that day

    public static TheoryData<string> TimeZones => new() { "UTC", "America/New_York" };

    /// <summary>Period is bound as an int when it fits, else as a long, like the provider does.</summary>
    private static async Task<int> UpsertAsync(string cs, string serviceId, string grainId, string name, DateTime start, long periodMs, int hash)
    {
        var period = periodMs <= int.MaxValue ? AdoNet.Int("Period", (int)periodMs) : AdoNet.Long("Period", periodMs);
        var row = Assert.Single(await AdoNet.RunAsync(cs, "UpsertReminderRowKey",
            AdoNet.Str("ServiceId", serviceId), AdoNet.Str("GrainId", grainId), AdoNet.Str("ReminderName", name),
            AdoNet.Time("StartTime", start), period, AdoNet.Int("GrainHash", hash)));
        return Convert.ToInt32(row["Version"], CultureInfo.InvariantCulture);
    }

    private static Task<IReadOnlyList<IReadOnlyDictionary<string, object?>>> ReadRowAsync(string cs, string serviceId, string grainId, string name) =>
        AdoNet.RunAsync(cs, "ReadReminderRowKey", AdoNet.Str("ServiceId", serviceId), AdoNet.Str("GrainId", grainId), AdoNet.Str("ReminderName", name));

    private static async Task<bool> DeleteAsync(string cs, string serviceId, string grainId, string name, int version) =>
        AdoNet.ReadBool(await AdoNet.RunAsync(cs, "DeleteReminderRowKey",
            AdoNet.Str("ServiceId", serviceId), AdoNet.Str("GrainId", grainId), AdoNet.Str("ReminderName", name), AdoNet.Int("Version", version)));

    [Theory]
    [MemberData(nameof(TimeZones))]
    public async Task Upsert_StartsAtZero_AndEveryUpdateOverwritesAndIncrements(string timeZone)
    {
        var cs = await AdoNet.CreateDatabaseAsync("rupsert", timeZone);
        var grain = "hivesyncprobe/" + new string('a', 300); // grain ids can be long
        Assert.Equal(0, await UpsertAsync(cs, "svc", grain, "r1", Start, 60_000, -5));

        var row = Assert.Single(await ReadRowAsync(cs, "svc", grain, "r1"));
        Assert.Equal(grain, row["GrainId"]);
        Assert.Equal("r1", row["ReminderName"]);
        Assert.Equal(Start, row["StartTime"]);
        Assert.Equal(60_000L, row["Period"]);
        Assert.Equal(0, row["Version"]);

        // 30 days in ms does not fit an int: bound as bigint.
        var thirtyDays = (long)TimeSpan.FromDays(30).TotalMilliseconds;
        Assert.Equal(1, await UpsertAsync(cs, "svc", grain, "r1", Start.AddHours(1), thirtyDays, 7));
        row = Assert.Single(await ReadRowAsync(cs, "svc", grain, "r1"));
        Assert.Equal(Start.AddHours(1), row["StartTime"]);
        Assert.Equal(thirtyDays, row["Period"]);
        Assert.Equal(1, row["Version"]);
        Assert.Equal(7, await AdoNet.ScalarAsync(cs, "SELECT grainhash FROM orleansreminderstable WHERE remindername = 'r1'"));
        Assert.Equal(2, await UpsertAsync(cs, "svc", grain, "r1", Start, 60_000, 7));

        Assert.Equal(0, await UpsertAsync(cs, "svc", grain, "r2", Start, 60_000, 7));
        Assert.Equal(0, await UpsertAsync(cs, "svc", "hivesyncprobe/other", "r1", Start, 60_000, 7));
        Assert.Equal(0, await UpsertAsync(cs, "svc-2", grain, "r3", Start, 60_000, 7));

        var rows = await AdoNet.RunAsync(cs, "ReadReminderRowsKey", AdoNet.Str("ServiceId", "svc"), AdoNet.Str("GrainId", grain));
        Assert.Equal(["r1", "r2"], rows.Select(r => (string)r["ReminderName"]!).Order(StringComparer.Ordinal));
        Assert.All(rows, r => Assert.Equal(grain, r["GrainId"]));
        Assert.Empty(await ReadRowAsync(cs, "svc", grain, "missing"));
    }

    [Theory]
    [MemberData(nameof(TimeZones))]
    public async Task Delete_NeedsTheCurrentVersion_AndDeleteRowsClearsOneServiceOnly(string timeZone)
    {
        var cs = await AdoNet.CreateDatabaseAsync("rdelete", timeZone);
        Assert.Equal(0, await UpsertAsync(cs, "svc", "g/1", "r", Start, 60_000, 1));
        Assert.Equal(1, await UpsertAsync(cs, "svc", "g/1", "r", Start, 60_000, 1));

        Assert.False(await DeleteAsync(cs, "svc", "g/1", "r", 0));
        Assert.Single(await ReadRowAsync(cs, "svc", "g/1", "r"));
        Assert.True(await DeleteAsync(cs, "svc", "g/1", "r", 1));
        Assert.Empty(await ReadRowAsync(cs, "svc", "g/1", "r"));
        Assert.False(await DeleteAsync(cs, "svc", "g/1", "r", 1));

        await UpsertAsync(cs, "svc", "g/1", "a", Start, 60_000, 1);
        await UpsertAsync(cs, "svc", "g/2", "b", Start, 60_000, 2);
        await UpsertAsync(cs, "svc-2", "g/1", "a", Start, 60_000, 1);
        Assert.Empty(await AdoNet.RunAsync(cs, "DeleteReminderRowsKey", AdoNet.Str("ServiceId", "svc")));
        Assert.Equal(0, await AdoNet.CountAsync(cs, "SELECT count(*) FROM orleansreminderstable WHERE serviceid = 'svc'"));
        Assert.Equal(1, await AdoNet.CountAsync(cs, "SELECT count(*) FROM orleansreminderstable WHERE serviceid = 'svc-2'"));
    }

    [Theory]
    [MemberData(nameof(TimeZones))]
    public async Task RangeReads_FollowTheHashRing_IncludingWrapAroundAndTheFullRing(string timeZone)
    {
        var cs = await AdoNet.CreateDatabaseAsync("rrange", timeZone);

        // Ring positions around 0 and around the int32 sign boundary (2^31), as unsigned hashes.
        uint[] ring = [0, 1, 1000, 0x7FFF_FFFE, 0x7FFF_FFFF, 0x8000_0000, 0x8000_0001, unchecked((uint)-1000), 0xFFFF_FFFE, 0xFFFF_FFFF];
        foreach (var hash in ring)
        {
            await UpsertAsync(cs, "svc", $"g/{hash}", "r", Start, 60_000, unchecked((int)hash));
            await UpsertAsync(cs, "svc-2", $"g/{hash}", "r", Start, 60_000, unchecked((int)hash)); // another service: never returned
        }

        var rows1 = await AdoNet.QueryTextAsync(cs, "ReadRangeRows1Key");
        var rows2 = await AdoNet.QueryTextAsync(cs, "ReadRangeRows2Key");
        await using var connection = await AdoNet.OpenAsync(cs);

        // What the reminder service does: cast both ends to int and pick the text by signed order.
        async Task<string[]> ReadRangeAsync(uint begin, uint end)
        {
            var (b, e) = (unchecked((int)begin), unchecked((int)end));
            var rows = await AdoNet.ExecuteAsync(connection, null, b < e ? rows1 : rows2,
                AdoNet.Str("ServiceId", "svc"), AdoNet.Int("BeginHash", b), AdoNet.Int("EndHash", e));
            return [.. rows.Select(r => (string)r["GrainId"]!).Order(StringComparer.Ordinal)];
        }

        // The ring range (begin, end] in unsigned terms; begin = end is the whole ring.
        static bool InRange(uint hash, uint begin, uint end) => begin < end ? hash > begin && hash <= end : hash > begin || hash <= end;

        foreach (var begin in ring)
        {
            foreach (var end in ring)
            {
                var expected = ring.Where(h => InRange(h, begin, end)).Select(h => $"g/{h}").Order(StringComparer.Ordinal).ToArray();
                var actual = await ReadRangeAsync(begin, end);
                Assert.True(Enumerable.SequenceEqual(expected, actual), $"range ({begin}, {end}]: got {string.Join(" ", actual)}");
            }
        }

        // The same cases spelled out.
        string[] aroundZero = ["g/0", "g/1"];
        Assert.Equal(aroundZero, await ReadRangeAsync(0xFFFF_FFFF, 1)); // -1 < 1: no wrap in signed terms
        string[] acrossTheSignBoundary = ["g/2147483647", "g/2147483648"];
        Assert.Equal(acrossTheSignBoundary, await ReadRangeAsync(0x7FFF_FFFE, 0x8000_0000)); // wraps in signed terms
        Assert.Equal(ring.Length, (await ReadRangeAsync(1000, 1000)).Length); // full ring
        Assert.Equal(ring.Length - 1, (await ReadRangeAsync(0, 0xFFFF_FFFF)).Length); // everything but 0
    }
}

// ---------------------------------------------------------------------------------------------------------------------
// End to end: one in-process silo with ADO.NET clustering, grain storage and reminders on a fresh database.
// ---------------------------------------------------------------------------------------------------------------------

public interface IOrleansAdoNetProbeGrain : IGrainWithGuidKey
{
    Task<int> AddAsync(int amount);

    Task<int> GetAsync();

    Task ClearAsync();

    Task RegisterReminderAsync(string name);

    Task<bool> HasReminderAsync(string name);

    Task UnregisterReminderAsync(string name);
}

[GenerateSerializer]
public sealed class OrleansAdoNetProbeState
{
    [Id(0)]
    public int Total { get; set; }
}

public sealed class OrleansAdoNetProbeGrain(
    [PersistentState("probe", StorageProviders.Default)] IPersistentState<OrleansAdoNetProbeState> state)
    : Grain, IOrleansAdoNetProbeGrain, IRemindable
{
    public async Task<int> AddAsync(int amount)
    {
        state.State.Total += amount;
        await state.WriteStateAsync();
        return state.State.Total;
    }

    public Task<int> GetAsync() => Task.FromResult(state.State.Total);

    public Task ClearAsync() => state.ClearStateAsync();

    public Task RegisterReminderAsync(string name) => this.RegisterOrUpdateReminder(name, TimeSpan.FromHours(1), TimeSpan.FromHours(1));

    public async Task<bool> HasReminderAsync(string name) => await this.GetReminder(name) is not null;

    public async Task UnregisterReminderAsync(string name)
    {
        var reminder = await this.GetReminder(name) ?? throw new InvalidOperationException($"No reminder {name}.");
        await this.UnregisterReminder(reminder);
    }

    public Task ReceiveReminder(string reminderName, TickStatus status) => Task.CompletedTask;
}

/// <summary>
/// Starts one silo and a client, both using only the ADO.NET providers on our schema: clustering, and the grain
/// storage and reminders exactly as a HiveSync silo registers them.
/// </summary>
/// <remarks>
/// TestClusterBuilder rather than InProcessTestClusterBuilder: in 10.4.2 the latter cannot turn off its in-memory
/// membership table (UseTestClusterMembership is internal there), so clustering would not touch the database.
/// </remarks>
public sealed class OrleansAdoNetSiloFixture : IAsyncLifetime
{
    private const string ConnectionStringKey = "HiveSyncProbeConnectionString";

    private TestCluster? _cluster;

    public TestCluster Cluster => _cluster ?? throw new InvalidOperationException("The cluster is not deployed.");

    public string ConnectionString { get; private set; } = "";

    public async Task InitializeAsync()
    {
        ConnectionString = await TestPostgres.CreateDatabaseAsync("orleanse2e");
        var builder = new TestClusterBuilder(1);
        builder.Options.UseTestClusterMembership = false; // membership, gateways: ours
        builder.Properties[ConnectionStringKey] = ConnectionString;
        builder.AddSiloBuilderConfigurator<SiloConfigurator>();
        builder.AddClientBuilderConfigurator<ClientConfigurator>();
        _cluster = builder.Build();
        await _cluster.DeployAsync();
    }

    public async Task DisposeAsync()
    {
        if (_cluster is not null)
        {
            await _cluster.StopAllSilosAsync();
            await _cluster.DisposeAsync();
        }
    }

    public IGrainStorage Storage(string name) => Cluster.GetSiloServiceProvider().GetRequiredKeyedService<IGrainStorage>(name);

    private static string ConnectionStringFrom(IConfiguration configuration) =>
        configuration[ConnectionStringKey] ?? throw new InvalidOperationException("No test connection string in the configuration.");

    private sealed class SiloConfigurator : ISiloConfigurator
    {
        public void Configure(ISiloBuilder siloBuilder)
        {
            var cs = ConnectionStringFrom(siloBuilder.Configuration);
            siloBuilder.UseAdoNetClustering(o =>
            {
                o.Invariant = AdoNet.Invariant;
                o.ConnectionString = cs;
            });
            OrleansHosting.AddGrainStorageAndReminders(siloBuilder, cs); // the silo's own providers, as it registers them
        }
    }

    private sealed class ClientConfigurator : IClientBuilderConfigurator
    {
        public void Configure(IConfiguration configuration, IClientBuilder clientBuilder)
        {
            var cs = ConnectionStringFrom(configuration);
            clientBuilder.UseAdoNetClustering(o =>
            {
                o.Invariant = AdoNet.Invariant;
                o.ConnectionString = cs;
            });
        }
    }
}

public sealed class OrleansAdoNetSiloTests(OrleansAdoNetSiloFixture fixture) : IClassFixture<OrleansAdoNetSiloFixture>
{
    private string Cs => fixture.ConnectionString;

    [Fact]
    public async Task Silo_RunsOnTheSchema_GrainStateAndRemindersRoundTripThroughPostgres()
    {
        // The silo joined through our membership texts and the client found it through the gateway text.
        var clusterId = fixture.Cluster.Options.ClusterId;
        Assert.Equal(1, await AdoNet.CountAsync(Cs,
            "SELECT count(*) FROM orleansmembershiptable WHERE deploymentid = $1 AND status = 3 AND proxyport > 0", clusterId));
        Assert.True(Convert.ToInt32(await AdoNet.ScalarAsync(Cs,
            "SELECT version FROM orleansmembershipversiontable WHERE deploymentid = $1", clusterId), CultureInfo.InvariantCulture) >= 1);

        var grain = fixture.Cluster.Client.GetGrain<IOrleansAdoNetProbeGrain>(Guid.NewGuid());
        Assert.Equal(5, await grain.AddAsync(5));
        Assert.Equal(7, await grain.AddAsync(2));
        Assert.Equal(2, Convert.ToInt32(await AdoNet.ScalarAsync(Cs,
            "SELECT version FROM orleansstorage WHERE graintypestring = 'probe' AND payloadbinary IS NOT NULL"), CultureInfo.InvariantCulture));

        // A new activation reads the state back from the table.
        await fixture.Cluster.DeactivateAsync(grain);
        Assert.Equal(7, await grain.GetAsync());

        await grain.RegisterReminderAsync("probe-reminder");
        var grainId = grain.GetGrainId().ToString();
        Assert.Equal(1, await AdoNet.CountAsync(Cs, "SELECT count(*) FROM orleansreminderstable WHERE grainid = $1 AND remindername = 'probe-reminder'", grainId));
        await grain.RegisterReminderAsync("probe-reminder"); // update: version goes up
        Assert.Equal(1, await AdoNet.ScalarAsync(Cs, "SELECT version FROM orleansreminderstable WHERE grainid = $1", grainId));
        await fixture.Cluster.DeactivateAsync(grain);
        Assert.True(await grain.HasReminderAsync("probe-reminder"));
        await grain.UnregisterReminderAsync("probe-reminder");
        Assert.False(await grain.HasReminderAsync("probe-reminder"));
        Assert.Equal(0, await AdoNet.CountAsync(Cs, "SELECT count(*) FROM orleansreminderstable WHERE grainid = $1", grainId));

        // ClearState keeps the row with a NULL payload and the next version; a new activation starts fresh.
        await grain.ClearAsync();
        Assert.Equal(3, Convert.ToInt32(await AdoNet.ScalarAsync(Cs,
            "SELECT version FROM orleansstorage WHERE graintypestring = 'probe' AND payloadbinary IS NULL"), CultureInfo.InvariantCulture));
        await fixture.Cluster.DeactivateAsync(grain);
        Assert.Equal(0, await grain.GetAsync());
        Assert.Equal(1, await grain.AddAsync(1));
    }

    [Fact]
    public async Task GrainStorageProvider_EtagsConflictsClearDeleteAndKeyMapping()
    {
        var storage = fixture.Storage(StorageProviders.Default);
        var deleting = fixture.Storage(StorageProviders.Disposable);
        static GrainState<OrleansAdoNetProbeState> Fresh(int total = 0) => new(new OrleansAdoNetProbeState { Total = total });
        static GrainId Id(IdSpan key) => GrainId.Create(GrainType.Create("hivesync-probe"), key);

        // Two first writers at once: one wins, the other gets InconsistentStateException; one row.
        var raced = Id(GrainIdKeyExtensions.CreateGuidKey(Guid.NewGuid()));
        var writers = await Task.WhenAll(Enumerable.Range(0, 2).Select(i => Task.Run(async () =>
        {
            var s = Fresh(i);
            try
            {
                await storage.WriteStateAsync("race", raced, s);
                return true;
            }
            catch (InconsistentStateException)
            {
                return false;
            }
        })));
        Assert.Single(writers, w => w);
        Assert.Equal(1, await AdoNet.CountAsync(Cs, "SELECT count(*) FROM orleansstorage WHERE graintypestring = 'race'"));

        // Two writers holding the same ETag: one advances, the other conflicts.
        var a = Fresh();
        var b = Fresh();
        await storage.ReadStateAsync("race", raced, a);
        await storage.ReadStateAsync("race", raced, b);
        Assert.Equal("1", a.ETag);
        await storage.WriteStateAsync("race", raced, a);
        Assert.Equal("2", a.ETag);
        await Assert.ThrowsAsync<InconsistentStateException>(() => storage.WriteStateAsync("race", raced, b));

        // ClearState: new ETag, RecordExists false, fresh state; the next write with that ETag succeeds.
        await storage.ClearStateAsync("race", raced, a);
        Assert.Equal("3", a.ETag);
        Assert.False(a.RecordExists);
        var afterClear = Fresh();
        await storage.ReadStateAsync("race", raced, afterClear);
        Assert.Equal("3", afterClear.ETag);
        Assert.Equal(0, afterClear.State?.Total);
        afterClear.State = new OrleansAdoNetProbeState { Total = 9 };
        await storage.WriteStateAsync("race", raced, afterClear);
        Assert.Equal("4", afterClear.ETag);

        // DeleteStateOnClear: the row goes, the ETag is null, the next write creates version 1; a stale clear throws.
        var doomed = Id(GrainIdKeyExtensions.CreateIntegerKey(0x5EED));
        var d = Fresh();
        await deleting.WriteStateAsync("doomed", doomed, d);
        await deleting.WriteStateAsync("doomed", doomed, d);
        var stale = Fresh();
        stale.ETag = "1";
        stale.RecordExists = true;
        await Assert.ThrowsAsync<InconsistentStateException>(() => deleting.ClearStateAsync("doomed", doomed, stale));
        await deleting.ClearStateAsync("doomed", doomed, d);
        Assert.Null(d.ETag);
        Assert.Equal(0, await AdoNet.CountAsync(Cs, "SELECT count(*) FROM orleansstorage WHERE graintypestring = 'doomed'"));
        await deleting.WriteStateAsync("doomed", doomed, d);
        Assert.Equal("1", d.ETag);

        // Key mapping: Guid, integer and integer+extension keys land in N0/N1/extension and read back.
        var guid = Guid.NewGuid();
        var bytes = guid.ToByteArray();
        await AssertRoundTripAsync(Id(GrainIdKeyExtensions.CreateGuidKey(guid)), "keys-guid", BitConverter.ToInt64(bytes, 0), BitConverter.ToInt64(bytes, 8), null);
        await AssertRoundTripAsync(Id(GrainIdKeyExtensions.CreateIntegerKey(0x1234)), "keys-int", 0, 0x1234, null);
        await AssertRoundTripAsync(Id(GrainIdKeyExtensions.CreateIntegerKey(77, "ext")), "keys-intext", 0, 77, "ext");
        await AssertRoundTripAsync(Id(IdSpan.Create("user-7f3e")), "keys-string", 0, 0, "user-7f3e");

        // The documented quirk: string keys "a" and "A" parse as the hex integer 10 and share one row.
        var lower = Fresh(1);
        await storage.WriteStateAsync("keys-hex", Id(IdSpan.Create("a")), lower);
        var upper = Fresh();
        await storage.ReadStateAsync("keys-hex", Id(IdSpan.Create("A")), upper);
        Assert.Equal(lower.ETag, upper.ETag);
        Assert.Equal(1, upper.State?.Total);
        Assert.Equal(1, await AdoNet.CountAsync(Cs, "SELECT count(*) FROM orleansstorage WHERE graintypestring = 'keys-hex' AND grainidn1 = 10"));

        async Task AssertRoundTripAsync(GrainId id, string stateName, long n0, long n1, string? extension)
        {
            var written = Fresh(42);
            await storage.WriteStateAsync(stateName, id, written);
            var read = Fresh();
            await storage.ReadStateAsync(stateName, id, read);
            Assert.Equal(42, read.State?.Total);
            Assert.Equal("1", read.ETag);
            Assert.True(read.RecordExists);
            Assert.Equal(1, await AdoNet.CountAsync(Cs,
                "SELECT count(*) FROM orleansstorage WHERE graintypestring = $1 AND grainidn0 = $2 AND grainidn1 = $3 AND grainidextensionstring IS NOT DISTINCT FROM $4::text",
                stateName, n0, n1, extension));
        }
    }
}
