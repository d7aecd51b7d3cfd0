using TrustDesk.Api;
using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using TrustDesk.Data;
using TrustDesk.Identity;

namespace TrustDesk.Access;

/// <param name="Name">Which integration uses the key.</param>
/// <param name="Scopes">What it may do: subjects:write, events:write, reports:write, cases:read, cases:write, cases:restricted, pii:read.</param>
public sealed record CreateApiKeyRequest(string? Name, IReadOnlyList<string>? Scopes);

public sealed record ApiKeyView(Guid Id, string Name, string DisplayPrefix, IReadOnlyList<string> Scopes, DateTime CreatedAt, DateTime? RevokedAt);

public sealed record CreatedApiKeyView(ApiKeyView Key, string Secret);

/// <summary>Admins manage the platform's API keys; every change is audited.</summary>
public static class ApiKeyEndpoints
{
    public static IEndpointRouteBuilder MapApiKeyEndpoints(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/v1/apikeys").WithTags("API keys").RequirePermission(Permissions.ApiKeysManage);

        api.MapGet("/", async Task<Ok<List<ApiKeyView>>> (TrustDeskDb db, CancellationToken cancellationToken) =>
                TypedResults.Ok(await ListAsync(db, cancellationToken)))
            .WithName("ListApiKeys")
            .WithSummary("The platform's API keys (never their secrets)");

        api.MapPost("/", async Task<Results<Created<CreatedApiKeyView>, ValidationProblem>> (
                CreateApiKeyRequest request, ClaimsPrincipal user, CreateApiKey create, TrustDeskDb db, TimeProvider time, CancellationToken cancellationToken) =>
                await create.HandleAsync(request.Name, request.Scopes ?? [], cancellationToken,
                        AuditRecords.By(user, time.GetUtcNow().UtcDateTime, "", null, null, null, db.RequestIp)) switch
                {
                    CreateApiKey.Created created => TypedResults.Created($"/api/v1/apikeys/{created.Key.Id}", new CreatedApiKeyView(ToView(created.Key), created.Secret)),
                    CreateApiKey.Invalid invalid => TypedResults.ValidationProblem(invalid.Errors),
                    _ => throw new InvalidOperationException("Unexpected result."),
                })
            .WithName("CreateApiKey")
            .WithSummary("A new key; its secret is shown once");

        api.MapDelete("/{id:guid}", async Task<Results<NoContent, NotFound>> (Guid id, ClaimsPrincipal user, RevokeApiKey revoke, CancellationToken cancellationToken) =>
                await revoke.HandleAsync(id, user, cancellationToken) ? TypedResults.NoContent() : TypedResults.NotFound())
            .WithName("RevokeApiKey")
            .WithSummary("Revoke a key; it stops working at once, on every node");

        return app;
    }

    public static async Task<List<ApiKeyView>> ListAsync(TrustDeskDb db, CancellationToken cancellationToken) =>
        (await db.ApiKeys.AsNoTracking().OrderBy(k => k.CreatedAt).ToListAsync(cancellationToken)).Select(ToView).ToList();

    public static ApiKeyView ToView(ApiKey k) => new(k.Id, k.Name, k.DisplayPrefix, k.Scopes, k.CreatedAt, k.RevokedAt);
}
