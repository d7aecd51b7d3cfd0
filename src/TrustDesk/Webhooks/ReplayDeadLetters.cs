using TrustDesk.Api;
using System.Security.Claims;
using Microsoft.EntityFrameworkCore;
using TrustDesk.Data;

namespace TrustDesk.Webhooks;

public sealed record DeadLetterView(Guid Id, string WebhookId, Guid EndpointId, string Url, string EventType, int Attempts, int? LastStatusCode,
    string? LastError, DateTime CreatedAt, DateTime? DeadAt);

/// <summary>Lists the deliveries that ran out of retries, and sends one again (same webhook-id, same body) on a person's word.</summary>
public sealed class ReplayDeadLetters(TrustDeskDb db, WebhookOutbox outbox, TimeProvider time)
{
    public async Task<IReadOnlyList<DeadLetterView>> ListAsync(int limit, CancellationToken cancellationToken)
    {
        var rows = await (from d in db.WebhookDeliveries.AsNoTracking()
                          join e in db.WebhookEndpoints.AsNoTracking() on d.EndpointId equals e.Id
                          where d.State == WebhookDeliveryStates.Dead
                          orderby d.DeadAt descending
                          select new { d, e.Url }).Take(Math.Clamp(limit, 1, 500)).ToListAsync(cancellationToken);
        return rows.Select(r => new DeadLetterView(r.d.Id, r.d.MessageId, r.d.EndpointId, r.Url, r.d.EventType, r.d.Attempts, r.d.LastStatusCode,
            r.d.LastError, r.d.CreatedAt, r.d.DeadAt)).ToList();
    }

    /// <returns>False when there is no dead letter of that id (never made, or already replayed).</returns>
    public async Task<bool> ReplayAsync(Guid id, ClaimsPrincipal caller, CancellationToken cancellationToken)
    {
        var delivery = await db.WebhookDeliveries.FirstOrDefaultAsync(d => d.Id == id, cancellationToken);
        var now = time.GetUtcNow().UtcDateTime;
        if (delivery is null || !delivery.Replay(now))
        {
            return false;
        }

        db.Audit(AuditRecords.By(caller, now, "webhook_delivery.replayed", "webhook_delivery", delivery.MessageId, delivery.EventType, db.RequestIp));
        await db.SaveChangesAsync(cancellationToken);
        outbox.NotifyEnqueued();
        return true;
    }
}
