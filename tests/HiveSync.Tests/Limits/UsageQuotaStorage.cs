using System.Text.Json.Nodes;
using HiveSync.Grains.Limits;
using Npgsql;

namespace HiveSync.Tests.Limits;

/// <summary>
/// What Orleans' grain storage holds for one usage quota, read straight from PostgreSQL (the JSON the ADO.NET
/// provider wrote): what was persisted, not what an activation remembers.
/// </summary>
public sealed record StoredQuota(DateTime PeriodStart, IReadOnlyDictionary<Guid, int> Reservations)
{
    public long Used => Reservations.Values.Sum(a => (long)a);

    /// <summary>Null when nothing was ever written for <paramref name="key"/>.</summary>
    public static async Task<StoredQuota?> ReadAsync(string connectionString, string key)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var read = new NpgsqlCommand(
            "SELECT convert_from(payloadbinary, 'UTF8') FROM orleansstorage WHERE graintypestring = 'usage-quota' AND grainidextensionstring = $1",
            connection);
        read.Parameters.AddWithValue(key);
        if (await read.ExecuteScalarAsync() is not string json)
        {
            return null;
        }

        var state = JsonNode.Parse(json)!;
        var reservations = state[nameof(UsageQuotaState.Reservations)]!.AsObject()
            .Where(p => !p.Key.StartsWith('$')) // the serializer's $id/$type bookkeeping
            .ToDictionary(p => Guid.Parse(p.Key), p => p.Value!.GetValue<int>());
        return new StoredQuota(state[nameof(UsageQuotaState.PeriodStart)]!.GetValue<DateTime>().ToUniversalTime(), reservations);
    }
}
