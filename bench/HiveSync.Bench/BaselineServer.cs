namespace HiveSync.Bench;

/// <summary>
/// The yardstick: bare Kestrel with one minimal-API route and nothing else, in its own process with the silo's GC
/// settings (same Web SDK). A scenario's requests/s over this one's says what the HiveSync pipeline costs.
/// </summary>
public static class BaselineServer
{
    public static async Task RunAsync(string urls)
    {
        var builder = WebApplication.CreateSlimBuilder([]);
        builder.WebHost.UseUrls(urls);
        builder.Logging.SetMinimumLevel(LogLevel.Warning); // like the silo: no per-request log lines
        var app = builder.Build();
        app.MapGet("/json", () => TypedResults.Json(new Greeting("Hello, World!")));
        await app.RunAsync();
    }
}

internal sealed record Greeting(string Message);
