using System.Text.Json;
using System.Text.Json.Serialization;
using HiveSync.Grains.Interfaces.Auth;
using HiveSync.Grains.Interfaces.Limits;
using HiveSync.Grains.Interfaces.Platform;
using HiveSync.WebApi.Auth;
using HiveSync.WebApi.Billing;
using HiveSync.WebApi.Comments;
using HiveSync.WebApi.Platform;
using HiveSync.WebApi.Platform.Auth;
using HiveSync.WebApi.Platform.RateLimiting;
using HiveSync.WebApi.Notifications;
using HiveSync.WebApi.Profile;
using HiveSync.WebApi.Projects;
using HiveSync.WebApi.Search;
using HiveSync.WebApi.Storage;
using HiveSync.WebApi.Tasks;
using HiveSync.WebApi.Templates;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.HttpOverrides;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Scalar.AspNetCore;

namespace HiveSync.WebApi;

/// <summary>The whole HTTP API: <see cref="AddHiveSyncApi"/> registers it, <see cref="MapHiveSyncApi"/> mounts it.</summary>
public static class HiveSyncApi
{
    public const string OpenApiPath = "/openapi/v1.json";
    public const string ApiReferencePath = "/scalar/v1";
    public const string ApiBasePath = "/api/v1";

    public static IServiceCollection AddHiveSyncApi(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<ApiOptions>().Bind(configuration.GetSection(ApiOptions.Section)).ValidateSettings(ApiOptions.Section);
        services.AddOptions<PaginationOptions>().Bind(configuration.GetSection("Pagination")).ValidateSettings("Pagination");
        services.AddOptions<RateLimitOptions>().Bind(configuration.GetSection(RateLimitOptions.Section)).ValidateSettings(
            RateLimitOptions.Section,
            o => o.AnonymousPerMinute.Where(l => l.Value <= 0).Select(l => $"RateLimits:AnonymousPerMinute:{l.Key} must be positive (was {l.Value})."));

        services.ConfigureHttpJsonOptions(options => ConfigureJson(options.SerializerOptions));
        services.Configure<RouteHandlerOptions>(options => options.ThrowOnBadRequest = true);
        services.TryAddTimeProvider();
        services.AddSingleton<AccessTokens>();
        services.AddSingleton(typeof(GrainReferences<>));
        services.AddBearerAuthentication();
        services.AddSignedInByDefault();
        services.AddCookieSessionAuthentication();
        services.AddOpenApi(OpenApiConventions.Configure);
        return services;
    }

    public static void ConfigureJson(JsonSerializerOptions json)
    {
        json.PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower;
        json.DictionaryKeyPolicy = null;
        json.UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow;
        json.MaxDepth = 32;
        json.NumberHandling = JsonNumberHandling.Strict; // numbers are numbers, in both directions and in the schema
        json.Converters.Add(new UtcDateTimeOffsetConverter());
    }

    /// <summary>Adds the API's middleware (request id, errors, body limit, auth) and every route group.</summary>
    public static WebApplication MapHiveSyncApi(this WebApplication app)
    {
        if (app.Services.GetRequiredService<IOptions<ApiOptions>>().Value.TrustForwardedHeaders)
        {
            var forwarded = new ForwardedHeadersOptions { ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto };
            forwarded.KnownIPNetworks.Clear(); // the load balancer's address is not known in advance
            forwarded.KnownProxies.Clear();
            app.UseForwardedHeaders(forwarded);
        }

        app.UseMiddleware<RequestIdMiddleware>();
        app.UseMiddleware<ErrorHandlingMiddleware>();
        app.UseMiddleware<RequestBodyLimitMiddleware>();
        app.UseMiddleware<SignedInAuthenticationMiddleware>();
        app.UseMiddleware<RateLimitingMiddleware>(); // before authorization, so refusals for bad credentials count too
        app.UseMiddleware<SignedInAuthorizationMiddleware>();
        app.UseMiddleware<CsrfProtectionMiddleware>();
        app.UseProjectAccess(); // project-scoped routes: the caller's role before the endpoint reads anything

        app.MapOpenApi(OpenApiPath).AllowAnonymous();
        app.MapScalarApiReference("/scalar", options => options.WithTitle("HiveSync API").WithOpenApiRoutePattern(OpenApiPath)).AllowAnonymous();

        // Every route group hangs off one /api/v1 group, so what applies to the whole API is declared once here.
        var api = app.MapGroup(ApiBasePath);
        api.MapAuthApi();
        api.MapEmailVerificationApi();
        api.MapPasswordResetApi();
        api.MapUserApi();
        api.MapProfileApi();
        api.MapBillingApi();
        var project = api.MapProjectsApi();
        project.MapTasksApi();
        project.MapCommentsApi();
        api.MapTemplatesApi();
        api.MapNotificationsApi();
        api.MapSearchApi();
        api.MapLocalStorageApi();
        return app;
    }

    private static void TryAddTimeProvider(this IServiceCollection services) =>
        Microsoft.Extensions.DependencyInjection.Extensions.ServiceCollectionDescriptorExtensions.TryAddSingleton(services, TimeProvider.System);
}
