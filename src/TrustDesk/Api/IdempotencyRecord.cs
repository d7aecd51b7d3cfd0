using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Microsoft.EntityFrameworkCore;
namespace TrustDesk.Api;

/// <summary>
/// Remembers a creating POST by its Idempotency-Key, per client: a replay with the same body answers with the resource
/// the first request made; the same key with another body is refused.
/// </summary>
public sealed class IdempotencyRecord
{
    public const int KeyMaxLength = 128;

    private IdempotencyRecord()
    {
    }

    public IdempotencyRecord(string clientId, string key, string requestHash, string operation, string resourceId, DateTime now)
    {
        ClientId = clientId;
        Key = key;
        RequestHash = requestHash;
        Operation = operation;
        ResourceId = resourceId;
        CreatedAt = now;
    }

    public string ClientId { get; private set; } = "";
    public string Key { get; private set; } = "";

    /// <summary>SHA-256 of the operation and the request body as bound (so whitespace does not matter).</summary>
    public string RequestHash { get; private set; } = "";
    public string Operation { get; private set; } = "";
    public string ResourceId { get; private set; } = "";
    public DateTime CreatedAt { get; private set; }
}

/// <summary>How <see cref="IdempotencyRecord"/> is stored.</summary>
internal sealed class IdempotencyRecordConfiguration : IEntityTypeConfiguration<IdempotencyRecord>
{
    public void Configure(EntityTypeBuilder<IdempotencyRecord> b)
    {
        b.ToTable("IdempotencyRecords");
        b.HasKey(r => new { r.ClientId, r.Key });
        b.Property(r => r.ClientId).HasMaxLength(64);
        b.Property(r => r.Key).HasMaxLength(IdempotencyRecord.KeyMaxLength);
        b.Property(r => r.RequestHash).HasMaxLength(64);
        b.Property(r => r.Operation).HasMaxLength(64);
        b.Property(r => r.ResourceId).HasMaxLength(64);
        b.HasIndex(r => r.CreatedAt);
    }
}
