using HiveSync.Grains.Interfaces.Platform;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.OpenApi;

namespace HiveSync.WebApi.Platform;

/// <summary>What every operation of the OpenAPI document shares: the auth scheme and the error envelope.</summary>
public static class OpenApiConventions
{
    public const string BearerScheme = "Bearer";
    public const string SessionCookieScheme = "SessionCookie";
    public const string CsrfTokenScheme = "CsrfToken";

    /// <summary>Every route group's tag (<c>WithTags</c>) and what it covers; a new domain adds its line.</summary>
    public static readonly IReadOnlyDictionary<string, string> Tags = new Dictionary<string, string>
    {
        ["Auth"] = "Accounts, sign-in, token refresh, device sessions, one-time login links and the signed-in user.",
        ["Profile"] = "The signed-in user's display name, avatar and preferences.",
        ["Billing"] = "Paid tiers through LemonSqueezy: checkout, plan changes and LemonSqueezy's webhook.",
        ["Storage"] = "Signed uploads and downloads of files kept in the server's local folder (with S3 the signed URLs are the bucket's).",
    };

    public static void Configure(OpenApiOptions options)
    {
        OpenApiSchemas.Configure(options);
        options.AddDocumentTransformer((document, context, _) =>
        {
            var cookies = context.ApplicationServices.GetRequiredService<Auth.SessionCookies>();
            document.Info = new OpenApiInfo
            {
                Title = "HiveSync API",
                Version = "v1",
                Description = "Every error is `{ \"error\": { \"code\", \"message\", \"details\" } }`; lists are `{ items, total, page, page_size }`; single items are `{ data }`.",
                Contact = new OpenApiContact { Name = "HiveSync API team", Email = "api@hivesync.dev", Url = new Uri("https://hivesync.dev/support") },
                License = new OpenApiLicense { Name = "Proprietary: HiveSync terms of service", Url = new Uri("https://hivesync.dev/terms") },
            };
            document.Tags = new HashSet<OpenApiTag>(Tags.Select(t => new OpenApiTag { Name = t.Key, Description = t.Value }));
            foreach (var server in document.Servers ?? [])
            {
                server.Url = server.Url?.TrimEnd('/'); // the request's own base, as clients join paths to it
                server.Description ??= "This server";
            }

            document.Components ??= new OpenApiComponents();
            document.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>();
            document.Components.SecuritySchemes[BearerScheme] = new OpenApiSecurityScheme
            {
                Type = SecuritySchemeType.Http,
                Scheme = "bearer",
                BearerFormat = "JWT",
                Description = "Access token from /api/v1/auth/login, /register or /refresh.",
            };
            document.Components.SecuritySchemes[SessionCookieScheme] = new OpenApiSecurityScheme
            {
                Type = SecuritySchemeType.ApiKey,
                In = ParameterLocation.Cookie,
                Name = cookies.SessionCookie,
                Description = "Web frontend: the HttpOnly cookie session set by /api/v1/auth/session-exchange. Used when no Authorization header is sent.",
            };
            document.Components.SecuritySchemes[CsrfTokenScheme] = new OpenApiSecurityScheme
            {
                Type = SecuritySchemeType.ApiKey,
                In = ParameterLocation.Header,
                Name = Auth.SessionCookies.CsrfHeader,
                Description = $"With the session cookie, state-changing requests also send the value of the {cookies.CsrfCookie} cookie in this header (else 403 CSRF_TOKEN_INVALID).",
            };
            return Task.CompletedTask;
        });
        options.AddOperationTransformer((operation, context, _) =>
        {
            var metadata = context.Description.ActionDescriptor.EndpointMetadata;
            if (metadata.OfType<IAllowAnonymous>().Any())
            {
                operation.Security = []; // public: explicitly no credentials
            }
            else // signed in by default (the fallback policy)
            {
                operation.Security ??= [];
                operation.Security.Add(new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(BearerScheme, context.Document)] = [] });

                // Alternatively the session cookie, plus the CSRF header on state-changing methods.
                var cookie = new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(SessionCookieScheme, context.Document)] = [] };
                if (!IsSafe(context.Description.HttpMethod))
                {
                    cookie[new OpenApiSecuritySchemeReference(CsrfTokenScheme, context.Document)] = [];
                    if (operation.Responses?.TryGetValue("401", out var unauthorized) == true && !operation.Responses.ContainsKey("403"))
                    {
                        operation.Responses["403"] = new OpenApiResponse { Description = "Forbidden (e.g. CSRF_TOKEN_INVALID)", Content = unauthorized.Content };
                    }
                }

                operation.Security.Add(cookie);
            }

            AddPreconditionHeaders(operation, metadata);
            return Task.CompletedTask;
        });
    }

    /// <summary>The optional request headers of safe retries and concurrent edits, where a route honours them.</summary>
    private static void AddPreconditionHeaders(OpenApiOperation operation, IList<object> metadata)
    {
        if (metadata.OfType<Idempotency.IdempotentCreate>().Any())
        {
            (operation.Parameters ??= []).Add(Header(Idempotency.HeaderName, "A key of your choosing (1-255 printable ASCII): a retry with the same key and body answers the first success again instead of creating twice.", Idempotency.MaxKeyLength));
        }

        if (operation.Responses?.ContainsKey("412") == true)
        {
            (operation.Parameters ??= []).Add(Header("If-Match", "The ETag you read: the change applies only if it is still current (else 412 PRECONDITION_FAILED).", null));
        }
    }

    private static OpenApiParameter Header(string name, string description, int? maxLength) => new()
    {
        Name = name,
        In = ParameterLocation.Header,
        Required = false,
        Description = description,
        Schema = new OpenApiSchema { Type = JsonSchemaType.String, MaxLength = maxLength },
    };

    private static bool IsSafe(string? method) =>
        method is null || HttpMethods.IsGet(method) || HttpMethods.IsHead(method) || HttpMethods.IsOptions(method) || HttpMethods.IsTrace(method);

    /// <summary>The operation's id (what generated clients name the call) and its one-line summary.</summary>
    public static RouteHandlerBuilder Describe(this RouteHandlerBuilder builder, string operationId, string summary) =>
        builder.WithName(operationId).WithSummary(summary);

    /// <summary>Declares the error envelope for the given statuses (plus 500, which any route can answer).</summary>
    public static TBuilder ProducesErrors<TBuilder>(this TBuilder builder, params int[] statuses)
        where TBuilder : IEndpointConventionBuilder
    {
        foreach (var status in statuses.Append(StatusCodes.Status500InternalServerError).Distinct())
        {
            builder.WithMetadata(new ProducesResponseTypeMetadata(status, typeof(ErrorEnvelope), ["application/json"]));
        }

        return builder;
    }
}
