using System.Globalization;
using System.Net;
using HiveSync.Grains.Interfaces.Limits;
using HiveSync.Tests.Platform;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Orleans.Configuration;

namespace HiveSync.Tests.Limits;

/// <summary>
/// Quota exactness through two real silo processes on one PostgreSQL, driven by Orleans clients in the test process.
/// A client sends every call for one grain through the same gateway (Orleans keeps grain-to-gateway affinity), so
/// one client per silo is pinned to that silo's gateway, and a third finds the gateways through ADO.NET clustering
/// as an application client would: requests for the one quota enter the cluster through both silos at once.
/// </summary>
public sealed class UsageQuotaTwoSiloTests
{
    private const long Limit = 37;

    [Fact]
    public async Task Concurrent_consumption_through_two_silos_grants_exactly_the_limit_and_persists_every_grant()
    {
        var database = await TestPostgres.CreateDatabaseAsync(nameof(UsageQuotaTwoSiloTests));
        var clusterId = "quota-" + Guid.NewGuid().ToString("N")[..8];
        var gatewayPorts = new[] { TestSilo.FreePort(), TestSilo.FreePort() };
        await using var first = SiloProcess.Start(SiloSettings(database, clusterId, gatewayPorts[0]));
        await using var second = SiloProcess.Start(SiloSettings(database, clusterId, gatewayPorts[1]));
        await Task.WhenAll(first.WaitReadyAsync(TimeSpan.FromSeconds(90)), second.WaitReadyAsync(TimeSpan.FromSeconds(90)));

        await using var viaFirst = await ConnectAsync(clusterId, c => c.UseStaticClustering(new IPEndPoint(IPAddress.Loopback, gatewayPorts[0])));
        await using var viaSecond = await ConnectAsync(clusterId, c => c.UseStaticClustering(new IPEndPoint(IPAddress.Loopback, gatewayPorts[1])));
        await using var viaMembership = await ConnectAsync(clusterId, c => c.UseAdoNetClustering(o =>
        {
            o.Invariant = "Npgsql";
            o.ConnectionString = database;
        }));
        IGrainFactory[] clients = [viaFirst.Grains, viaSecond.Grains, viaMembership.Grains];
        const long userId = 7;
        var key = QuotaKind.PreviewsPerDay.KeyFor(userId);

        // 200 distinct reservations at once, spread over the three clients (so over both silos' gateways).
        var decisions = await Task.WhenAll(Enumerable.Range(0, 200).Select(i =>
            clients[i % clients.Length].GetUsageQuota(userId, QuotaKind.PreviewsPerDay).TryConsume(new QuotaRequest(Guid.NewGuid(), Limit))));

        var granted = decisions.Where(d => d.Granted).ToList();
        Assert.Equal(Limit, granted.Count);
        Assert.Equal(Enumerable.Range(1, (int)Limit).Select(u => (long)u), granted.Select(d => d.Used).Order()); // one at a time, none counted twice
        Assert.All(decisions.Where(d => !d.Granted), d => Assert.Equal(Limit, d.Used));
        var stored = await StoredQuota.ReadAsync(database, key);
        Assert.Equal(Limit, stored!.Used);
        Assert.Equal(granted.Select(d => d.ReservationId).Order(), stored.Reservations.Keys.Order());

        // Release ten grants, each through both silos at once: released exactly once; then exactly ten more fit.
        var toRelease = granted.Take(10).Select(d => d.ReservationId).ToList();
        var released = await Task.WhenAll(toRelease.SelectMany(id => new[] { viaFirst.Grains, viaSecond.Grains }.Select(g => g.GetUsageQuota(userId, QuotaKind.PreviewsPerDay).Release(id))));
        Assert.Equal(10, released.Count(r => r));
        var again = await Task.WhenAll(Enumerable.Range(0, 50).Select(i =>
            clients[i % clients.Length].GetUsageQuota(userId, QuotaKind.PreviewsPerDay).TryConsume(new QuotaRequest(Guid.NewGuid(), Limit))));
        Assert.Equal(10, again.Count(d => d.Granted));

        Assert.Equal(Limit, (await viaMembership.Grains.GetUsageQuota(userId, QuotaKind.PreviewsPerDay).GetUsage(Limit)).Used);
        Assert.Equal(Limit, (await StoredQuota.ReadAsync(database, key))!.Used);
    }

    private static Dictionary<string, string> SiloSettings(string database, string clusterId, int gatewayPort) => new()
    {
        ["ConnectionStrings:Postgres"] = database,
        ["Orleans:ClusterId"] = clusterId,
        ["Orleans:GatewayPort"] = gatewayPort.ToString(CultureInfo.InvariantCulture),
    };

    /// <summary>An Orleans client host in the test process, connected to the silos' cluster (default ServiceId).</summary>
    private static async Task<ClientHost> ConnectAsync(string clusterId, Action<IClientBuilder> clustering)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.UseOrleansClient(client =>
        {
            client.Configure<ClusterOptions>(o =>
            {
                o.ClusterId = clusterId;
                o.ServiceId = "hivesync";
            });
            clustering(client);
        });
        var host = builder.Build();
        await host.StartAsync();
        return new ClientHost(host);
    }

    private sealed class ClientHost(IHost host) : IAsyncDisposable
    {
        public IGrainFactory Grains => host.Services.GetRequiredService<IClusterClient>();

        public async ValueTask DisposeAsync()
        {
            await host.StopAsync();
            host.Dispose();
        }
    }
}
