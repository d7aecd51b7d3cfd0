using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Microsoft.EntityFrameworkCore;
namespace TrustDesk.Cases;

/// <summary>
/// A question from a case to a department. The minimum the access rules need: members of a department see the
/// cases escalated to it (open or answered). The full escalation feature (SLA, answers, closing) builds on this row.
/// </summary>
public sealed class Escalation
{
    public const int NoteMaxLength = 2_000;

    private Escalation()
    {
    }

    public Escalation(long caseId, string department, string? note, Actor actor, DateTime now)
    {
        Id = Guid.CreateVersion7(now);
        CaseId = caseId;
        Department = department;
        Note = note;
        Status = EscalationStatus.Open;
        CreatedById = actor.Id;
        CreatedAt = now;
    }

    public Guid Id { get; private set; }
    public long CaseId { get; private set; }

    /// <summary>A code of <see cref="Identity.Departments"/>.</summary>
    public string Department { get; private set; } = "";
    public string? Note { get; private set; }
    public EscalationStatus Status { get; private set; }
    public string CreatedById { get; private set; } = "";
    public DateTime CreatedAt { get; private set; }
}

[System.Text.Json.Serialization.JsonConverter(typeof(Api.SnakeCaseEnumConverter<EscalationStatus>))]
public enum EscalationStatus
{
    Open,
    Answered,
    Closed,
}

/// <summary>How <see cref="Escalation"/> is stored.</summary>
internal sealed class EscalationConfiguration : IEntityTypeConfiguration<Escalation>
{
    public void Configure(EntityTypeBuilder<Escalation> b)
    {
        b.ToTable("Escalations");
        b.Property(e => e.Id).ValueGeneratedNever();
        b.Property(e => e.Department).HasMaxLength(40);
        b.Property(e => e.Note).HasMaxLength(Escalation.NoteMaxLength);
        b.Property(e => e.Status).HasConversion<string>().HasMaxLength(20);
        b.Property(e => e.CreatedById).HasMaxLength(64);
        b.HasOne<Case>().WithMany().HasForeignKey(e => e.CaseId).OnDelete(DeleteBehavior.Cascade);
        b.HasIndex(e => new { e.Department, e.CaseId });
        b.HasIndex(e => e.CaseId);
    }
}
