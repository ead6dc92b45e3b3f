using Microsoft.Extensions.Configuration.Memory;
using Microsoft.Extensions.Logging.Console;

namespace HiveSync.Silo.Platform;

/// <summary>
/// The console as an operator reads it: one line an entry, UTC timestamps, the request id of the request it belongs
/// to; HiveSync's own information and every library's warnings and errors. The libraries' routine information
/// (Orleans' options dump and membership steps, a Polly line per grain placement, ASP.NET Core's lines per request,
/// HttpClient's per call) is below their default level.
/// </summary>
public static class ConsoleLogging
{
    /// <summary>
    /// The default levels, as settings of the lowest precedence: any <c>Logging:LogLevel:...</c> from a settings file,
    /// the environment or the command line overrides them.
    /// </summary>
    public static IReadOnlyDictionary<string, string?> DefaultLevels { get; } = new Dictionary<string, string?>
    {
        ["Logging:LogLevel:Microsoft"] = "Warning",
        ["Logging:LogLevel:Orleans"] = "Warning",
        ["Logging:LogLevel:Polly"] = "Warning",
        ["Logging:LogLevel:Npgsql"] = "Warning",
        ["Logging:LogLevel:System.Net.Http.HttpClient"] = "Warning",

        // While this category is on at any level, the host opens a log scope and starts an Activity (random trace id,
        // trace-context headers parsed) for every request: 13 µs of a signed-in read's 86 on two cores. It writes only
        // its per-request lines (Information) and start-up failures, which also end the process with the exception.
        ["Logging:LogLevel:Microsoft.AspNetCore.Hosting.Diagnostics"] = "None",
    };

    public static void AddHiveSyncConsoleLogging(this WebApplicationBuilder builder)
    {
        builder.Configuration.Sources.Insert(0, new MemoryConfigurationSource { InitialData = DefaultLevels });

        // No trace or span ids on every line: nothing exports traces, and the request id already ties a request's lines together.
        builder.Logging.Configure(o => o.ActivityTrackingOptions = ActivityTrackingOptions.None);
        builder.Logging.AddSimpleConsole(Format);
    }

    /// <summary>The same console before the host exists (finding the database), with the same levels.</summary>
    public static ILoggerFactory CreateBootLogging(IConfiguration configuration) =>
        LoggerFactory.Create(l => l.AddConfiguration(configuration.GetSection("Logging")).AddSimpleConsole(Format));

    private static void Format(SimpleConsoleFormatterOptions o)
    {
        o.IncludeScopes = true; // the request id scope appears on every line of a request
        o.SingleLine = true;
        o.TimestampFormat = "yyyy-MM-ddTHH:mm:ss.fffZ ";
        o.UseUtcTimestamp = true;
    }
}
