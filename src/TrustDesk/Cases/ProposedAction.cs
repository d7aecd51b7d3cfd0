using TrustDesk.Subjects;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Microsoft.EntityFrameworkCore;
namespace TrustDesk.Cases;

/// <summary>
/// An enforcement action a rule proposed for people to decide (warn, restrict, suspend...). Rules never act on accounts
/// by themselves: a proposal waits on its case until an agent (and, for severe actions, a second person) decides.
/// </summary>
public sealed class ProposedAction
{
    public const string Proposed = "proposed";
    public const string Accepted = "accepted";
    public const string Declined = "declined";

    private ProposedAction()
    {
    }

    public ProposedAction(string action, string target, Guid? targetSubjectId, string? policy, bool automatic, string rule, DateTime now)
    {
        Id = Guid.CreateVersion7(now);
        Action = action;
        TargetSubjectId = targetSubjectId;
        Target = target;
        Policy = policy;
        Automatic = automatic;
        Rule = rule;
        Status = Proposed;
        CreatedAt = now;
    }

    public Guid Id { get; private set; }
    public long? CaseId { get; private set; }
    public Cases.Case? Case { get; private set; }
    public string Action { get; private set; } = "";
    public Guid? TargetSubjectId { get; private set; }

    /// <summary>The target as agents read it: <c>account:u-123</c>.</summary>
    public string Target { get; private set; } = "";
    public string? Policy { get; private set; }
    public bool Automatic { get; private set; }
    public string Rule { get; private set; } = "";
    public string Status { get; private set; } = Proposed;
    public DateTime CreatedAt { get; private set; }

    public void AttachTo(Cases.Case @case) => Case = @case;

    /// <summary>A person decided the proposal (the enforcement action it became, if any, keeps the details).</summary>
    public void Decide(bool accepted)
    {
        if (Status != Proposed)
        {
            throw new InvalidOperationException($"The proposal was already {Status}.");
        }

        Status = accepted ? Accepted : Declined;
    }
}

/// <summary>How <see cref="ProposedAction"/> is stored.</summary>
internal sealed class ProposedActionConfiguration : IEntityTypeConfiguration<ProposedAction>
{
    public void Configure(EntityTypeBuilder<ProposedAction> b)
    {
        b.ToTable("ProposedActions");
        b.Property(p => p.Id).ValueGeneratedNever();
        b.Property(p => p.Action).HasMaxLength(32);
        b.Property(p => p.Target).HasMaxLength(200);
        b.Property(p => p.Policy).HasMaxLength(64);
        b.Property(p => p.Rule).HasMaxLength(120);
        b.Property(p => p.Status).HasMaxLength(20);
        b.HasOne(p => p.Case).WithMany().HasForeignKey(p => p.CaseId).OnDelete(DeleteBehavior.Cascade);
        b.HasOne<Subject>().WithMany().HasForeignKey(p => p.TargetSubjectId).OnDelete(DeleteBehavior.Restrict);
        b.HasIndex(p => new { p.CaseId, p.Status });
    }
}
