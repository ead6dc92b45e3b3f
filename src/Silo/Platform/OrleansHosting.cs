using System.Net;
using HiveSync.Grains.Platform;
using Orleans.Configuration;

namespace HiveSync.Silo.Platform;

/// <summary>Orleans on PostgreSQL: ADO.NET clustering, grain storage and reminders in the app's database.</summary>
public static class OrleansHosting
{
    public const string Invariant = "Npgsql";

    public static void Configure(ISiloBuilder silo, IConfiguration configuration, string connectionString)
    {
        var section = configuration.GetSection("Orleans");
        silo.Configure<ClusterOptions>(o =>
        {
            o.ClusterId = section["ClusterId"] ?? "hivesync";
            o.ServiceId = section["ServiceId"] ?? "hivesync";
        });
        silo.ConfigureEndpoints(
            AdvertisedAddress(section["AdvertisedHost"]),
            section.GetValue("SiloPort", 11111),
            section.GetValue("GatewayPort", 30000),
            listenOnAnyHostAddress: true);
        silo.UseAdoNetClustering(o =>
        {
            o.Invariant = Invariant;
            o.ConnectionString = connectionString;
        });
        silo.AddAdoNetGrainStorageAsDefault(o =>
        {
            o.Invariant = Invariant;
            o.ConnectionString = connectionString;
        });
        silo.AddAdoNetGrainStorage(StorageProviders.Disposable, o =>
        {
            o.Invariant = Invariant;
            o.ConnectionString = connectionString;
            o.DeleteStateOnClear = true;
        });
        silo.UseAdoNetReminderService(o =>
        {
            o.Invariant = Invariant;
            o.ConnectionString = connectionString;
        });
    }

    /// <summary>An IP, a host name (resolved, for containers), or loopback for a developer machine.</summary>
    private static IPAddress AdvertisedAddress(string? host)
    {
        if (string.IsNullOrWhiteSpace(host))
        {
            return IPAddress.Loopback;
        }

        if (IPAddress.TryParse(host, out var ip))
        {
            return ip;
        }

        return Dns.GetHostAddresses(host).First(a => a.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork);
    }
}
