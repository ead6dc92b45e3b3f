using System.Security.Cryptography;
using System.Text;
using HiveSync.Grains.Auth;

namespace HiveSync.Tests.Auth;

public sealed class RefreshTokensTests
{
    [Fact]
    public void Create_makes_an_hsr_prefixed_base64url_token_of_256_random_bits()
    {
        var (token, _) = RefreshTokens.Create();

        Assert.StartsWith("hsr_", token, StringComparison.Ordinal);
        Assert.Equal(47, token.Length);
        Assert.Matches("^hsr_[A-Za-z0-9_-]{43}$", token);
        Assert.Equal(32, System.Buffers.Text.Base64Url.DecodeFromChars(token.AsSpan(4)).Length);
        Assert.True(RefreshTokens.LooksValid(token));
    }

    [Fact]
    public void Create_returns_the_sha256_of_the_token_as_its_hash()
    {
        var (token, hash) = RefreshTokens.Create();

        Assert.Equal(SHA256.HashData(Encoding.UTF8.GetBytes(token)), hash);
        Assert.Equal(hash, RefreshTokens.Hash(token));
        Assert.Equal(32, hash.Length);
    }

    [Fact]
    public void Create_never_repeats_a_token()
    {
        var tokens = Enumerable.Range(0, 1000).Select(_ => RefreshTokens.Create().Token).ToList();

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
    public void LooksValid_refuses_anything_not_shaped_like_a_refresh_token(string? token)
    {
        Assert.False(RefreshTokens.LooksValid(token));
    }

    [Fact]
    public void LooksValid_accepts_the_full_base64url_alphabet()
    {
        Assert.True(RefreshTokens.LooksValid("hsr_abcdefghijklmnopqrstuvwxyzABCDEFGHIJ-_01234"));
    }
}
