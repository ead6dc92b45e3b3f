using System.Security.Cryptography;
using System.Text;
using HiveSync.Grains.Auth;

namespace HiveSync.Tests.Auth;

public sealed class RefreshTokensTests
{
    private static readonly Guid Session = Guid.Parse("0193a7e2-5c1b-7b6e-9f00-4d2a51c0ffee");

    private static readonly byte[] Key = RandomNumberGenerator.GetBytes(32);

    [Fact]
    public void Create_names_the_user_session_and_generation_and_signs_them_with_256_bits()
    {
        var token = RefreshTokens.Create(42, Session, 7, Key);

        Assert.Matches("^hsr3\\.42\\.0193a7e25c1b7b6e9f004d2a51c0ffee\\.7\\.[A-Za-z0-9_-]{43}$", token);
        Assert.Equal(
            HMACSHA256.HashData(Key, Encoding.ASCII.GetBytes("hsr3.42.0193a7e25c1b7b6e9f004d2a51c0ffee.7")),
            System.Buffers.Text.Base64Url.DecodeFromChars(token.AsSpan(token.LastIndexOf('.') + 1)));
        Assert.True(RefreshTokens.TryReadSigned(token, out var read));
        Assert.Equal((42L, Session, 7L), (read.UserId, read.SessionId, read.Generation));
        Assert.True(read.IsGenuine(Key));
        Assert.True(RefreshTokens.TryReadOwner(token, out var userId, out var sessionId));
        Assert.Equal((42L, Session), (userId, sessionId));
    }

    [Fact]
    public void A_signed_token_is_genuine_only_under_its_own_key_and_unaltered()
    {
        var token = RefreshTokens.Create(42, Session, 7, Key);

        Assert.True(RefreshTokens.TryReadSigned(token, out var read));
        Assert.False(read.IsGenuine(RandomNumberGenerator.GetBytes(32)));
        foreach (var altered in new[]
        {
            token.Replace(".7.", ".8.", StringComparison.Ordinal),
            token.Replace(".7.", ".07.", StringComparison.Ordinal), // the same number, but not the text that was signed
            token.Replace("hsr3.42.", "hsr3.43.", StringComparison.Ordinal),
            AuthTestKit.WithForgedSecret(token),
        })
        {
            Assert.True(RefreshTokens.TryReadSigned(altered, out var forged), altered);
            Assert.False(forged.IsGenuine(Key), altered);
        }
    }

    [Fact]
    public void Tokens_of_different_generations_differ()
    {
        var tokens = Enumerable.Range(0, 100).Select(g => RefreshTokens.Create(42, Session, g, Key)).ToList();

        Assert.Equal(tokens.Count, tokens.Distinct(StringComparer.Ordinal).Count());
    }

    [Fact]
    public void A_hashed_token_names_its_owner_but_is_not_signed()
    {
        const string Named = "hsr2.42.0193a7e25c1b7b6e9f004d2a51c0ffee.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA";

        Assert.True(RefreshTokens.TryReadOwner(Named, out var userId, out var sessionId));
        Assert.Equal((42L, Session), (userId, sessionId));
        Assert.False(RefreshTokens.TryReadSigned(Named, out _));
        Assert.Equal(SHA256.HashData(Encoding.UTF8.GetBytes(Named)), RefreshTokens.Hash(Named));
    }

    [Fact]
    public void Different_tokens_have_different_hashes()
    {
        Assert.NotEqual(RefreshTokens.Hash("hsr_a"), RefreshTokens.Hash("hsr_b"));
    }

    [Theory]
    [InlineData("hsr3.42.0193a7e25c1b7b6e9f004d2a51c0ffee.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")]
    [InlineData("hsr3.42.0193a7e25c1b7b6e9f004d2a51c0ffee.-1.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")]
    [InlineData("hsr3.42.0193a7e25c1b7b6e9f004d2a51c0ffee.x.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")]
    [InlineData("hsr3.42.0193a7e25c1b7b6e9f004d2a51c0ffee.99999999999999999999.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")]
    [InlineData("hsr3.42.0193a7e25c1b7b6e9f004d2a51c0ffee.1.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")]
    [InlineData("hsr3.0.0193a7e25c1b7b6e9f004d2a51c0ffee.1.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")]
    [InlineData("hsr3.42.not-a-guid.1.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")]
    [InlineData("HSR3.42.0193a7e25c1b7b6e9f004d2a51c0ffee.1.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")]
    public void TryReadSigned_refuses_anything_not_shaped_like_a_signed_token(string token)
    {
        Assert.False(RefreshTokens.TryReadSigned(token, out _));
        Assert.False(RefreshTokens.TryReadOwner(token, out _, out _));
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
    public void TryReadOwner_refuses_anything_not_shaped_like_a_hashed_or_signed_refresh_token(string? token)
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
