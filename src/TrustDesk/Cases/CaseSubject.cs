using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Microsoft.EntityFrameworkCore;
using System.Text.Json.Serialization;
using TrustDesk.Subjects;
using TrustDesk.Api;

namespace TrustDesk.Cases;

[JsonConverter(typeof(SnakeCaseEnumConverter<SubjectRole>))]
public enum SubjectRole
{
    Reported,
    Reporter,
    Involved,
}

/// <summary>A platform object a case is about, and in which role.</summary>
public sealed class CaseSubject
{
    private CaseSubject()
    {
    }

    internal CaseSubject(Guid subjectId, SubjectRole role)
    {
        SubjectId = subjectId;
        Role = role;
    }

    public long CaseId { get; private set; }
    public Guid SubjectId { get; private set; }
    public SubjectRole Role { get; private set; }
    public Subject? Subject { get; private set; }
}

/// <summary>How <see cref="CaseSubject"/> is stored.</summary>
internal sealed class CaseSubjectConfiguration : IEntityTypeConfiguration<CaseSubject>
{
    public void Configure(EntityTypeBuilder<CaseSubject> b)
    {
        b.ToTable("CaseSubjects");
        b.HasKey(s => new { s.CaseId, s.SubjectId, s.Role });
        b.Property(s => s.Role).HasConversion<string>().HasMaxLength(20);
        b.HasOne(s => s.Subject).WithMany().HasForeignKey(s => s.SubjectId).OnDelete(DeleteBehavior.Restrict);
        b.HasIndex(s => s.SubjectId);
    }
}
