using TrustDesk.Subjects;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Microsoft.EntityFrameworkCore;
namespace TrustDesk.Cases;

/// <summary>
/// A rule that fired, kept: which rule and version, active or shadow, on what, the values that made it fire and what it
/// did (or, in shadow, would have done). The case page reads these to say why a case is S1.
/// </summary>
public sealed class RecordedRuleHit
{
    private RecordedRuleHit()
    {
    }

    public RecordedRuleHit(string rule, int version, bool shadow, string trigger, Guid? subjectId, IEnumerable<string> values, IEnumerable<string> actions, DateTime now)
    {
        Id = Guid.CreateVersion7(now);
        Rule = rule;
        Version = version;
        Shadow = shadow;
        Trigger = trigger;
        SubjectId = subjectId;
        Values = [.. values];
        Actions = [.. actions];
        At = now;
    }

    public Guid Id { get; private set; }
    public long? CaseId { get; private set; }
    public Cases.Case? Case { get; private set; }
    public Guid? SubjectId { get; private set; }
    public string Rule { get; private set; } = "";
    public int Version { get; private set; }
    public bool Shadow { get; private set; }
    public string Trigger { get; private set; } = "";

    /// <summary>The values that made it fire: <c>count("report", subject, 10m) = 6</c>.</summary>
    public List<string> Values { get; private set; } = [];

    /// <summary>What it did, or would have done in shadow: <c>severity S1</c>, <c>queue live-response</c>.</summary>
    public List<string> Actions { get; private set; } = [];
    public DateTime At { get; private set; }

    public void AttachTo(Cases.Case @case) => Case = @case;
}

/// <summary>How <see cref="RecordedRuleHit"/> is stored.</summary>
internal sealed class RecordedRuleHitConfiguration : IEntityTypeConfiguration<RecordedRuleHit>
{
    public void Configure(EntityTypeBuilder<RecordedRuleHit> b)
    {
        b.ToTable("RuleHits");
        b.Property(h => h.Id).ValueGeneratedNever();
        b.Property(h => h.Rule).HasMaxLength(120);
        b.Property(h => h.Trigger).HasMaxLength(80);
        b.HasOne(h => h.Case).WithMany().HasForeignKey(h => h.CaseId).OnDelete(DeleteBehavior.Cascade);
        b.HasOne<Subject>().WithMany().HasForeignKey(h => h.SubjectId).OnDelete(DeleteBehavior.Cascade);
        b.HasIndex(h => new { h.CaseId, h.At });
        b.HasIndex(h => new { h.Rule, h.At });
    }
}
