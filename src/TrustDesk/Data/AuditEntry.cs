using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Microsoft.EntityFrameworkCore;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace TrustDesk.Data;

/// <summary>
/// One row of the audit trail: who did what to what, when (UTC) and from where. Rows are never updated or deleted
/// (a PostgreSQL trigger refuses it); each carries the SHA-256 of the one before it, so changing, removing or
/// inserting a row breaks the chain that <c>trustdesk audit verify</c> checks.
/// </summary>
public sealed class AuditEntry
{
    public const int ActionMaxLength = 64;
    public const int DetailMaxLength = 2_000;

    /// <summary>The hash the first entry points back to.</summary>
    public const string GenesisHash = "0000000000000000000000000000000000000000000000000000000000000000";

    private AuditEntry()
    {
    }

    internal AuditEntry(long sequence, AuditRecord record, string previousHash)
    {
        Sequence = sequence;
        // PostgreSQL keeps microseconds: hash what the database will hand back.
        At = new DateTime(record.At.Ticks - record.At.Ticks % 10, DateTimeKind.Utc);
        ActorType = record.ActorType;
        ActorId = record.ActorId;
        ActorName = record.ActorName;
        Action = record.Action;
        TargetType = record.TargetType;
        TargetId = record.TargetId;
        Detail = record.Detail is { Length: > DetailMaxLength } text ? text[..DetailMaxLength] : record.Detail;
        Ip = record.Ip;
        PreviousHash = previousHash;
        Hash = ComputeHash();
    }

    /// <summary>Position in the chain: 1, 2, 3, ... with no gaps.</summary>
    public long Sequence { get; private set; }
    public DateTime At { get; private set; }
    public string ActorType { get; private set; } = "";
    public string ActorId { get; private set; } = "";
    public string ActorName { get; private set; } = "";

    /// <summary>signin.succeeded, signin.failed, mfa.enabled, case.status_changed, personal_data.revealed, user.created, ...</summary>
    public string Action { get; private set; } = "";
    public string? TargetType { get; private set; }
    public string? TargetId { get; private set; }
    public string? Detail { get; private set; }
    public string? Ip { get; private set; }
    public string PreviousHash { get; private set; } = "";
    public string Hash { get; private set; } = "";

    /// <summary>
    /// SHA-256 over a canonical form: a JSON array of every field in a fixed order, the time as round-trip UTC
    /// ticks text. JSON escaping makes the form unambiguous whatever the fields contain.
    /// </summary>
    public string ComputeHash()
    {
        var canonical = JsonSerializer.Serialize(new string?[]
        {
            "v1", Sequence.ToString(CultureInfo.InvariantCulture), At.ToUniversalTime().ToString("yyyy-MM-ddTHH:mm:ss.fffffffZ", CultureInfo.InvariantCulture),
            ActorType, ActorId, ActorName, Action, TargetType, TargetId, Detail, Ip, PreviousHash,
        });
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(canonical)));
    }
}

/// <summary>An audit entry before it has its place in the chain.</summary>
public sealed record AuditRecord(
    DateTime At,
    string ActorType,
    string ActorId,
    string ActorName,
    string Action,
    string? TargetType,
    string? TargetId,
    string? Detail,
    string? Ip);

/// <summary>How <see cref="AuditEntry"/> is stored.</summary>
internal sealed class AuditEntryConfiguration : IEntityTypeConfiguration<AuditEntry>
{
    public void Configure(EntityTypeBuilder<AuditEntry> b)
    {
        b.ToTable("AuditEntries");
        b.HasKey(e => e.Sequence);
        b.Property(e => e.Sequence).ValueGeneratedNever();
        b.Property(e => e.ActorType).HasMaxLength(20);
        b.Property(e => e.ActorId).HasMaxLength(64);
        b.Property(e => e.ActorName).HasMaxLength(200);
        b.Property(e => e.Action).HasMaxLength(AuditEntry.ActionMaxLength);
        b.Property(e => e.TargetType).HasMaxLength(40);
        b.Property(e => e.TargetId).HasMaxLength(200);
        b.Property(e => e.Detail).HasMaxLength(AuditEntry.DetailMaxLength);
        b.Property(e => e.Ip).HasMaxLength(64);
        b.Property(e => e.PreviousHash).HasMaxLength(64);
        b.Property(e => e.Hash).HasMaxLength(64);
        b.HasIndex(e => e.At);
        b.HasIndex(e => new { e.Action, e.Sequence });
        b.HasIndex(e => new { e.TargetType, e.TargetId });
        b.HasIndex(e => new { e.ActorId, e.Sequence });
    }
}
