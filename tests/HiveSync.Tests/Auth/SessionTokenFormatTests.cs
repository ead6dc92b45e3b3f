using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using HiveSync.Grains.Auth;

namespace HiveSync.Tests.Auth;

public sealed class SessionTokenFormatTests
{
    [Fact]
    public void Create_makes_an_hst_prefixed_unpadded_base64url_token_of_256_random_bits()
    {
        var (token, _) = SessionTokenFormat.Create();

        Assert.Matches("^hst_[A-Za-z0-9_-]{43}$", token);
        Assert.Equal(32, Base64Url.DecodeFromChars(token.AsSpan(4)).Length);
        Assert.True(SessionTokenFormat.LooksValid(token));
    }

    [Fact]
    public void The_grain_key_is_st_and_the_hex_sha256_of_the_token()
    {
        var (token, key) = SessionTokenFormat.Create();

        Assert.Equal("st-" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(token))), key);
        Assert.Equal(key, SessionTokenFormat.GrainKeyOf(token));
    }

    [Theory]
    [InlineData("")]
    [InlineData("hst_")]
    [InlineData("hsr_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")]
    [InlineData("hst_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")]
    [InlineData("hst_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA+")]
    [InlineData("hst_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=")]
    public void LooksValid_refuses_anything_not_shaped_like_a_session_token(string token)
    {
        Assert.False(SessionTokenFormat.LooksValid(token));
    }
}
