using TrustDesk.Subjects;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Microsoft.EntityFrameworkCore;
namespace TrustDesk.Cases;

/// <summary>A user's complaint about a subject. It always belongs to a case; reports about one problem share one.</summary>
public sealed class Report
{
    public const int TextMaxLength = 20_000;
    public const int ReasonMaxLength = 64;

    private Report()
    {
    }

    public Report(Guid id, long caseId, Guid subjectId, Guid? reporterSubjectId, string? category, string? reasonCode, string text, string? evidenceJson, string? externalId, DateTime now)
    {
        Id = id;
        CaseId = caseId;
        SubjectId = subjectId;
        ReporterSubjectId = reporterSubjectId;
        Category = category;
        ReasonCode = reasonCode;
        Text = text;
        EvidenceJson = evidenceJson;
        ExternalId = externalId;
        CreatedAt = now;
    }

    public Guid Id { get; private set; }
    public long CaseId { get; private set; }
    public Cases.Case? Case { get; private set; }
    public Guid SubjectId { get; private set; }
    public Guid? ReporterSubjectId { get; private set; }
    public string? Category { get; private set; }
    public string? ReasonCode { get; private set; }
    public string Text { get; private set; } = "";

    /// <summary>Evidence links as sent (JSON array of URLs).</summary>
    public string? EvidenceJson { get; private set; }

    /// <summary>The platform's own id of the report, when it has one.</summary>
    public string? ExternalId { get; private set; }
    public DateTime CreatedAt { get; private set; }

    internal void AttachTo(Cases.Case @case) => Case = @case;
}

/// <summary>How <see cref="Report"/> is stored.</summary>
internal sealed class ReportConfiguration : IEntityTypeConfiguration<Report>
{
    public void Configure(EntityTypeBuilder<Report> b)
    {
        b.ToTable("Reports");
        b.Property(r => r.Id).ValueGeneratedNever();
        b.Property(r => r.Category).HasMaxLength(64);
        b.Property(r => r.ReasonCode).HasMaxLength(Report.ReasonMaxLength);
        b.Property(r => r.Text).HasMaxLength(Report.TextMaxLength);
        b.Property(r => r.ExternalId).HasMaxLength(Subject.ExternalIdMaxLength);
        b.HasOne(r => r.Case).WithMany().HasForeignKey(r => r.CaseId).OnDelete(DeleteBehavior.Cascade);
        b.HasOne<Subject>().WithMany().HasForeignKey(r => r.SubjectId).OnDelete(DeleteBehavior.Restrict);
        b.HasOne<Subject>().WithMany().HasForeignKey(r => r.ReporterSubjectId).OnDelete(DeleteBehavior.Restrict);
        b.HasIndex(r => new { r.SubjectId, r.CreatedAt });
        b.HasIndex(r => r.CaseId);
    }
}
