using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using TrustDesk.Data;
using TrustDesk.Identity;

namespace TrustDesk.Webhooks;

public static class WebhookEndpoints
{
    /// <summary>Webhooks: endpoint management, the outbox every feature writes to, the dispatcher, case.solved.</summary>
    public static IServiceCollection AddWebhooks(this IServiceCollection services, IConfiguration configuration)
    {
        services.Configure<WebhookOptions>(configuration.GetSection(WebhookOptions.Section));
        services.AddHttpClient(DeliverWebhooks.HttpClientName)
            // No redirects: a signed delivery goes to the registered URL and nowhere else.
            .ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler { AllowAutoRedirect = false, PooledConnectionLifetime = TimeSpan.FromMinutes(5) });
        services.AddSingleton<WebhookOutbox>();
        services.AddSingleton<CaseSolvedWebhook>();
        services.ConfigureDbContext<SqliteTrustDeskDb>((provider, options) => options.AddInterceptors(provider.GetRequiredService<CaseSolvedWebhook>()));
        services.ConfigureDbContext<PostgresTrustDeskDb>((provider, options) => options.AddInterceptors(provider.GetRequiredService<CaseSolvedWebhook>()));
        services.AddSingleton<DeliverWebhooks>();
        services.AddHostedService(provider => provider.GetRequiredService<DeliverWebhooks>());
        services.AddScoped<ManageWebhookEndpoints>();
        services.AddScoped<ReplayDeadLetters>();
        return services;
    }

    public static IEndpointRouteBuilder MapWebhookEndpoints(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/v1/webhooks").WithTags("Webhooks").RequirePermission(Permissions.WebhooksManage);

        api.MapPost("/endpoints", RegisterAsync)
            .WithName("RegisterWebhookEndpoint")
            .WithSummary("Register a URL of the platform for signed event deliveries; the answer holds its secret (whsec_...), shown once");

        api.MapGet("/endpoints", async (ManageWebhookEndpoints manage, CancellationToken cancellationToken) => TypedResults.Ok(await manage.ListAsync(cancellationToken)))
            .WithName("ListWebhookEndpoints")
            .WithSummary("The registered endpoints (without their secrets)");

        api.MapDelete("/endpoints/{id:guid}", async Task<Results<NoContent, NotFound>> (Guid id, ClaimsPrincipal user, ManageWebhookEndpoints manage, CancellationToken cancellationToken) =>
                await manage.DeleteAsync(id, user, cancellationToken) ? TypedResults.NoContent() : TypedResults.NotFound())
            .WithName("DeleteWebhookEndpoint")
            .WithSummary("Stop deliveries to an endpoint; its pending deliveries become dead letters");

        api.MapPost("/endpoints/{id:guid}/rotate-secret", RotateAsync)
            .WithName("RotateWebhookSecret")
            .WithSummary("A new secret; the previous one keeps signing beside it for the overlap (24 h by default)");

        api.MapGet("/dead-letters", async (int? limit, ReplayDeadLetters deadLetters, CancellationToken cancellationToken) =>
                TypedResults.Ok(await deadLetters.ListAsync(limit ?? 100, cancellationToken)))
            .WithName("ListWebhookDeadLetters")
            .WithSummary("Deliveries that ran out of retries");

        api.MapPost("/deliveries/{id:guid}/replay", async Task<Results<Accepted, NotFound>> (Guid id, ClaimsPrincipal user, ReplayDeadLetters deadLetters, CancellationToken cancellationToken) =>
                await deadLetters.ReplayAsync(id, user, cancellationToken) ? TypedResults.Accepted((string?)null) : TypedResults.NotFound())
            .WithName("ReplayWebhookDelivery")
            .WithSummary("Send a dead letter again, with the same webhook-id and body; 404 unless it is a dead letter");
        return app;
    }

    private static async Task<Results<Created<WebhookEndpointWithSecret>, ValidationProblem>> RegisterAsync(
        RegisterWebhookEndpointRequest request, ClaimsPrincipal user, ManageWebhookEndpoints manage, CancellationToken cancellationToken) =>
        await manage.RegisterAsync(request, user, cancellationToken) switch
        {
            ManageWebhookEndpoints.Done done => TypedResults.Created($"/api/v1/webhooks/endpoints/{done.Endpoint.Id}", done.Endpoint),
            ManageWebhookEndpoints.Invalid invalid => TypedResults.ValidationProblem(invalid.Errors),
            _ => throw new InvalidOperationException("Unexpected result."),
        };

    private static async Task<Results<Ok<WebhookEndpointWithSecret>, NotFound>> RotateAsync(
        Guid id, ClaimsPrincipal user, ManageWebhookEndpoints manage, CancellationToken cancellationToken) =>
        await manage.RotateSecretAsync(id, user, cancellationToken) is ManageWebhookEndpoints.Done done ? TypedResults.Ok(done.Endpoint) : TypedResults.NotFound();
}
