using System.Globalization;
using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Npgsql;

namespace HiveSync.Tests.Platform;

/// <summary>What a silo exposes on the network: no gateway, the silo port on the advertised address only, and TLS between silos.</summary>
public sealed class OrleansNetworkTests
{
    [Fact]
    public async Task A_silo_listens_only_on_loopback_for_http_and_silo_traffic_and_opens_no_gateway()
    {
        await using var cluster = await SiloCluster.StartAsync(nameof(OrleansNetworkTests), processes: 1);
        var silo = cluster.Processes[0];

        var listening = ListeningSockets.Of(silo.ProcessId);

        Assert.Equal(
            new[] { new IPEndPoint(IPAddress.Loopback, silo.HttpPort), new IPEndPoint(IPAddress.Loopback, silo.SiloPort) }.OrderBy(e => e.Port),
            listening.OrderBy(e => e.Port));
        await using var connection = new NpgsqlConnection(cluster.Database);
        await connection.OpenAsync();
        await using var proxyPort = new NpgsqlCommand("SELECT proxyport FROM orleansmembershiptable WHERE deploymentid = $1", connection);
        proxyPort.Parameters.AddWithValue(cluster.ClusterId);
        Assert.Equal(0, await proxyPort.ExecuteScalarAsync()); // no gateway is advertised either
    }

    [Fact]
    public async Task Silos_sharing_the_cluster_certificate_form_a_cluster_over_mutual_tls_and_a_silo_with_another_certificate_cannot_join()
    {
        using var files = new TemporaryFolder();
        using var clusterCertificate = TestCertificates.SelfSigned("CN=hivesync-silos");
        using var stranger = TestCertificates.SelfSigned("CN=hivesync-silos"); // same name, other key: not a member
        var tls = new Dictionary<string, string>
        {
            ["Orleans:Tls:CertificatePath"] = files.WritePkcs12("cluster.pfx", clusterCertificate, "cluster-pw"),
            ["Orleans:Tls:CertificatePassword"] = "cluster-pw",
        };
        await using var cluster = await SiloCluster.StartAsync(nameof(OrleansNetworkTests) + "Tls", processes: 2, tls);
        var (first, second) = (cluster.Processes[0], cluster.Processes[1]);

        // The silo port speaks TLS, presents the cluster certificate, and accepts a client showing it.
        Assert.True(await SiloAcceptsTlsClientAsync(first.SiloPort, clusterCertificate, expectedServer: clusterCertificate));

        // Silo-to-silo calls work: a session ended through one silo is refused through the other.
        using var viaFirst = new HttpClient { BaseAddress = first.BaseAddress };
        using var viaSecond = new HttpClient { BaseAddress = second.BaseAddress };
        var token = (await viaFirst.RegisterAsync("tls@example.com")).AccessToken;
        Assert.Equal(HttpStatusCode.OK, (await viaSecond.SendAsync(new TestRequest(HttpMethod.Get, "/api/v1/auth/me") { Bearer = token })).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await viaSecond.SendAsync(new TestRequest(HttpMethod.Post, "/api/v1/auth/logout") { Bearer = token })).StatusCode);
        await (await viaFirst.SendAsync(new TestRequest(HttpMethod.Get, "/api/v1/auth/me") { Bearer = token })).AssertErrorAsync(HttpStatusCode.Unauthorized, "AUTH_SESSION_REVOKED");

        // A client with another certificate is refused at the handshake ...
        Assert.False(await SiloAcceptsTlsClientAsync(first.SiloPort, stranger, expectedServer: clusterCertificate));

        // ... and so is a silo: it never becomes Active, the cluster declares it dead and it stops.
        var intruder = cluster.StartProcess(new Dictionary<string, string>
        {
            ["Orleans:Tls:CertificatePath"] = files.WritePkcs12("stranger.pfx", stranger, "other-pw"),
            ["Orleans:Tls:CertificatePassword"] = "other-pw",
        });
        var exitCode = await intruder.WaitForExitAsync(TimeSpan.FromSeconds(120));
        Assert.NotEqual(0, exitCode);
        Assert.DoesNotContain(await StatusesOfAsync(cluster, intruder.SiloPort), s => s == 3);
        Assert.Equal(2, await cluster.ActiveSilosAsync());
        Assert.Equal(HttpStatusCode.OK, (await viaSecond.GetAsync("/health/ready")).StatusCode);
    }

    [Fact]
    public async Task A_tls_certificate_that_cannot_be_loaded_stops_start_up()
    {
        var error = await InvalidSetting.AssertStartUpFailsAsync("Orleans:Tls:CertificatePath", "/nonexistent/silo.pfx");

        Assert.Contains("Orleans:Tls:CertificatePath", string.Join(' ', error.Failures), StringComparison.Ordinal);
    }

    /// <summary>
    /// Whether a silo port completes a TLS handshake with a client that expects the cluster certificate and shows
    /// <paramref name="clientCertificate"/>, and then keeps the connection open. Under
    /// TLS 1.3 a refused client certificate shows after the handshake: as an alert or a closed connection.
    /// </summary>
    private static async Task<bool> SiloAcceptsTlsClientAsync(int port, X509Certificate2 clientCertificate, X509Certificate2 expectedServer)
    {
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(IPAddress.Loopback, port);
        await using var tls = new SslStream(tcp.GetStream(), leaveInnerStreamOpen: false, (_, server, _, _) => server?.GetRawCertData().AsSpan().SequenceEqual(expectedServer.RawData) == true);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        try
        {
            await tls.AuthenticateAsClientAsync(new SslClientAuthenticationOptions { TargetHost = "silo", ClientCertificates = [clientCertificate] }, timeout.Token);
            var read = tls.ReadAsync(new byte[1], timeout.Token).AsTask();
            if (await Task.WhenAny(read, Task.Delay(TimeSpan.FromSeconds(1), timeout.Token)) != read)
            {
                return true; // still open, waiting for us to speak
            }

            return await read > 0; // it spoke first (its preamble); 0 bytes: it closed the connection

        }
        catch (Exception error) when (error is IOException or System.Security.Authentication.AuthenticationException)
        {
            return false;
        }
    }

    private static async Task<List<int>> StatusesOfAsync(SiloCluster cluster, int siloPort)
    {
        await using var connection = new NpgsqlConnection(cluster.Database);
        await connection.OpenAsync();
        await using var read = new NpgsqlCommand("SELECT status FROM orleansmembershiptable WHERE deploymentid = $1 AND port = $2", connection);
        read.Parameters.AddWithValue(cluster.ClusterId);
        read.Parameters.AddWithValue(siloPort);
        var statuses = new List<int>();
        await using var rows = await read.ExecuteReaderAsync();
        while (await rows.ReadAsync())
        {
            statuses.Add(rows.GetInt32(0));
        }

        return statuses;
    }
}

/// <summary>The TCP sockets a process listens on, read from <c>/proc</c> (its socket inodes, matched in <c>/proc/net/tcp{,6}</c>).</summary>
public static class ListeningSockets
{
    public static List<IPEndPoint> Of(int processId)
    {
        var inodes = new HashSet<string>();
        foreach (var fd in Directory.EnumerateFileSystemEntries($"/proc/{processId}/fd"))
        {
            if (new FileInfo(fd).LinkTarget is { } target && target.StartsWith("socket:[", StringComparison.Ordinal))
            {
                inodes.Add(target["socket:[".Length..^1]);
            }
        }

        var listening = new List<IPEndPoint>();
        foreach (var table in new[] { "/proc/net/tcp", "/proc/net/tcp6" })
        {
            foreach (var line in File.ReadLines(table).Skip(1))
            {
                var fields = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
                const string Listen = "0A";
                if (fields[3] == Listen && inodes.Contains(fields[9]))
                {
                    listening.Add(Parse(fields[1]));
                }
            }
        }

        return listening;
    }

    // "0100007F:2B67" (IPv4) or 32 hex digits (IPv6), each 32-bit word in host (little-endian) order.
    private static IPEndPoint Parse(string hex)
    {
        var (address, port) = (hex[..hex.IndexOf(':', StringComparison.Ordinal)], hex[(hex.IndexOf(':', StringComparison.Ordinal) + 1)..]);
        var bytes = Convert.FromHexString(address);
        for (var word = 0; word < bytes.Length; word += 4)
        {
            Array.Reverse(bytes, word, 4);
        }

        var ip = new IPAddress(bytes);
        return new IPEndPoint(ip.IsIPv4MappedToIPv6 ? ip.MapToIPv4() : ip, int.Parse(port, NumberStyles.HexNumber, CultureInfo.InvariantCulture));
    }
}

/// <summary>Certificates made in the test for silo TLS.</summary>
public static class TestCertificates
{
    /// <summary>A self-signed certificate usable as both TLS server and client, valid for a day.</summary>
    public static X509Certificate2 SelfSigned(string subject)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest(subject, key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension(
            [new Oid("1.3.6.1.5.5.7.3.1"), new Oid("1.3.6.1.5.5.7.3.2")], critical: false)); // server and client authentication
        return request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddDays(1));
    }
}

/// <summary>A folder deleted at the end of the test.</summary>
public sealed class TemporaryFolder : IDisposable
{
    public string Path { get; } = Directory.CreateTempSubdirectory("hivesync-test-").FullName;

    public string WritePkcs12(string name, X509Certificate2 certificate, string password)
    {
        var path = System.IO.Path.Combine(Path, name);
        File.WriteAllBytes(path, certificate.Export(X509ContentType.Pkcs12, password));
        return path;
    }

    public void Dispose() => Directory.Delete(Path, recursive: true);
}
