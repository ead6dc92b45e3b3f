using System.ComponentModel.DataAnnotations;

namespace HiveSync.Grains.Interfaces.Auth;

/// <summary>Settings of section <c>Auth</c>, shared by the API (tokens) and the grains (sessions, passwords).</summary>
public sealed class AuthOptions
{
    public const string Section = "Auth";

    /// <summary>HMAC-SHA256 key for access tokens, base64, at least 32 bytes. When empty, one is generated
    /// once and kept in PostgreSQL so that every silo of the cluster signs and checks with the same key.</summary>
    public string? SigningKey { get; set; }

    /// <summary>
    /// A key of its own for one use (refresh tokens, CSRF tokens), derived from <see cref="SigningKey"/> with that use's
    /// label, so nothing one use signs is ever a valid signature of another.
    /// </summary>
    public byte[] DerivedKey(ReadOnlySpan<byte> label) =>
        System.Security.Cryptography.HMACSHA256.HashData(
            Convert.FromBase64String(SigningKey ?? throw new InvalidOperationException("Auth:SigningKey is not set and was not generated at start-up.")),
            label);

    [Required]
    public string Issuer { get; set; } = "hivesync";

    [Required]
    public string Audience { get; set; } = "hivesync-api";

    [Range(typeof(TimeSpan), "00:01:00", "01:00:00")]
    public TimeSpan AccessTokenLifetime { get; set; } = TimeSpan.FromMinutes(15);

    [Range(typeof(TimeSpan), "01:00:00", "365.00:00:00")]
    public TimeSpan RefreshTokenLifetime { get; set; } = TimeSpan.FromDays(30);

    /// <summary>PBKDF2-HMAC-SHA512 iterations; OWASP's current figure is 210,000.</summary>
    [Range(1_000, 10_000_000)]
    public int PasswordHashIterations { get; set; } = 210_000;

    /// <summary>Live sessions per user; opening one more ends the least recently used.</summary>
    [Range(1, 1000)]
    public int MaxSessionsPerUser { get; set; } = 50;

    /// <summary>How long a one-time login token (<c>POST /auth/session-token</c>) can be exchanged.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "00:10:00")]
    public TimeSpan SessionTokenLifetime { get; set; } = TimeSpan.FromSeconds(90);

    /// <summary>The web frontend: one-time login links are <c>{WebBaseUrl}/login/session/{token}</c>.</summary>
    [Required]
    public string WebBaseUrl { get; set; } = "https://hivesync.dev";

    /// <summary>The <c>Secure</c> attribute of the session cookies; unset: secure except in Development.</summary>
    public bool? CookieSecure { get; set; }

    /// <summary>The session cookies' <c>Domain</c> (e.g. the parent domain of web frontend and API); unset: this host only.</summary>
    public string? CookieDomain { get; set; }
}
