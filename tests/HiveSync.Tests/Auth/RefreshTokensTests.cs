using System.Security.Cryptography;
using System.Text;
using HiveSync.Grains.Auth;

namespace HiveSync.Tests.Auth;

public sealed class RefreshTokensTests
{
    private static readonly Guid Session = Guid.Parse("0193a7e2-5c1b-7b6e-9f00-4d2a51c0ffee");

    [Fact]
    public void Create_names_the_user_and_session_and_carries_256_random_bits()
    {
        var (token, _) = RefreshTokens.Create(42, Session);

        Assert.Matches("^hsr2\\.42\\.0193a7e25c1b7b6e9f004d2a51c0ffee\\.[A-Za-z0-9_-]{43}$", token);
        Assert.Equal(32, System.Buffers.Text.Base64Url.DecodeFromChars(token.AsSpan(token.LastIndexOf('.') + 1)).Length);
        Assert.True(RefreshTokens.TryReadOwner(token, out var userId, out var sessionId));
        Assert.Equal(42, userId);
        Assert.Equal(Session, sessionId);
    }

    [Fact]
    public void Create_returns_the_sha256_of_the_token_as_its_hash()
    {
        var (token, hash) = RefreshTokens.Create(42, Session);

        Assert.Equal(SHA256.HashData(Encoding.UTF8.GetBytes(token)), hash);
        Assert.Equal(hash, RefreshTokens.Hash(token));
        Assert.Equal(32, hash.Length);
    }

    [Fact]
    public void Create_never_repeats_a_token()
    {
        var tokens = Enumerable.Range(0, 1000).Select(_ => RefreshTokens.Create(42, Session).Token).ToList();

        Assert.Equal(tokens.Count, tokens.Distinct(StringComparer.Ordinal).Count());
    }

    [Fact]
    public void Different_tokens_have_different_hashes()
    {
        Assert.NotEqual(RefreshTokens.Hash("hsr_a"), RefreshTokens.Hash("hsr_b"));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("garbage")]
    [InlineData("hsr2.")]
    [InlineData("hsr2.42.0193a7e25c1b7b6e9f004d2a51c0ffee")]
    [InlineData("hsr2.42.0193a7e25c1b7b6e9f004d2a51c0ffee.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")]
    [InlineData("hsr2.42.0193a7e25c1b7b6e9f004d2a51c0ffee.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA+")]
    [InlineData("hsr2.0.0193a7e25c1b7b6e9f004d2a51c0ffee.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")]
    [InlineData("hsr2.-4.0193a7e25c1b7b6e9f004d2a51c0ffee.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")]
    [InlineData("hsr2.42.not-a-guid.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")]
    [InlineData("hsr2.42.0193a7e2-5c1b-7b6e-9f00-4d2a51c0ffee.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")]
    [InlineData("hsr2.42.0193a7e25c1b7b6e9f004d2a51c0ffee.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA.x")]
    [InlineData("HSR2.42.0193a7e25c1b7b6e9f004d2a51c0ffee.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")]
    [InlineData("hsr_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")]
    public void TryReadOwner_refuses_anything_not_shaped_like_a_current_refresh_token(string? token)
    {
        Assert.False(RefreshTokens.TryReadOwner(token, out _, out _));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("garbage")]
    [InlineData("hsr_")]
    [InlineData("hsr_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")]
    [InlineData("hsr_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")]
    [InlineData("xyz_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")]
    [InlineData("HSR_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")]
    [InlineData("hsr_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA+")]
    [InlineData("hsr_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA/")]
    [InlineData("hsr_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=")]
    [InlineData("hsr_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAé")]
    [InlineData("hsr_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA ")]
    public void LooksLikeLegacy_refuses_anything_not_shaped_like_an_earlier_refresh_token(string? token)
    {
        Assert.False(RefreshTokens.LooksLikeLegacy(token));
    }

    [Fact]
    public void LooksLikeLegacy_accepts_the_full_base64url_alphabet()
    {
        Assert.True(RefreshTokens.LooksLikeLegacy("hsr_abcdefghijklmnopqrstuvwxyzABCDEFGHIJ-_01234"));
    }
}
