using System.Security.Cryptography;
using HiveSync.WebApi.Platform.Auth;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace HiveSync.Tests.Auth;

/// <summary>The verified-token memory of the bearer check: it saves work, never changes an answer.</summary>
public sealed class RememberingTokenHandlerTests
{
    private static readonly SymmetricSecurityKey Key = new(RandomNumberGenerator.GetBytes(32));

    private static readonly TokenValidationParameters Parameters = new()
    {
        ValidIssuer = "hivesync",
        ValidAudience = "hivesync-api",
        IssuerSigningKey = Key,
        ValidAlgorithms = [SecurityAlgorithms.HmacSha256],
        ClockSkew = TimeSpan.Zero,
    };

    [Fact]
    public async Task A_remembered_token_answers_like_a_fresh_check_with_one_shared_identity()
    {
        var handler = new RememberingTokenHandler();
        var token = Mint(DateTime.UtcNow.AddMinutes(5));

        var first = await handler.ValidateTokenAsync(token, Parameters);
        var second = await handler.ValidateTokenAsync(token, Parameters);
        var third = await handler.ValidateTokenAsync(token, Parameters);

        Assert.True(first.IsValid);
        Assert.True(second.IsValid);
        Assert.Equal("42", second.ClaimsIdentity.FindFirst("sub")?.Value);
        Assert.Equal("user", second.ClaimsIdentity.FindFirst("role")?.Value);
        Assert.Same(second.ClaimsIdentity, third.ClaimsIdentity); // no copy per request: nothing changes it
    }

    [Fact]
    public async Task The_current_identity_carries_the_session_checks_role_and_tier_and_leaves_the_shared_one_alone()
    {
        var handler = new RememberingTokenHandler();
        var token = Mint(DateTime.UtcNow.AddMinutes(5));
        var verified = (await handler.ValidateTokenAsync(token, Parameters)).ClaimsIdentity;
        var shared = (await handler.ValidateTokenAsync(token, Parameters)).ClaimsIdentity;

        var asPro = SessionValidation.Current(shared, Check("user", "pro"));
        var again = SessionValidation.Current(shared, Check("user", "pro"));
        var promoted = SessionValidation.Current(shared, Check("admin", "premium"));

        Assert.Equal(("user", "pro"), (asPro.FindFirst("role")?.Value, asPro.FindFirst("tier")?.Value));
        Assert.Same(asPro, again); // made once while role and tier stay as they are
        Assert.Equal(("admin", "premium"), (promoted.FindFirst("role")?.Value, promoted.FindFirst("tier")?.Value));
        Assert.Single(promoted.FindAll("role"));
        Assert.Equal(("user", "pro"), (asPro.FindFirst("role")?.Value, asPro.FindFirst("tier")?.Value)); // an earlier request's copy is not changed
        foreach (var identity in new[] { verified, shared })
        {
            Assert.Equal("user", identity.FindFirst("role")?.Value);
            Assert.Null(identity.FindFirst("tier"));
        }
    }

    private static HiveSync.Grains.Interfaces.Auth.SessionCheck Check(string role, string tier) =>
        new(HiveSync.Grains.Interfaces.Auth.SessionCheckResult.Active, role, tier);

    [Fact]
    public async Task A_remembered_token_is_refused_once_it_expires()
    {
        var handler = new RememberingTokenHandler();
        var token = Mint(DateTime.UtcNow.AddSeconds(2));
        Assert.True((await handler.ValidateTokenAsync(token, Parameters)).IsValid);

        await Task.Delay(TimeSpan.FromSeconds(2.5));

        var later = await handler.ValidateTokenAsync(token, Parameters);
        Assert.False(later.IsValid);
        Assert.IsType<SecurityTokenExpiredException>(later.Exception);
    }

    [Fact]
    public async Task A_refused_token_is_refused_again_and_a_tampered_copy_of_a_remembered_one_is_refused()
    {
        var handler = new RememberingTokenHandler();
        var token = Mint(DateTime.UtcNow.AddMinutes(5));
        Assert.True((await handler.ValidateTokenAsync(token, Parameters)).IsValid);

        var otherKey = Mint(DateTime.UtcNow.AddMinutes(5), new SymmetricSecurityKey(RandomNumberGenerator.GetBytes(32)));
        Assert.False((await handler.ValidateTokenAsync(otherKey, Parameters)).IsValid);
        Assert.False((await handler.ValidateTokenAsync(otherKey, Parameters)).IsValid);

        var parts = token.Split('.');
        var tampered = parts[0] + "." + parts[1] + "." + (parts[2][0] == 'A' ? "B" : "A") + parts[2][1..];
        Assert.False((await handler.ValidateTokenAsync(tampered, Parameters)).IsValid);
    }

    [Fact]
    public async Task Only_a_token_verified_earlier_and_still_live_is_recalled_by_its_text()
    {
        var handler = new RememberingTokenHandler();
        var token = Mint(DateTime.UtcNow.AddSeconds(2));
        var header = "Bearer " + token;
        Assert.False(handler.TryRecall(token, out _)); // never verified: nothing to recall

        var verified = await handler.ValidateTokenAsync(token, Parameters);
        var again = await handler.ValidateTokenAsync(token, Parameters);

        Assert.True(verified.IsValid);
        Assert.True(handler.TryRecall(header.AsSpan("Bearer ".Length), out var recalled)); // a slice of the header, not a copy
        Assert.Same(again.ClaimsIdentity, recalled);
        Assert.False(handler.TryRecall(token.AsSpan(0, token.Length - 1), out _));
        Assert.False(handler.TryRecall(token + "A", out _));

        await Task.Delay(TimeSpan.FromSeconds(2.5));
        Assert.False(handler.TryRecall(token, out _)); // expired: verified again, and refused
    }

    private static string Mint(DateTime expires, SymmetricSecurityKey? key = null) => new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
    {
        Issuer = "hivesync",
        Audience = "hivesync-api",
        IssuedAt = expires.AddMinutes(-10),
        NotBefore = expires.AddMinutes(-10),
        Expires = expires,
        Claims = new Dictionary<string, object> { ["sub"] = "42", ["sid"] = Guid.NewGuid().ToString(), ["role"] = "user" },
        SigningCredentials = new SigningCredentials(key ?? Key, SecurityAlgorithms.HmacSha256),
    });
}
