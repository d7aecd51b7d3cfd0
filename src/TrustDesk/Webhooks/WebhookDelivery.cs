using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace TrustDesk.Webhooks;

/// <summary>
/// One event for one endpoint: the outbox row, written in the same transaction as the change it tells of. Its id is
/// the <c>webhook-id</c> of every attempt, so a receiver that saw it once can drop a repeat (delivery is at least once).
/// Retried with exponential backoff and jitter until <see cref="WebhookOptions.RetryForHours"/> after it was made; then
/// it is a dead letter, which a person can replay.
/// </summary>
public sealed class WebhookDelivery
{
    public const int ErrorMaxLength = 1000;

    private WebhookDelivery()
    {
    }

    public WebhookDelivery(Guid endpointId, string eventType, string payload, DateTime now)
    {
        Id = Guid.CreateVersion7(now);
        EndpointId = endpointId;
        EventType = eventType;
        Payload = payload;
        State = WebhookDeliveryStates.Pending;
        CreatedAt = now;
        NextAttemptAt = now;
    }

    public Guid Id { get; private set; }

    /// <summary>The <c>webhook-id</c> header: <c>msg_</c> and the row's id.</summary>
    public string MessageId => "msg_" + Id.ToString("N");
    public Guid EndpointId { get; private set; }
    public string EventType { get; private set; } = "";

    /// <summary>The exact body sent on every attempt (the signature covers these bytes).</summary>
    public string Payload { get; private set; } = "";
    public string State { get; private set; } = "";
    public int Attempts { get; private set; }
    public DateTime NextAttemptAt { get; private set; }
    public DateTime? ClaimedUntil { get; private set; }

    /// <summary>Which dispatcher pass holds the row: a claim is an UPDATE that only one pass can win.</summary>
    public Guid? ClaimToken { get; private set; }
    public int? LastStatusCode { get; private set; }
    public string? LastError { get; private set; }
    public DateTime CreatedAt { get; private set; }
    public DateTime? DeliveredAt { get; private set; }
    public DateTime? DeadAt { get; private set; }

    public void Delivered(int statusCode, DateTime now)
    {
        Attempts++;
        State = WebhookDeliveryStates.Delivered;
        LastStatusCode = statusCode;
        LastError = null;
        DeliveredAt = now;
        ClaimedUntil = null;
        ClaimToken = null;
    }

    /// <summary>A failed attempt: due again after a backoff with jitter, or dead once the retry window is over.</summary>
    /// <returns>True when the delivery is now a dead letter.</returns>
    public bool AttemptFailed(int? statusCode, string error, DateTime now, WebhookOptions options, double jitter)
    {
        Attempts++;
        LastStatusCode = statusCode;
        LastError = error.Length <= ErrorMaxLength ? error : error[..ErrorMaxLength];
        ClaimedUntil = null;
        ClaimToken = null;
        var delay = Math.Min(options.RetryMaxSeconds, options.RetryBaseSeconds * Math.Pow(2, Math.Min(Attempts - 1, 30)));
        // Full jitter on the upper half: receivers that came back are not hit by every sender at the same instant.
        var next = now + TimeSpan.FromSeconds(delay * (0.5 + (0.5 * jitter)));
        if (next > CreatedAt + TimeSpan.FromHours(options.RetryForHours))
        {
            State = WebhookDeliveryStates.Dead;
            DeadAt = now;
            return true;
        }

        State = WebhookDeliveryStates.Pending;
        NextAttemptAt = next;
        return false;
    }

    /// <summary>The process stopped mid-attempt: the attempt does not count and the row is due again at once.</summary>
    public void Release()
    {
        State = WebhookDeliveryStates.Pending;
        ClaimedUntil = null;
        ClaimToken = null;
    }

    /// <summary>A person replays a dead letter: same id, same body, a fresh retry window.</summary>
    public bool Replay(DateTime now)
    {
        if (State != WebhookDeliveryStates.Dead)
        {
            return false;
        }

        State = WebhookDeliveryStates.Pending;
        NextAttemptAt = now;
        CreatedAt = now;
        DeadAt = null;
        return true;
    }
}

public static class WebhookDeliveryStates
{
    public const string Pending = "pending";
    public const string Delivering = "delivering";
    public const string Delivered = "delivered";
    public const string Dead = "dead";
}

internal sealed class WebhookDeliveryConfiguration : IEntityTypeConfiguration<WebhookDelivery>
{
    public void Configure(EntityTypeBuilder<WebhookDelivery> b)
    {
        b.ToTable("WebhookDeliveries");
        b.Property(d => d.Id).ValueGeneratedNever();
        b.Property(d => d.EventType).HasMaxLength(64);
        b.Property(d => d.State).HasMaxLength(16);
        b.Property(d => d.LastError).HasMaxLength(WebhookDelivery.ErrorMaxLength);
        b.Ignore(d => d.MessageId);
        b.HasOne<WebhookEndpoint>().WithMany().HasForeignKey(d => d.EndpointId).OnDelete(DeleteBehavior.Cascade);
        b.HasIndex(d => new { d.State, d.NextAttemptAt });
        b.HasIndex(d => d.ClaimToken);
    }
}
