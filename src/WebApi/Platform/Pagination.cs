using System.Globalization;
using HiveSync.Grains.Interfaces.Limits;
using HiveSync.Grains.Interfaces.Platform;
using HiveSync.WebApi.Platform.Auth;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace HiveSync.WebApi.Platform;

public sealed class PaginationOptions
{
    /// <summary>page_size when none is given; the maximum is the caller's tier's <c>MaxPageSize</c>.</summary>
    [System.ComponentModel.DataAnnotations.Range(1, 1000)]
    public int DefaultPageSize { get; set; } = 20;
}

/// <summary>A validated page request; out-of-range values are refused, never clamped.</summary>
public readonly record struct PageRequest(int Page, int PageSize)
{
    public int Offset => (Page - 1) * PageSize;
}

/// <summary>The <c>page</c> and <c>page_size</c> query parameters of every list route.</summary>
public sealed class PageQuery
{
    public const string PageParameter = "page";
    public const string PageSizeParameter = "page_size";

    // Read as text so that "abc" or "1.5" gets the envelope's VALIDATION_ERROR naming the parameter; the OpenAPI
    // document declares them as integers (OpenApiSchemas).
    [Microsoft.AspNetCore.Mvc.FromQuery(Name = PageParameter)]
    public string? Page { get; init; }

    [Microsoft.AspNetCore.Mvc.FromQuery(Name = PageSizeParameter)]
    public string? PageSize { get; init; }

    public PageRequest Validate(int defaultPageSize, int maxPageSize)
    {
        var errors = new Dictionary<string, string[]>();
        var page = Parse(Page, 1, "page", 1, int.MaxValue / 1000, errors);
        var size = Parse(PageSize, Math.Min(defaultPageSize, maxPageSize), "page_size", 1, maxPageSize, errors);
        if (errors.Count > 0)
        {
            throw DomainException.Validation(errors);
        }

        return new PageRequest(page, size);
    }

    private static int Parse(string? raw, int fallback, string name, int min, int max, Dictionary<string, string[]> errors)
    {
        if (raw is null)
        {
            return fallback;
        }

        if (!int.TryParse(raw, NumberStyles.None, CultureInfo.InvariantCulture, out var value) || value < min || value > max)
        {
            errors[name] = [$"Must be a whole number from {min} to {max}."];
            return fallback;
        }

        return value;
    }
}

/// <summary>Handlers take this to get the validated page request with the configured bounds.</summary>
public static class PageQueryExtensions
{
    /// <summary>Validates against the default page size and the caller's tier's maximum.</summary>
    public static PageRequest Validate(this PageQuery query, HttpContext context) =>
        query.Validate(
            context.RequestServices.GetRequiredService<IOptions<PaginationOptions>>().Value.DefaultPageSize,
            context.RequestServices.GetRequiredService<IOptions<TierOptions>>().Value.For(context.User.Tier()).MaxPageSize);

    public static PageEnvelope<T> ToPage<T>(this IReadOnlyList<T> all, PageRequest page) =>
        new(all.Skip(page.Offset).Take(page.PageSize).ToList(), all.Count, page.Page, page.PageSize);
}
