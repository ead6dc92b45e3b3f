using HiveSync.Silo.Platform;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace HiveSync.Tests.Platform;

/// <summary>The console's default levels: HiveSync's information and everyone's warnings; settings override them.</summary>
public sealed class ConsoleLoggingTests
{
    private static readonly string[] FrameworkRoutine =
    [
        "Polly",
        "Orleans.Runtime.SiloOptionsLogger",
        "Orleans.Runtime.MembershipService.MembershipAgent",
        "Microsoft.AspNetCore.Routing.EndpointMiddleware",
        "Microsoft.Hosting.Lifetime",
        "System.Net.Http.HttpClient.LemonSqueezyApi.LogicalHandler",
        "Npgsql.Command",
    ];

    private static readonly string[] HiveSyncOwn = ["HiveSync.Database", "HiveSync.Silo", "HiveSync.WebApi.Platform.RequestIdMiddleware"];

    [Fact]
    public void By_default_the_framework_logs_warnings_and_hivesync_logs_information()
    {
        using var app = Build([]);
        var loggers = app.Services.GetRequiredService<ILoggerFactory>();

        Assert.All(FrameworkRoutine, c => Assert.False(loggers.CreateLogger(c).IsEnabled(LogLevel.Information), c));
        Assert.All(FrameworkRoutine, c => Assert.True(loggers.CreateLogger(c).IsEnabled(LogLevel.Warning), c));
        Assert.All(HiveSyncOwn, c => Assert.True(loggers.CreateLogger(c).IsEnabled(LogLevel.Information), c));
    }

    [Fact]
    public void The_hosts_per_request_diagnostics_are_off_by_default_and_a_setting_turns_them_back_on()
    {
        const string Category = "Microsoft.AspNetCore.Hosting.Diagnostics";
        using (var app = Build([]))
        {
            // Enabled at any level, the host makes a log scope and an Activity for every request.
            Assert.False(app.Services.GetRequiredService<ILoggerFactory>().CreateLogger(Category).IsEnabled(LogLevel.Critical));
        }

        using var configured = Build([$"--Logging:LogLevel:{Category}=Warning"]);
        Assert.True(configured.Services.GetRequiredService<ILoggerFactory>().CreateLogger(Category).IsEnabled(LogLevel.Warning));
    }

    [Fact]
    public void Logging_settings_from_the_command_line_or_configuration_override_the_defaults()
    {
        using var app = Build(["--Logging:LogLevel:Polly=Information", "--Logging:LogLevel:HiveSync=Warning"], ("Logging:LogLevel:Orleans", "Debug"));
        var loggers = app.Services.GetRequiredService<ILoggerFactory>();

        Assert.True(loggers.CreateLogger("Polly").IsEnabled(LogLevel.Information));
        Assert.True(loggers.CreateLogger("Orleans.Runtime.SiloOptionsLogger").IsEnabled(LogLevel.Debug));
        Assert.False(loggers.CreateLogger("HiveSync.Silo").IsEnabled(LogLevel.Information));
        Assert.False(loggers.CreateLogger("Microsoft.AspNetCore.Hosting.Diagnostics").IsEnabled(LogLevel.Information));
    }

    [Fact]
    public void The_boot_logger_before_the_host_uses_the_same_levels()
    {
        var builder = WebApplication.CreateBuilder(["--Logging:LogLevel:HiveSync.Database=Warning"]);
        builder.AddHiveSyncConsoleLogging();
        using var boot = ConsoleLogging.CreateBootLogging(builder.Configuration);

        Assert.False(boot.CreateLogger("HiveSync.Database").IsEnabled(LogLevel.Information));
        Assert.True(boot.CreateLogger("HiveSync.Migrations").IsEnabled(LogLevel.Information));
        Assert.False(boot.CreateLogger("Npgsql.Connection").IsEnabled(LogLevel.Information));
    }

    private static WebApplication Build(string[] args, params (string Key, string Value)[] settings)
    {
        var builder = WebApplication.CreateBuilder(args);
        builder.Configuration.AddInMemoryCollection(settings.Select(s => new KeyValuePair<string, string?>(s.Key, s.Value)));
        builder.AddHiveSyncConsoleLogging();
        return builder.Build();
    }
}
