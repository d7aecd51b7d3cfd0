using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using TrustDesk.Cases;
using TrustDesk.Data;
using TrustDesk.Subjects;

namespace TrustDesk.Enforcement;

/// <summary>
/// A decision to act on a platform object, from proposal to the platform's confirmation. Status moves only through the
/// methods here: pending_approval → approved | rejected; approved → executed | failed (the platform says which);
/// approved | executed → reversed (an appeal overturned it). Four eyes: whoever proposed it can never approve it.
/// </summary>
public sealed class EnforcementAction
{
    public const int ReasonMaxLength = 4000;
    public const int NoteMaxLength = 1000;

    private EnforcementAction()
    {
    }

    public EnforcementAction(long caseId, ActionDefinition definition, Subject subject, string policy, string reason, int? durationDays,
        long? amount, string? refund, bool automatedDetection, Guid? proposalId, IReadOnlyList<string> approvalReasons, Actor proposer,
        DateTime now, TimeSpan approvalExpiry)
    {
        Id = Guid.CreateVersion7(now);
        CaseId = caseId;
        Kind = definition.Kind;
        SubjectId = subject.Id;
        SubjectKind = subject.Kind;
        SubjectExternalId = subject.ExternalId;
        Policy = policy;
        Reason = reason;
        DurationDays = durationDays;
        Amount = amount;
        Refund = refund;
        AutomatedDetection = automatedDetection;
        ProposalId = proposalId;
        ProposedById = proposer.Id;
        ProposedByName = proposer.Name;
        ProposedAt = now;
        ApprovalReasons = approvalReasons.Count == 0 ? null : string.Join("; ", approvalReasons);
        if (approvalReasons.Count > 0)
        {
            Status = ActionStatuses.PendingApproval;
            ApprovalExpiresAt = now + approvalExpiry;
        }
        else
        {
            // Not severe: the proposer's decision is the decision.
            Status = ActionStatuses.Approved;
            DecidedById = proposer.Id;
            DecidedByName = proposer.Name;
            DecidedAt = now;
        }
    }

    public Guid Id { get; private set; }
    public long CaseId { get; private set; }
    public string Kind { get; private set; } = "";
    public Guid SubjectId { get; private set; }
    public SubjectKind SubjectKind { get; private set; }
    public string SubjectExternalId { get; private set; } = "";

    /// <summary>The taxonomy code of the policy enforced.</summary>
    public string Policy { get; private set; } = "";

    /// <summary>The facts and circumstances, as the statement of reasons gives them.</summary>
    public string Reason { get; private set; } = "";
    public int? DurationDays { get; private set; }

    /// <summary>Minor units: a payout hold's or partial refund's amount.</summary>
    public long? Amount { get; private set; }

    /// <summary>refund_order: <c>full</c> or <c>partial</c>.</summary>
    public string? Refund { get; private set; }

    /// <summary>A rule found it (the proposal came from triage), as the statement of reasons must say.</summary>
    public bool AutomatedDetection { get; private set; }
    public Guid? ProposalId { get; private set; }
    public string Status { get; private set; } = "";

    /// <summary>Why a second person must approve, or null when none must.</summary>
    public string? ApprovalReasons { get; private set; }
    public DateTime? ApprovalExpiresAt { get; private set; }
    public string ProposedById { get; private set; } = "";
    public string ProposedByName { get; private set; } = "";
    public DateTime ProposedAt { get; private set; }
    public string? DecidedById { get; private set; }
    public string? DecidedByName { get; private set; }
    public DateTime? DecidedAt { get; private set; }
    public string? DecisionNote { get; private set; }

    /// <summary>The platform's confirmation id: a second confirmation is refused, whatever it says.</summary>
    public string? ConfirmationId { get; private set; }
    public DateTime? ConfirmedAt { get; private set; }
    public string? FailureReason { get; private set; }
    public DateTime? ReversedAt { get; private set; }
    public string? ReversedByName { get; private set; }
    public DateTime? StatementSentAt { get; private set; }

    /// <summary>Optimistic concurrency: two approvers at once, one wins.</summary>
    public int Version { get; private set; }

    public ActionDefinition Definition => ActionCatalogue.ByKind[Kind];

    public bool NeedsApproval => ApprovalReasons is not null;

    public bool IsExpired(DateTime now) => Status == ActionStatuses.PendingApproval && ApprovalExpiresAt <= now;

    /// <summary>When the restriction ends, for those with a duration.</summary>
    public DateTime? EndsAt => DurationDays is { } days && DecidedAt is { } decided ? decided.AddDays(days) : null;

    /// <summary>Whether <paramref name="actorId"/> took part in the decision (proposed or decided it): such a person may not judge its appeal.</summary>
    public bool TookPart(string actorId) => actorId == ProposedById || actorId == DecidedById;

    public void Approve(Actor approver, string? note, DateTime now)
    {
        Guard(Status == ActionStatuses.PendingApproval, $"The action is {Status}; only a pending one can be approved.");
        if (approver.Id == ProposedById)
        {
            throw new FourEyesException("You proposed this action: a second person must approve it.");
        }

        Guard(!IsExpired(now), $"The approval expired at {ApprovalExpiresAt:u}; propose the action again.");
        Status = ActionStatuses.Approved;
        Decided(approver, note, now);
    }

    public void Reject(Actor approver, string? note, DateTime now)
    {
        Guard(Status == ActionStatuses.PendingApproval, $"The action is {Status}; only a pending one can be rejected.");
        Status = ActionStatuses.Rejected;
        Decided(approver, note, now);
    }

    /// <summary>The platform's word that it did (or could not do) what was asked.</summary>
    public void Confirm(string confirmationId, bool executed, string? failure, DateTime now)
    {
        Guard(ConfirmationId is null, $"The action was already confirmed ({ConfirmationId}, {Status}); a confirmation is taken once.");
        Guard(Status == ActionStatuses.Approved, $"The action is {Status}; only an approved action awaits the platform's confirmation.");
        ConfirmationId = confirmationId;
        ConfirmedAt = now;
        Status = executed ? ActionStatuses.Executed : ActionStatuses.Failed;
        FailureReason = executed ? null : failure;
        Version++;
    }

    /// <summary>An appeal overturned it.</summary>
    public void Reverse(Actor actor, DateTime now)
    {
        Guard(Status is ActionStatuses.Approved or ActionStatuses.Executed, $"The action is {Status}; only an approved or executed action can be reversed.");
        Status = ActionStatuses.Reversed;
        ReversedAt = now;
        ReversedByName = actor.Name;
        Version++;
    }

    public void StatementSent(DateTime now) => StatementSentAt ??= now;

    private void Decided(Actor actor, string? note, DateTime now)
    {
        DecidedById = actor.Id;
        DecidedByName = actor.Name;
        DecidedAt = now;
        DecisionNote = note;
        Version++;
    }

    private static void Guard(bool ok, string message)
    {
        if (!ok)
        {
            throw new ActionRuleException(message);
        }
    }
}

public static class ActionStatuses
{
    public const string PendingApproval = "pending_approval";
    public const string Approved = "approved";
    public const string Executed = "executed";
    public const string Failed = "failed";
    public const string Rejected = "rejected";
    public const string Reversed = "reversed";
}

/// <summary>A move the action's rules refuse (wrong state, expired): answered 409.</summary>
public sealed class ActionRuleException(string message) : Exception(message);

/// <summary>The proposer tried to approve their own action: answered 403.</summary>
public sealed class FourEyesException(string message) : Exception(message);

internal sealed class EnforcementActionConfiguration : IEntityTypeConfiguration<EnforcementAction>
{
    public void Configure(EntityTypeBuilder<EnforcementAction> b)
    {
        b.ToTable("EnforcementActions");
        b.Property(a => a.Id).ValueGeneratedNever();
        b.Property(a => a.Kind).HasMaxLength(32);
        b.Property(a => a.SubjectKind).HasConversion<string>().HasMaxLength(20);
        b.Property(a => a.SubjectExternalId).HasMaxLength(Subject.ExternalIdMaxLength);
        b.Property(a => a.Policy).HasMaxLength(64);
        b.Property(a => a.Reason).HasMaxLength(EnforcementAction.ReasonMaxLength);
        b.Property(a => a.Refund).HasMaxLength(16);
        b.Property(a => a.Status).HasMaxLength(20);
        b.Property(a => a.ApprovalReasons).HasMaxLength(1000);
        b.Property(a => a.ProposedById).HasMaxLength(64);
        b.Property(a => a.ProposedByName).HasMaxLength(200);
        b.Property(a => a.DecidedById).HasMaxLength(64);
        b.Property(a => a.DecidedByName).HasMaxLength(200);
        b.Property(a => a.DecisionNote).HasMaxLength(EnforcementAction.NoteMaxLength);
        b.Property(a => a.ConfirmationId).HasMaxLength(128);
        b.Property(a => a.FailureReason).HasMaxLength(EnforcementAction.NoteMaxLength);
        b.Property(a => a.ReversedByName).HasMaxLength(200);
        b.Property(a => a.Version).IsConcurrencyToken();
        b.Ignore(a => a.Definition);
        b.Ignore(a => a.NeedsApproval);
        b.Ignore(a => a.EndsAt);
        b.HasOne<Case>().WithMany().HasForeignKey(a => a.CaseId).OnDelete(DeleteBehavior.Cascade);
        b.HasOne<Subject>().WithMany().HasForeignKey(a => a.SubjectId).OnDelete(DeleteBehavior.Restrict);
        b.HasIndex(a => a.CaseId);
        b.HasIndex(a => new { a.SubjectId, a.ProposedAt });
        b.HasIndex(a => new { a.Status, a.ProposedAt });
    }
}

public static class EnforcementTables
{
    extension(TrustDeskDb db)
    {
        public DbSet<EnforcementAction> EnforcementActions => db.Set<EnforcementAction>();
        public DbSet<Strike> Strikes => db.Set<Strike>();
        public DbSet<Appeal> Appeals => db.Set<Appeal>();
        public DbSet<AppealLinkKey> AppealLinkKeys => db.Set<AppealLinkKey>();
    }
}
