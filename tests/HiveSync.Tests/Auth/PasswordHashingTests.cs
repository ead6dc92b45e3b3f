using System.Buffers.Binary;
using HiveSync.Grains.Auth;
using HiveSync.Grains.Interfaces.Auth;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;

namespace HiveSync.Tests.Auth;

public sealed class PasswordHashingTests
{
    [Fact]
    public void Default_hashes_are_pbkdf2_hmac_sha512_with_owasps_210000_iterations_and_a_128_bit_salt()
    {
        var hashing = new PasswordHashing(Options.Create(new AuthOptions()));

        var hash = Convert.FromBase64String(hashing.Hash("correct horse battery"));

        // Identity v3 format: marker 0x01, PRF (2 = HMAC-SHA512), iterations, salt length, all big-endian.
        Assert.Equal(0x01, hash[0]);
        Assert.Equal(2u, BinaryPrimitives.ReadUInt32BigEndian(hash.AsSpan(1)));
        Assert.Equal(210_000u, BinaryPrimitives.ReadUInt32BigEndian(hash.AsSpan(5)));
        Assert.Equal(16u, BinaryPrimitives.ReadUInt32BigEndian(hash.AsSpan(9)));
    }

    [Fact]
    public void The_same_password_hashes_differently_each_time_and_verifies()
    {
        var hashing = new PasswordHashing(Options.Create(new AuthOptions { PasswordHashIterations = 1000 }));

        var first = hashing.Hash("correct horse battery");
        var second = hashing.Hash("correct horse battery");

        Assert.NotEqual(first, second);
        Assert.Equal(PasswordVerificationResult.Success, hashing.Verify(first, "correct horse battery"));
        Assert.Equal(PasswordVerificationResult.Failed, hashing.Verify(first, "correct horse batterY"));
    }

    [Fact]
    public void Passwords_are_compared_after_nfkc_normalisation()
    {
        var hashing = new PasswordHashing(Options.Create(new AuthOptions { PasswordHashIterations = 1000 }));

        var composed = hashing.Hash("caf\u00e9 au lait 42");

        Assert.Equal(PasswordVerificationResult.Success, hashing.Verify(composed, "cafe\u0301 au lait 42"));
    }

    [Fact]
    public void A_password_that_is_not_valid_unicode_verifies_as_failed_instead_of_throwing()
    {
        var hashing = new PasswordHashing(Options.Create(new AuthOptions { PasswordHashIterations = 1000 }));

        var hash = hashing.Hash("correct horse battery");

        Assert.Equal(PasswordVerificationResult.Failed, hashing.Verify(hash, "bad \ud800 surrogate"));
    }
}
