using HiveSync.Grains.Auth;

namespace HiveSync.Tests.Auth;

public sealed class PasswordPolicyTests
{
    private const string Email = "someone@example.com";

    [Theory]
    [InlineData(10)]
    [InlineData(11)]
    [InlineData(64)]
    [InlineData(128)]
    public void A_password_of_10_to_128_characters_is_accepted_unchanged(int length)
    {
        var password = new string('p', length);

        Assert.Equal(password, PasswordPolicy.Validate(password, Email));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(9)]
    [InlineData(129)]
    [InlineData(10_000)]
    public void A_password_outside_10_to_128_characters_is_refused(int length)
    {
        UnitAssert.ValidationOf("password", () => PasswordPolicy.Validate(new string('p', length), Email));
    }

    [Fact]
    public void Length_counts_characters_not_utf16_code_units()
    {
        var fiveBees = string.Concat(Enumerable.Repeat("🐝", 5)); // 10 UTF-16 code units, 5 characters
        var tenBees = string.Concat(Enumerable.Repeat("🐝", 10));
        var maxBees = string.Concat(Enumerable.Repeat("🐝", 128)); // 256 code units

        UnitAssert.ValidationOf("password", () => PasswordPolicy.Validate(fiveBees, Email));
        Assert.Equal(tenBees, PasswordPolicy.Validate(tenBees, Email));
        Assert.Equal(maxBees, PasswordPolicy.Validate(maxBees, Email));
        UnitAssert.ValidationOf("password", () => PasswordPolicy.Validate(maxBees + "🐝", Email));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    public void A_missing_password_is_required(string? password)
    {
        var error = UnitAssert.ValidationOf("password", () => PasswordPolicy.Validate(password, Email));
        Assert.Contains("Required", error.DetailsJson, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("someone@example.com")]
    [InlineData("SOMEONE@EXAMPLE.COM")]
    [InlineData("  Someone@Example.com  ")]
    public void A_password_equal_to_the_email_is_refused(string password)
    {
        UnitAssert.ValidationOf("password", () => PasswordPolicy.Validate(password, Email));
    }

    [Fact]
    public void A_password_that_merely_contains_the_email_is_allowed()
    {
        Assert.Equal("someone@example.com!", PasswordPolicy.Validate("someone@example.com!", Email));
    }

    [Theory]
    [InlineData("          ")]
    [InlineData("\u00A0\u00A0\u00A0\u00A0\u00A0\u00A0\u00A0\u00A0\u00A0\u00A0")]
    [InlineData("with\u0000nul inside")]
    [InlineData("with\ttab inside")]
    [InlineData("with\r\nnewline")]
    public void A_blank_password_or_one_with_control_characters_is_refused(string password)
    {
        UnitAssert.ValidationOf("password", () => PasswordPolicy.Validate(password, Email));
    }

    [Fact]
    public void Spaces_inside_a_passphrase_are_fine()
    {
        Assert.Equal("correct horse battery staple", PasswordPolicy.Validate("correct horse battery staple", Email));
    }

    [Fact]
    public void A_password_with_a_lone_surrogate_is_refused()
    {
        UnitAssert.ValidationOf("password", () => PasswordPolicy.Validate("long enough \ud800 password", "a@example.com"));
    }
}
