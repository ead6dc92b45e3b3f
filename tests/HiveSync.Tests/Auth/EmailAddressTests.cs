using HiveSync.Grains.Auth;

namespace HiveSync.Tests.Auth;

public sealed class EmailAddressTests
{
    [Theory]
    [InlineData("user@example.com", "user@example.com")]
    [InlineData("  User@Example.COM  ", "user@example.com")]
    [InlineData("\tFirst.Last+tag@Sub.Example.org\n", "first.last+tag@sub.example.org")]
    [InlineData("ÄRGER@Example.de", "ärger@example.de")]
    public void Normalise_trims_and_lower_cases(string raw, string expected)
    {
        Assert.Equal(expected, EmailAddress.Normalise(raw));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("   ")]
    public void Normalise_requires_a_value(string? raw)
    {
        var error = UnitAssert.ValidationOf("email", () => EmailAddress.Normalise(raw));
        Assert.Contains("Required", error.DetailsJson, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("plainaddress")]
    [InlineData("user@localhost")]
    [InlineData("user@")]
    [InlineData("@example.com")]
    [InlineData("two words@example.com")]
    [InlineData("user@@example.com")]
    [InlineData("Display Name <user@example.com>")]
    [InlineData("user@.example.com")]
    [InlineData("us\u0001er@example.com")]
    [InlineData("user@exa\u007Fmple.com")]
    [InlineData("user@example.com.")]
    [InlineData("İstanbul@example.com")]
    public void Normalise_refuses_malformed_addresses(string raw)
    {
        UnitAssert.ValidationOf("email", () => EmailAddress.Normalise(raw));
    }

    [Fact]
    public void Normalise_refuses_addresses_longer_than_254_characters()
    {
        var domain = string.Join('.', Enumerable.Repeat(new string('d', 60), 3)) + ".example.com"; // 195 characters
        var fits = new string('a', 254 - domain.Length - 1) + "@" + domain;
        var tooLong = "a" + fits;
        Assert.Equal(254, fits.Length);

        Assert.Equal(fits, EmailAddress.Normalise(fits));
        UnitAssert.ValidationOf("email", () => EmailAddress.Normalise(tooLong));
    }

    [Fact]
    public void Normalise_names_the_given_field()
    {
        UnitAssert.ValidationOf("new_email", () => EmailAddress.Normalise("nope", "new_email"));
    }

    [Fact]
    public void TryNormalise_returns_null_instead_of_throwing()
    {
        Assert.Null(EmailAddress.TryNormalise("not an email"));
        Assert.Null(EmailAddress.TryNormalise(null));
        Assert.Equal("a@example.com", EmailAddress.TryNormalise(" A@Example.com "));
    }
}
