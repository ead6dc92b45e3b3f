using System.Net;
using System.Net.Sockets;
using HiveSync.Grains.Platform;
using Orleans.Configuration;

namespace HiveSync.Silo.Platform;

/// <summary>
/// Orleans on PostgreSQL: ADO.NET clustering, grain storage and reminders in the app's database. The silo opens no
/// gateway (the API calls grains in-process) and listens for other silos only on the address it advertises.
/// </summary>
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
        var advertised = AdvertisedAddress(section["AdvertisedHost"]);
        var siloPort = section.GetValue("SiloPort", 11111);
        silo.Configure<EndpointOptions>(o =>
        {
            o.AdvertisedIPAddress = advertised;
            o.SiloPort = siloPort;
            o.SiloListeningEndpoint = new IPEndPoint(advertised, siloPort);
            o.GatewayPort = 0; // no gateway: nothing outside the silos may call grains
            o.GatewayListeningEndpoint = null;
        });
        if (SiloTls.FromConfiguration(configuration) is { } tls)
        {
            silo.UseTls(tls.Apply);
        }

        silo.Configure<ClusterMembershipOptions>(FastFailureDetection);
        silo.Services.AddHostedService<CrashedSiloDetector>();
        silo.AddOutgoingGrainCallFilter<ClusterFaultRetry>();
        silo.UseAdoNetClustering(o =>
        {
            o.Invariant = Invariant;
            o.ConnectionString = connectionString;
        });
        AddGrainStorageAndReminders(silo, connectionString);
    }

    /// <summary>The grain-storage providers and the reminder service; the grain tests' cluster registers them through here too.</summary>
    public static void AddGrainStorageAndReminders(ISiloBuilder silo, string connectionString)
    {
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

    /// <summary>
    /// A crashed silo is declared dead after three refused probes, about 1–1.5 s (probes run every ProbeTimeout/2
    /// on a quick network), instead of ~7 s with the defaults. A silo that is slow but alive keeps its connection
    /// open, and Orleans suppresses votes against a silo whose connection delivered a message within
    /// MaxProbeTimeout (4 × ProbeTimeout) × NumMissedProbesLimit = 12 s: that is what protects it from a false
    /// death. docs/architecture.md ("Failover") weighs the risk.
    /// </summary>
    private static void FastFailureDetection(ClusterMembershipOptions o)
    {
        o.ProbeTimeout = TimeSpan.FromSeconds(1);
        o.NumMissedProbesLimit = 3;
        o.NumVotesForDeathDeclaration = 2;
        o.DeathVoteExpirationTimeout = TimeSpan.FromSeconds(30); // two unrelated blips a minute apart do not add up to a death
        o.TableRefreshTimeout = TimeSpan.FromSeconds(10); // a silo that missed the gossip still learns of a death soon
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

        return Dns.GetHostAddresses(host).First(a => a.AddressFamily == AddressFamily.InterNetwork);
    }
}
