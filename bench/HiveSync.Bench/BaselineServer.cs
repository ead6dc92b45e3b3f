using Orleans;

namespace HiveSync.Bench;

/// <summary>
/// The yardsticks: bare Kestrel with minimal-API routes and nothing else, in its own process with the silo's GC
/// settings (same Web SDK). <c>/json</c> is the machine's ceiling; <c>/grains/{n}</c> adds n calls to an in-memory
/// grain of a co-hosted Orleans silo (no persistence, no middleware), the floor of any route served from grain memory.
/// A scenario's requests/s over these says what the HiveSync pipeline costs on top.
/// </summary>
public static class BaselineServer
{
    public const int GrainKeys = 256;

    public static async Task RunAsync(string urls)
    {
        var builder = WebApplication.CreateSlimBuilder([]);
        builder.WebHost.UseUrls(urls);
        builder.Logging.SetMinimumLevel(LogLevel.Warning); // like the silo: no per-request log lines
        builder.UseOrleans(silo => silo.UseLocalhostClustering(siloPort: FreePort(), gatewayPort: FreePort()));
        var app = builder.Build();
        app.MapGet("/json", () => TypedResults.Json(new Greeting("Hello, World!")));
        app.MapGet("/grains/{calls:int:range(1,4)}", async (int calls, IGrainFactory grains) =>
        {
            var grain = grains.GetGrain<IBaselineGrain>(Random.Shared.Next(GrainKeys));
            var greeting = await grain.Greet();
            for (var i = 1; i < calls; i++)
            {
                greeting = await grain.Greet();
            }

            return TypedResults.Json(greeting);
        });
        await app.RunAsync();
    }

    private static int FreePort()
    {
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        return ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
    }
}

[GenerateSerializer]
[Immutable]
public sealed record Greeting([property: Id(0)] string Message);

public interface IBaselineGrain : IGrainWithIntegerKey
{
    Task<Greeting> Greet();
}

public sealed class BaselineGrain : Grain, IBaselineGrain
{
    private readonly Greeting _greeting = new("Hello, World!");

    public Task<Greeting> Greet() => Task.FromResult(_greeting);
}
