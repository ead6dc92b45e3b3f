using HiveSync.Grains.Interfaces.Platform;

namespace HiveSync.WebApi.Platform;

/// <summary>Reading query parameters or body fields: each bad one is collected under its name, then all are refused at once.</summary>
public sealed class FieldErrors
{
    private readonly Dictionary<string, string[]> _errors = [];

    /// <summary>Records <paramref name="message"/> for <paramref name="name"/> and carries on with <paramref name="fallback"/>.</summary>
    public T Invalid<T>(string name, string message, T fallback = default!)
    {
        _errors[name] = [message];
        return fallback;
    }

    /// <summary>
    /// <c>sort</c>: one of <paramref name="keys"/>, a leading <c>-</c> for descending; absent: <paramref name="fallback"/>,
    /// descending.
    /// </summary>
    public (T Key, bool Descending) Sort<T>(string? value, IReadOnlyDictionary<string, T> keys, T fallback)
    {
        if (value is null)
        {
            return (fallback, true);
        }

        var descending = value.StartsWith('-');
        return keys.TryGetValue(descending ? value[1..] : value, out var key)
            ? (key, descending)
            : (Invalid("sort", $"Must be one of {string.Join(", ", keys.Keys)}, with a leading - for descending.", fallback), true);
    }

    /// <summary>Throws the collected validation errors, if any.</summary>
    public void ThrowIfInvalid()
    {
        if (_errors.Count > 0)
        {
            throw DomainException.Validation(_errors);
        }
    }
}
