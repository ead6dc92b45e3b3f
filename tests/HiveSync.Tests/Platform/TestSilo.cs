using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using System.Text.Json.Nodes;
using HiveSync.Silo;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace HiveSync.Tests.Platform;

/// <summary>
/// A real HiveSync silo (Orleans + Kestrel on a loopback port) on a fresh database, shared by one test class
/// (<c>IClassFixture&lt;TestSilo&gt;</c>). Requests go over real HTTP through the whole pipeline.
/// </summary>
public class TestSilo : IAsyncLifetime
{
    private SiloHost? _host;

    public HttpClient Http { get; private set; } = null!;

    public string ConnectionString { get; private set; } = "";

    public Uri BaseAddress { get; private set; } = null!;

    public IServiceProvider Services => _host!.App.Services;

    /// <summary>Settings a test class wants on top of the defaults.</summary>
    protected virtual IEnumerable<KeyValuePair<string, string?>> Settings => [];

    public async Task InitializeAsync()
    {
        ConnectionString = await TestPostgres.CreateDatabaseAsync(GetType().Name);
        _host = await BuildHostAsync([new("ConnectionStrings:Postgres", ConnectionString), .. Settings]);
        await _host.App.StartAsync();
        BaseAddress = new Uri(_host.Urls.First().Replace("[::]", "127.0.0.1", StringComparison.Ordinal));
        Http = NewClient();
    }

    public async Task DisposeAsync()
    {
        Http?.Dispose();
        if (_host is not null)
        {
            await _host.App.StopAsync();
            await _host.DisposeAsync();
        }

        // Orleans' providers pool connections by connection string; this database is done with, so free them.
        using var pooled = new NpgsqlConnection(ConnectionString);
        NpgsqlConnection.ClearPool(pooled);
    }

    /// <summary>
    /// Every test shares 127.0.0.1 and signs in many times a minute: limits this high keep rate limiting out of
    /// tests about something else. The rate-limit tests set their own.
    /// </summary>
    public static IReadOnlyDictionary<string, string?> GenerousRateLimits { get; } = new Dictionary<string, string?>
    {
        ["RateLimits:AnonymousPerMinute:default"] = "1000000",
        ["RateLimits:AnonymousPerMinute:billing_webhook"] = "1000000", // named in the defaults, so not covered by default
        ["RateLimits:AnonymousPerMinute:storage"] = "1000000",
        ["Tiers:Free:RequestsPerMinute:default"] = "1000000",
        ["Tiers:Pro:RequestsPerMinute:default"] = "1000000",
        ["Tiers:Premium:RequestsPerMinute:default"] = "1000000",
        ["LoginGuard:FailuresPerWindow"] = "10000",
    };

    /// <summary>What every silo a test starts has, in-process or not (ports and database aside).</summary>
    public static IReadOnlyDictionary<string, string?> CommonSettings { get; } = new Dictionary<string, string?>(GenerousRateLimits)
    {
        // Hashing cost is not under test here (see PasswordHashingTests); keep the suite fast.
        ["Auth:PasswordHashIterations"] = "1000",

        // Every registration sends a verification email: into one throwaway folder, not a developer's pickup folder.
        ["Email:PickupDirectory"] = Path.Combine(Path.GetTempPath(), "hivesync-test-mail"),

        // Likewise stored objects (and the local folder's signing key), should a test store any.
        ["Storage:Local:Directory"] = Path.Combine(Path.GetTempPath(), "hivesync-test-storage"),
    };

    /// <summary>
    /// Builds (does not start) a silo host in the test process: loopback, fresh ports, a cluster of its own, warnings
    /// and worse logged, <see cref="CommonSettings"/>, then <paramref name="settings"/>. Every in-process silo of the
    /// tests is built here.
    /// </summary>
    public static Task<SiloHost> BuildHostAsync(IEnumerable<KeyValuePair<string, string?>> settings)
    {
        var all = new Dictionary<string, string?>(CommonSettings)
        {
            ["urls"] = "http://127.0.0.1:0",
            ["Orleans:ClusterId"] = "test-" + Guid.NewGuid().ToString("N")[..8],
            ["Orleans:SiloPort"] = FreePort().ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Logging:LogLevel:Default"] = "Warning",
        };
        foreach (var (key, value) in settings)
        {
            all[key] = value;
        }

        return SiloHost.BuildAsync([], config => config.AddInMemoryCollection(all));
    }

    /// <summary>A client of its own (its own connections and cookies), for requests that must not share <see cref="Http"/>'s.</summary>
    public HttpClient NewClient() => new() { BaseAddress = BaseAddress };

    /// <summary>Sends one request through <see cref="Http"/> (which keeps cookies; see <c>SessionTokenTestKit.CookielessClient</c>).</summary>
    public Task<HttpResponseMessage> SendAsync(TestRequest request) => Http.SendAsync(request);

    public T Service<T>()
        where T : notnull => Services.GetRequiredService<T>();

    /// <summary>Registers a new account and returns the sign-in answer's <c>data</c>.</summary>
    public Task<SignedIn> RegisterAsync(string? email = null, string password = ApiCalls.Password, string? deviceName = null) =>
        Http.RegisterAsync(email, password, deviceName);

    public async Task<NpgsqlConnection> OpenDatabaseAsync()
    {
        var connection = new NpgsqlConnection(ConnectionString);
        await connection.OpenAsync();
        return connection;
    }

    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}

/// <summary>The parts of a register/login/refresh answer that tests use next.</summary>
public sealed record SignedIn(long UserId, string Email, string Password, string AccessToken, string RefreshToken, Guid SessionId, JsonNode Data)
{
    public static SignedIn From(JsonNode data, string password) => new(
        data["user"]!["id"]!.GetValue<long>(),
        data["user"]!["email"]!.GetValue<string>(),
        password,
        data["access_token"]!.GetValue<string>(),
        data["refresh_token"]!.GetValue<string>(),
        Guid.Parse(data["session_id"]!.GetValue<string>()),
        data);
}

/// <summary>Requests every level of test makes, on any client: a silo's, a silo process's, a cluster member's.</summary>
public static class ApiCalls
{
    /// <summary>The password of every test account whose test does not choose one.</summary>
    public const string Password = "correct horse battery";

    /// <summary>Registers a new account (asserting 201) and returns the sign-in answer's <c>data</c>.</summary>
    public static async Task<SignedIn> RegisterAsync(this HttpClient client, string? email = null, string password = Password, string? deviceName = null)
    {
        email ??= $"user-{Guid.NewGuid():N}@example.com";
        using var response = await client.SendAsync(new TestRequest(HttpMethod.Post, "/api/v1/auth/register")
        {
            Body = JsonSerializer.Serialize(new { email, password, device_name = deviceName }),
        });
        var body = await response.ReadJsonAsync();
        Assert.True(response.StatusCode == HttpStatusCode.Created, body.ToJsonString());
        return SignedIn.From(body["data"]!, password);
    }
}

public static class HttpAssertions
{
    public static async Task<JsonNode> ReadJsonAsync(this HttpResponseMessage response)
    {
        var text = await response.Content.ReadAsStringAsync();
        return JsonNode.Parse(text) ?? throw new InvalidOperationException("Empty JSON body.");
    }

    /// <summary>Asserts the status and the error envelope's shape and code; returns the error object.</summary>
    public static async Task<JsonNode> AssertErrorAsync(this HttpResponseMessage response, HttpStatusCode status, string code)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == status, $"expected {(int)status}, got {(int)response.StatusCode}: {text}");
        Assert.StartsWith("application/json", response.Content.Headers.ContentType?.ToString(), StringComparison.Ordinal);
        var root = JsonNode.Parse(text)!.AsObject();
        Assert.Equal(["error"], root.Select(p => p.Key));
        var error = root["error"]!.AsObject();
        Assert.Equal(["code", "message", "details"], error.Select(p => p.Key));
        Assert.Equal(code, error["code"]!.GetValue<string>());
        Assert.False(string.IsNullOrWhiteSpace(error["message"]!.GetValue<string>()));
        Assert.DoesNotContain("   at ", text, StringComparison.Ordinal); // never a stack trace
        return error;
    }

    /// <summary>Asserts a validation error naming the given fields in its details.</summary>
    public static async Task<JsonNode> AssertValidationErrorAsync(this HttpResponseMessage response, params string[] fields)
    {
        var error = await response.AssertErrorAsync(HttpStatusCode.BadRequest, "VALIDATION_ERROR");
        foreach (var field in fields)
        {
            Assert.True(error["details"]?[field] is JsonArray { Count: > 0 }, $"details lack '{field}': {error.ToJsonString()}");
        }

        return error;
    }

    public static JsonSerializerOptions SnakeCase { get; } = new() { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };
}
