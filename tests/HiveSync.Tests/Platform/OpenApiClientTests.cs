using System.Diagnostics;

namespace HiveSync.Tests.Platform;

/// <summary>
/// The OpenAPI document as client developers use it (tools in <c>tests/openapi-client</c>, installed by
/// <c>.ci/run</c> or here on first use): it lints clean under Redocly's recommended rules, and a TypeScript client
/// generated from it with openapi-typescript compiles under strict tsc and drives a live silo through sign-up,
/// sign-in, the user, the profile, sessions, an error and logout (<c>smoke.ts</c>).
/// </summary>
public sealed class OpenApiClientTests(TestSilo silo) : IClassFixture<TestSilo>
{
    private static readonly string ClientDirectory = FindClientDirectory();

    [Fact]
    public async Task The_document_lints_clean_and_a_generated_typescript_client_compiles_and_works_against_a_silo()
    {
        await EnsureToolsAsync();
        var build = Directory.CreateDirectory(Path.Combine(ClientDirectory, "build")).FullName;
        var document = Path.Combine(build, "v1.json");
        await File.WriteAllTextAsync(document, await silo.Http.GetStringAsync("/openapi/v1.json"));

        var lint = await RunAsync(Tool("redocly"), "lint", document, "--format=stylish");
        var problems = System.Text.RegularExpressions.Regex.Matches(lint.Output, @"^\s*\d+:\d+\s+(error|warning)\s", System.Text.RegularExpressions.RegexOptions.Multiline);
        Assert.True(lint.ExitCode == 0 && problems.Count == 0, "Redocly (errors and warnings both count): " + lint.Output);

        var generate = await RunAsync(Tool("openapi-typescript"), document, "-o", Path.Combine(build, "api.d.ts"));
        Assert.True(generate.ExitCode == 0, "openapi-typescript: " + generate.Output);

        var compile = await RunAsync(Tool("tsc"), "-p", Path.Combine(ClientDirectory, "tsconfig.json"));
        Assert.True(compile.ExitCode == 0, "tsc: " + compile.Output);

        var smoke = await RunAsync("node", Path.Combine(build, "out", "smoke.js"), silo.BaseAddress.ToString().TrimEnd('/'));
        Assert.True(smoke.ExitCode == 0 && smoke.Output.Contains("smoke: ok", StringComparison.Ordinal), "smoke: " + smoke.Output);
    }

    private static string Tool(string name) => Path.Combine(ClientDirectory, "node_modules", ".bin", name);

    private static async Task EnsureToolsAsync()
    {
        if (!File.Exists(Tool("redocly")))
        {
            var install = await RunAsync("npm", "ci", "--no-audit", "--no-fund");
            Assert.True(install.ExitCode == 0, "npm ci in tests/openapi-client: " + install.Output);
        }
    }

    private static async Task<(int ExitCode, string Output)> RunAsync(string fileName, params string[] arguments)
    {
        var start = new ProcessStartInfo(fileName) { WorkingDirectory = ClientDirectory, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        start.Environment["REDOCLY_TELEMETRY"] = "off";
        start.Environment["REDOCLY_SUPPRESS_UPDATE_NOTICE"] = "true";
        start.Environment["NO_COLOR"] = "1";
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromMinutes(5));
        return (process.ExitCode, await output + await errors);
    }

    private static string FindClientDirectory()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            var candidate = Path.Combine(directory.FullName, "tests", "openapi-client");
            if (File.Exists(Path.Combine(candidate, "package.json")))
            {
                return candidate;
            }
        }

        throw new DirectoryNotFoundException("tests/openapi-client not found above " + AppContext.BaseDirectory);
    }
}
