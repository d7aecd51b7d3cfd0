using System.Security.Cryptography;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using TrustDesk.Data;

namespace TrustDesk.Webhooks;

/// <summary>
/// A URL of the platform that hears TrustDesk's events, signed the Standard Webhooks way with a secret of its own. The
/// secret is kept (signing needs it in clear, unlike API keys, which are only compared); after a rotation the previous
/// secret keeps signing beside the new one until <see cref="PreviousSecretExpiresAt"/>, so the platform can switch
/// without missing a delivery.
/// </summary>
public sealed class WebhookEndpoint
{
    public const int UrlMaxLength = 2000;
    public const string SecretPrefix = "whsec_";

    private WebhookEndpoint()
    {
    }

    public WebhookEndpoint(string url, IReadOnlyCollection<string> events, string createdBy, DateTime now)
    {
        Id = Guid.CreateVersion7(now);
        Url = url;
        Events = string.Join(',', events.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal));
        Secret = NewSecret();
        CreatedBy = createdBy;
        CreatedAt = now;
    }

    public Guid Id { get; private set; }
    public string Url { get; private set; } = "";

    /// <summary>Event types, comma-separated.</summary>
    public string Events { get; private set; } = "";

    /// <summary><c>whsec_</c> and 32 random bytes in base64.</summary>
    public string Secret { get; private set; } = "";
    public string? PreviousSecret { get; private set; }
    public DateTime? PreviousSecretExpiresAt { get; private set; }
    public string CreatedBy { get; private set; } = "";
    public DateTime CreatedAt { get; private set; }
    public DateTime? DeletedAt { get; private set; }

    public IReadOnlyList<string> EventList => Events.Split(',', StringSplitOptions.RemoveEmptyEntries);

    public bool Wants(string eventType) => EventList.Contains(eventType, StringComparer.Ordinal);

    /// <summary>The secrets that sign a delivery now: the current one, and the previous one during the overlap.</summary>
    public IEnumerable<string> SigningSecrets(DateTime now)
    {
        yield return Secret;
        if (PreviousSecret is not null && PreviousSecretExpiresAt > now)
        {
            yield return PreviousSecret;
        }
    }

    public void RotateSecret(TimeSpan overlap, DateTime now)
    {
        PreviousSecret = Secret;
        PreviousSecretExpiresAt = now + overlap;
        Secret = NewSecret();
    }

    public void Delete(DateTime now) => DeletedAt ??= now;

    private static string NewSecret() => SecretPrefix + Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));
}

internal sealed class WebhookEndpointConfiguration : IEntityTypeConfiguration<WebhookEndpoint>
{
    public void Configure(EntityTypeBuilder<WebhookEndpoint> b)
    {
        b.ToTable("WebhookEndpoints");
        b.Property(e => e.Id).ValueGeneratedNever();
        b.Property(e => e.Url).HasMaxLength(WebhookEndpoint.UrlMaxLength);
        b.Property(e => e.Events).HasMaxLength(1000);
        b.Property(e => e.Secret).HasMaxLength(100);
        b.Property(e => e.PreviousSecret).HasMaxLength(100);
        b.Property(e => e.CreatedBy).HasMaxLength(200);
        b.Ignore(e => e.EventList);
    }
}

public static class WebhookTables
{
    extension(TrustDeskDb db)
    {
        public DbSet<WebhookEndpoint> WebhookEndpoints => db.Set<WebhookEndpoint>();
        public DbSet<WebhookDelivery> WebhookDeliveries => db.Set<WebhookDelivery>();
    }
}
