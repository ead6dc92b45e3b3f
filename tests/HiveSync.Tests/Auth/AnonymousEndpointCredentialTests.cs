using System.Net;
using HiveSync.Tests.Platform;
using Microsoft.Extensions.Logging;
using static HiveSync.Tests.Auth.AuthTestKit;

namespace HiveSync.Tests.Auth;

/// <summary>A silo whose authentication logs every outcome, so a test can see whether they ran.</summary>
public sealed class AuthLoggingSilo : TestSilo
{
    public const string AuthCategory = "HiveSync.WebApi.Platform.Auth";

    private CapturedLog? _log;

    protected override IEnumerable<KeyValuePair<string, string?>> Settings => [new($"Logging:LogLevel:{AuthCategory}", "Debug")];

    /// <summary>Authentication's log lines so far (capture starts at the first call).</summary>
    public List<string> AuthLines() => (_log ??= Capture()).Lines(AuthCategory);

    private CapturedLog Capture()
    {
        var log = new CapturedLog();
        Service<ILoggerFactory>().AddProvider(log);
        return log;
    }
}

/// <summary>Anonymous entry points ignore credentials: nothing authenticates them, whatever a request carries.</summary>
public sealed class AnonymousEndpointCredentialTests(AuthLoggingSilo silo) : IClassFixture<AuthLoggingSilo>
{
    private readonly AuthLoggingSilo _silo = silo;

    [Fact]
    public async Task An_anonymous_endpoint_with_a_valid_or_a_malformed_bearer_token_runs_no_authentication()
    {
        var user = await _silo.RegisterAsync();
        var before = _silo.AuthLines().Count;

        using var valid = await _silo.GetAsync("/health/live", user.AccessToken);
        using var malformed = await _silo.GetAsync("/health/live", "not.a.token");

        Assert.Equal(HttpStatusCode.OK, valid.StatusCode);
        Assert.Equal(HttpStatusCode.OK, malformed.StatusCode);
        Assert.Equal(before, _silo.AuthLines().Count);
    }

    [Fact]
    public async Task A_signed_in_endpoint_authenticates_once_per_request_and_its_failure_keeps_its_code()
    {
        var user = await _silo.RegisterAsync();
        var before = _silo.AuthLines().Count;

        using var me = await _silo.GetAsync("/api/v1/user/me", user.AccessToken);
        await me.AssertOkJsonAsync();
        Assert.Single(_silo.AuthLines().Skip(before), l => l.Contains("authenticated by Bearer", StringComparison.Ordinal));

        using var malformed = await _silo.GetAsync("/api/v1/user/me", "not.a.token");
        await malformed.AssertErrorAsync(HttpStatusCode.Unauthorized, "AUTH_TOKEN_INVALID");
    }
}
