using System.Security.Claims;
using Microsoft.EntityFrameworkCore;
using TrustDesk.Data;
using TrustDesk.Api;

namespace TrustDesk.Webhooks;

/// <param name="Url">Where deliveries are posted: an absolute https URL (http only to loopback hosts, for development).</param>
/// <param name="Events">Event types to receive: action.executed, action.reversed, case.solved, appeal.decided, monitor.alert.</param>
public sealed record RegisterWebhookEndpointRequest(string? Url, IReadOnlyList<string>? Events);

public sealed record WebhookEndpointView(Guid Id, string Url, IReadOnlyList<string> Events, DateTime CreatedAt, DateTime? PreviousSecretExpiresAt);

/// <summary>The answer that carries a secret: shown once, at registration and at rotation.</summary>
public sealed record WebhookEndpointWithSecret(Guid Id, string Url, IReadOnlyList<string> Events, string Secret, DateTime CreatedAt, DateTime? PreviousSecretExpiresAt);

/// <summary>Registers, lists, deletes webhook endpoints and rotates their secrets; every change is audited.</summary>
public sealed class ManageWebhookEndpoints(TrustDeskDb db, WebhookOutbox outbox, TimeProvider time, Microsoft.Extensions.Options.IOptions<WebhookOptions> options)
{
    public const int MaxEndpoints = 50;

    public abstract record Result;
    public sealed record Done(WebhookEndpointWithSecret Endpoint) : Result;
    public sealed record Invalid(Dictionary<string, string[]> Errors) : Result;
    public sealed record NotFound : Result;

    public async Task<Result> RegisterAsync(RegisterWebhookEndpointRequest request, ClaimsPrincipal caller, CancellationToken cancellationToken)
    {
        var errors = new ValidationErrors();
        errors.Required("url", request.Url, WebhookEndpoint.UrlMaxLength);
        if (request.Url is not null && !IsAllowedUrl(request.Url))
        {
            errors.Add("url", "An absolute https URL (http is allowed only to localhost), without user information.");
        }

        if (request.Events is null || request.Events.Count == 0)
        {
            errors.Add("events", $"At least one of {string.Join(", ", WebhookEvents.All)}.");
        }
        else if (request.Events.FirstOrDefault(e => !WebhookEvents.All.Contains(e)) is { } unknown)
        {
            errors.Add("events", $"Unknown event \"{Clip(unknown)}\"; known: {string.Join(", ", WebhookEvents.All)}.");
        }

        if (!errors.Any && await db.WebhookEndpoints.CountAsync(e => e.DeletedAt == null, cancellationToken) >= MaxEndpoints)
        {
            errors.Add("url", $"At most {MaxEndpoints} endpoints; delete one first.");
        }

        if (errors.Any)
        {
            return new Invalid(errors.ToDictionary());
        }

        var now = time.GetUtcNow().UtcDateTime;
        var endpoint = new WebhookEndpoint(request.Url!.Trim(), request.Events!, caller.Identity?.Name ?? caller.ClientId(), now);
        db.WebhookEndpoints.Add(endpoint);
        db.Audit(AuditRecords.By(caller, now, "webhook_endpoint.registered", "webhook_endpoint", endpoint.Id.ToString(), $"{endpoint.Url} {endpoint.Events}", db.RequestIp));
        await db.SaveChangesAsync(cancellationToken);
        outbox.Invalidate();
        return new Done(WithSecret(endpoint));
    }

    public async Task<IReadOnlyList<WebhookEndpointView>> ListAsync(CancellationToken cancellationToken) =>
        (await db.WebhookEndpoints.AsNoTracking().Where(e => e.DeletedAt == null).OrderBy(e => e.CreatedAt).ToListAsync(cancellationToken))
        .Select(e => new WebhookEndpointView(e.Id, e.Url, e.EventList, e.CreatedAt, e.PreviousSecretExpiresAt)).ToList();

    public async Task<Result> RotateSecretAsync(Guid id, ClaimsPrincipal caller, CancellationToken cancellationToken)
    {
        var endpoint = await db.WebhookEndpoints.FirstOrDefaultAsync(e => e.Id == id && e.DeletedAt == null, cancellationToken);
        if (endpoint is null)
        {
            return new NotFound();
        }

        var now = time.GetUtcNow().UtcDateTime;
        endpoint.RotateSecret(TimeSpan.FromHours(options.Value.SecretOverlapHours), now);
        db.Audit(AuditRecords.By(caller, now, "webhook_endpoint.secret_rotated", "webhook_endpoint", endpoint.Id.ToString(), null, db.RequestIp));
        await db.SaveChangesAsync(cancellationToken);
        outbox.Invalidate();
        return new Done(WithSecret(endpoint));
    }

    public async Task<bool> DeleteAsync(Guid id, ClaimsPrincipal caller, CancellationToken cancellationToken)
    {
        var endpoint = await db.WebhookEndpoints.FirstOrDefaultAsync(e => e.Id == id && e.DeletedAt == null, cancellationToken);
        if (endpoint is null)
        {
            return false;
        }

        var now = time.GetUtcNow().UtcDateTime;
        endpoint.Delete(now);
        db.Audit(AuditRecords.By(caller, now, "webhook_endpoint.deleted", "webhook_endpoint", endpoint.Id.ToString(), endpoint.Url, db.RequestIp));
        await db.SaveChangesAsync(cancellationToken);
        outbox.Invalidate();
        return true;
    }

    internal static bool IsAllowedUrl(string url) =>
        Uri.TryCreate(url.Trim(), UriKind.Absolute, out var uri)
        && string.IsNullOrEmpty(uri.UserInfo)
        && (uri.Scheme == Uri.UriSchemeHttps || (uri.Scheme == Uri.UriSchemeHttp && uri.IsLoopback));

    private static WebhookEndpointWithSecret WithSecret(WebhookEndpoint e) =>
        new(e.Id, e.Url, e.EventList, e.Secret, e.CreatedAt, e.PreviousSecretExpiresAt);

    private static string Clip(string text) => text.Length <= 64 ? text : text[..64] + "…";
}
