using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Microsoft.EntityFrameworkCore;
using System.Text.Json.Serialization;
using TrustDesk.Api;

namespace TrustDesk.Subjects;

[JsonConverter(typeof(SnakeCaseEnumConverter<SubjectKind>))]
public enum SubjectKind
{
    Account,
    Livestream,
    Listing,
    Order,
    Shipment,
    Payment,
}

/// <summary>A platform object a case can be about, pushed by the platform and keyed by its own id.</summary>
public sealed class Subject
{
    public const int ExternalIdMaxLength = 128;
    public const int DisplayNameMaxLength = 200;
    public const string ActiveStatus = "active";
    public const string BannedStatus = "banned";
    public static readonly string[] Statuses = [ActiveStatus, "restricted", "suspended", BannedStatus, "closed"];

    private readonly List<SubjectLink> _links = [];
    private readonly List<SubjectIdentifier> _identifiers = [];
    private DateTime? _liveChangedAt;

    private Subject()
    {
    }

    public Subject(SubjectKind kind, string externalId, DateTime now)
    {
        Id = Guid.CreateVersion7(now);
        Kind = kind;
        ExternalId = externalId;
        DisplayName = externalId;
        FirstSeenAt = now;
        UpdatedAt = now;
    }

    public Guid Id { get; private set; }
    public SubjectKind Kind { get; private set; }
    public string ExternalId { get; private set; } = "";
    public string DisplayName { get; private set; } = "";

    /// <summary>When the object was created on the platform (an account's age comes from here).</summary>
    public DateTime? CreatedOnPlatformAt { get; private set; }

    /// <summary>Free attributes as the platform sent them (JSON object).</summary>
    public string? Attributes { get; private set; }
    /// <summary>The platform's status of the object: <c>active</c> unless it says otherwise (<c>suspended</c>, <c>banned</c>...).</summary>
    public string Status { get; private set; } = ActiveStatus;

    public bool IsBanned => Status == BannedStatus;

    /// <summary>For a livestream: when it went live, while it is live; null otherwise.</summary>
    public DateTime? LiveSince { get; private set; }
    public DateTime FirstSeenAt { get; private set; }
    public DateTime UpdatedAt { get; private set; }

    public IReadOnlyList<SubjectLink> Links => _links;
    public IReadOnlyList<SubjectIdentifier> Identifiers => _identifiers;

    public void Update(string? displayName, DateTime? createdOnPlatformAt, string? attributesJson, string? status, DateTime now)
    {
        if (status is not null)
        {
            Status = status;
        }

        if (!string.IsNullOrWhiteSpace(displayName))
        {
            DisplayName = displayName.Trim();
        }

        if (createdOnPlatformAt is not null)
        {
            CreatedOnPlatformAt = createdOnPlatformAt;
        }

        if (attributesJson is not null)
        {
            Attributes = attributesJson;
        }

        UpdatedAt = now;
    }

    public bool IsLive => LiveSince is not null;

    /// <summary>A stream.started or stream.ended event. Events can arrive out of order: an older one never undoes a newer.</summary>
    public void SetLive(bool live, DateTime occurredAt, DateTime now)
    {
        if (_liveChangedAt is { } last && occurredAt < last)
        {
            return;
        }

        _liveChangedAt = occurredAt;
        LiveSince = live ? occurredAt : null;
        UpdatedAt = now;
    }

    /// <summary>Adds a link unless the same one is there already (links are loaded with the subject when it is upserted).</summary>
    public void Link(string relation, Guid toSubjectId, DateTime now)
    {
        if (_links.Any(l => l.Relation == relation && l.ToSubjectId == toSubjectId))
        {
            return;
        }

        _links.Add(new SubjectLink(Id, relation, toSubjectId, now));
    }

    public void Identify(IdentifierType type, string value, DateTime now)
    {
        var normalised = SubjectIdentifier.Normalise(type, value);
        if (_identifiers.Any(i => i.Type == type && i.Value == normalised))
        {
            return;
        }

        _identifiers.Add(new SubjectIdentifier(Id, type, normalised, now));
    }
}

/// <summary>How <see cref="Subject"/> is stored.</summary>
internal sealed class SubjectConfiguration : IEntityTypeConfiguration<Subject>
{
    public void Configure(EntityTypeBuilder<Subject> b)
    {
        b.ToTable("Subjects");
        b.Property(s => s.Id).ValueGeneratedNever();
        b.Property(s => s.Kind).HasConversion<string>().HasMaxLength(20);
        b.Property(s => s.ExternalId).HasMaxLength(Subject.ExternalIdMaxLength);
        b.Property(s => s.DisplayName).HasMaxLength(Subject.DisplayNameMaxLength);
        b.Property(s => s.Status).HasMaxLength(20);
        b.HasIndex(s => new { s.Kind, s.ExternalId }).IsUnique();
        b.Property<DateTime?>("_liveChangedAt").HasColumnName("LiveChangedAt");
        b.HasMany(s => s.Links).WithOne().HasForeignKey(l => l.FromSubjectId).OnDelete(DeleteBehavior.Cascade);
        b.HasMany(s => s.Identifiers).WithOne().HasForeignKey(i => i.SubjectId).OnDelete(DeleteBehavior.Cascade);
        b.Navigation(s => s.Links).UsePropertyAccessMode(PropertyAccessMode.Field);
        b.Navigation(s => s.Identifiers).UsePropertyAccessMode(PropertyAccessMode.Field);
    }
}
