using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace HiveSync.Grains.Interfaces.Platform;

/// <summary>
/// Start-up validation whose every failure names the wrong setting by its full key (<c>Auth:AccessTokenLifetime</c>),
/// as an operator writes it in appsettings or the environment: the options type's data annotations, then its own rules.
/// </summary>
public sealed class SettingsValidation<TOptions>(string section, Func<TOptions, IEnumerable<string>>? rules) : IValidateOptions<TOptions>
    where TOptions : class
{
    public ValidateOptionsResult Validate(string? name, TOptions options)
    {
        var results = new List<ValidationResult>();
        foreach (var property in typeof(TOptions).GetProperties().Where(p => p.CanRead && p.GetIndexParameters().Length == 0))
        {
            // The display name goes into the annotation's message: "The field Auth:AccessTokenLifetime must be between ...".
            var context = new ValidationContext(options) { MemberName = property.Name, DisplayName = $"{section}:{property.Name}" };
            Validator.TryValidateProperty(property.GetValue(options), context, results);
        }

        var problems = results.Select(r => r.ErrorMessage ?? $"{section}: {string.Join(", ", r.MemberNames)} is not valid.")
            .Concat(rules?.Invoke(options) ?? [])
            .ToList();
        return problems.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(problems);
    }
}

public static class SettingsValidationExtensions
{
    /// <summary>Validates the section at start-up with failures naming each wrong setting (see <see cref="SettingsValidation{TOptions}"/>).</summary>
    public static OptionsBuilder<TOptions> ValidateSettings<TOptions>(this OptionsBuilder<TOptions> builder, string section, Func<TOptions, IEnumerable<string>>? rules = null)
        where TOptions : class
    {
        builder.Services.AddSingleton<IValidateOptions<TOptions>>(new SettingsValidation<TOptions>(section, rules));
        return builder.ValidateOnStart();
    }
}
