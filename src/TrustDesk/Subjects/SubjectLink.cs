using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Microsoft.EntityFrameworkCore;
namespace TrustDesk.Subjects;

/// <summary>A directed relation between two subjects: host_of, bought, sold, ships, pays, lists.</summary>
public sealed class SubjectLink
{
    public const int RelationMaxLength = 40;

    private SubjectLink()
    {
    }

    internal SubjectLink(Guid fromSubjectId, string relation, Guid toSubjectId, DateTime now)
    {
        Id = Guid.CreateVersion7(now);
        FromSubjectId = fromSubjectId;
        Relation = relation;
        ToSubjectId = toSubjectId;
        CreatedAt = now;
    }

    public Guid Id { get; private set; }
    public Guid FromSubjectId { get; private set; }
    public string Relation { get; private set; } = "";
    public Guid ToSubjectId { get; private set; }
    public Subject? To { get; private set; }
    public DateTime CreatedAt { get; private set; }
}

/// <summary>How <see cref="SubjectLink"/> is stored.</summary>
internal sealed class SubjectLinkConfiguration : IEntityTypeConfiguration<SubjectLink>
{
    public void Configure(EntityTypeBuilder<SubjectLink> b)
    {
        b.ToTable("SubjectLinks");
        b.Property(l => l.Id).ValueGeneratedNever();
        b.Property(l => l.Relation).HasMaxLength(SubjectLink.RelationMaxLength);
        b.HasOne(l => l.To).WithMany().HasForeignKey(l => l.ToSubjectId).OnDelete(DeleteBehavior.Restrict);
        b.HasIndex(l => new { l.FromSubjectId, l.Relation, l.ToSubjectId }).IsUnique();
        b.HasIndex(l => l.ToSubjectId);
    }
}
