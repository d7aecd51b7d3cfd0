using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Microsoft.EntityFrameworkCore;
namespace TrustDesk.Subjects;

/// <summary>Something that happened on the platform; the timeline of its subjects and the input of signals and rules.</summary>
public sealed class PlatformEvent
{
    /// <summary>The events that start and end a livestream: they set its live flag.</summary>
    public const string StreamStarted = "stream.started";
    public const string StreamEnded = "stream.ended";

    public const int TypeMaxLength = 64;

    private readonly List<PlatformEventSubject> _subjects = [];

    private PlatformEvent()
    {
    }

    public PlatformEvent(string externalId, string type, DateTime occurredAt, string? dataJson, DateTime now)
    {
        Id = Guid.CreateVersion7(now);
        ExternalId = externalId;
        Type = type;
        OccurredAt = occurredAt;
        DataJson = dataJson;
        ReceivedAt = now;
    }

    public Guid Id { get; private set; }

    /// <summary>The platform's event id: the idempotency key of intake.</summary>
    public string ExternalId { get; private set; } = "";
    public string Type { get; private set; } = "";
    public DateTime OccurredAt { get; private set; }
    public DateTime ReceivedAt { get; private set; }
    public string? DataJson { get; private set; }
    public IReadOnlyList<PlatformEventSubject> Subjects => _subjects;

    public void Involve(Guid subjectId, string role)
    {
        if (_subjects.Any(s => s.SubjectId == subjectId && s.Role == role))
        {
            return;
        }

        _subjects.Add(new PlatformEventSubject(Id, subjectId, role));
    }
}

/// <summary>A subject an event is about, with its role in it (buyer, seller, host, stream, order...).</summary>
public sealed class PlatformEventSubject
{
    public const int RoleMaxLength = 32;

    private PlatformEventSubject()
    {
    }

    internal PlatformEventSubject(Guid eventId, Guid subjectId, string role)
    {
        EventId = eventId;
        SubjectId = subjectId;
        Role = role;
    }

    public Guid EventId { get; private set; }
    public Guid SubjectId { get; private set; }
    public string Role { get; private set; } = "";
}

/// <summary>How <see cref="PlatformEvent"/> is stored.</summary>
internal sealed class PlatformEventConfiguration : IEntityTypeConfiguration<PlatformEvent>
{
    public void Configure(EntityTypeBuilder<PlatformEvent> b)
    {
        b.ToTable("Events");
        b.Property(e => e.Id).ValueGeneratedNever();
        b.Property(e => e.ExternalId).HasMaxLength(Subject.ExternalIdMaxLength);
        b.Property(e => e.Type).HasMaxLength(PlatformEvent.TypeMaxLength);
        b.HasIndex(e => e.ExternalId).IsUnique();
        b.HasIndex(e => new { e.Type, e.OccurredAt });
        b.HasMany(e => e.Subjects).WithOne().HasForeignKey(s => s.EventId).OnDelete(DeleteBehavior.Cascade);
        b.Navigation(e => e.Subjects).UsePropertyAccessMode(PropertyAccessMode.Field);
    }
}

/// <summary>How <see cref="PlatformEventSubject"/> is stored.</summary>
internal sealed class PlatformEventSubjectConfiguration : IEntityTypeConfiguration<PlatformEventSubject>
{
    public void Configure(EntityTypeBuilder<PlatformEventSubject> b)
    {
        b.ToTable("EventSubjects");
        b.HasKey(s => new { s.EventId, s.SubjectId, s.Role });
        b.Property(s => s.Role).HasMaxLength(PlatformEventSubject.RoleMaxLength);
        b.HasOne<Subject>().WithMany().HasForeignKey(s => s.SubjectId).OnDelete(DeleteBehavior.Restrict);
        b.HasIndex(s => s.SubjectId);
    }
}
