using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Microsoft.EntityFrameworkCore;
namespace TrustDesk.Cases;

/// <summary>
/// A question from a case to a department: members of a department see the cases escalated to it (in any status). The
/// department answers, asks back (the desk then replies) or closes it; each step is an internal note on the case and a
/// case event (<c>escalation_*</c>, From the department, To the escalation's id), so the timeline, the audit trail and
/// the notifications read it like any other change. The due date is the escalation's target.
/// </summary>
public sealed class Escalation
{
    public const int NoteMaxLength = 2_000;

    private Escalation()
    {
    }

    public const int MaxEvidence = 20;

    public Escalation(long caseId, string department, string? note, Actor actor, DateTime now, DateTime? dueAt = null, IReadOnlyList<Guid>? evidence = null)
    {
        Id = Guid.CreateVersion7(now);
        CaseId = caseId;
        Department = department;
        Note = note;
        Status = EscalationStatus.Open;
        CreatedById = actor.Id;
        CreatedAt = now;
        DueAt = dueAt ?? now + DefaultTarget;
        EvidenceIds = evidence is { Count: > 0 } ? string.Join(',', evidence) : null;
    }

    /// <summary>When no due date is given: a working day.</summary>
    public static readonly TimeSpan DefaultTarget = TimeSpan.FromHours(24);

    public Guid Id { get; private set; }
    public long CaseId { get; private set; }

    /// <summary>A code of <see cref="Identity.Departments"/>.</summary>
    public string Department { get; private set; } = "";
    public string? Note { get; private set; }
    public EscalationStatus Status { get; private set; }
    public string CreatedById { get; private set; } = "";
    public DateTime CreatedAt { get; private set; }

    /// <summary>The department's target: overdue while open past it.</summary>
    public DateTime DueAt { get; private set; }

    /// <summary>The case's attachments chosen as evidence (their ids, comma-separated); copied onto the question's note.</summary>
    public string? EvidenceIds { get; private set; }
    public DateTime? AnsweredAt { get; private set; }
    public DateTime? ClosedAt { get; private set; }

    /// <summary>The note on the case that holds the question (and the evidence's copies).</summary>
    public Guid? QuestionMessageId { get; private set; }

    public IReadOnlyList<Guid> Evidence => EvidenceIds is null ? [] : [.. EvidenceIds.Split(',').Select(Guid.Parse)];

    public bool IsOverdue(DateTime now) => Status == EscalationStatus.Open && DueAt <= now;

    internal void AskedIn(Guid messageId) => QuestionMessageId = messageId;

    /// <summary>
    /// Moves the escalation one step and writes the step as an internal note on <paramref name="case"/> plus an event.
    /// <c>answer</c> and <c>ask_back</c> are the department's; <c>reply</c> is the desk's answer to a question asked back;
    /// <c>close</c> is either side's.
    /// </summary>
    public Message Respond(Case @case, string kind, string text, Actor actor, DateTime now)
    {
        if (Status == EscalationStatus.Closed)
        {
            throw new CaseRuleException("escalation", "The escalation is closed; escalate again to ask something new.");
        }

        if (kind == "reply" && Status != EscalationStatus.AskedBack)
        {
            throw new CaseRuleException("kind", "The department asked nothing back; add a note instead.");
        }

        var title = Identity.Departments.All.GetValueOrDefault(Department, Department);
        var (eventKind, heading) = kind switch
        {
            "answer" => (CaseEventKinds.EscalationAnswered, $"Answer from {title}"),
            "ask_back" => (CaseEventKinds.EscalationAskedBack, $"{title} asks"),
            "reply" => (CaseEventKinds.EscalationReplied, $"Reply to {title}"),
            "close" => (CaseEventKinds.EscalationClosed, $"Escalation to {title} closed"),
            _ => throw new CaseRuleException("kind", "One of answer, ask_back, reply, close."),
        };
        Status = kind switch
        {
            "answer" => EscalationStatus.Answered,
            "ask_back" => EscalationStatus.AskedBack,
            "reply" => EscalationStatus.Open,
            _ => EscalationStatus.Closed,
        };
        if (kind == "answer")
        {
            AnsweredAt = now;
        }
        else if (kind == "close")
        {
            ClosedAt = now;
        }

        var message = @case.AddMessage(MessageDirection.Internal, Channel.Api, string.IsNullOrWhiteSpace(text) ? heading + "." : $"{heading}: {text.Trim()}", actor, now);
        @case.RecordActivity(eventKind, actor, Department, Id.ToString(), null, now);
        return message;
    }
}

[System.Text.Json.Serialization.JsonConverter(typeof(Api.SnakeCaseEnumConverter<EscalationStatus>))]
public enum EscalationStatus
{
    Open,
    Answered,
    Closed,

    /// <summary>The department asked the desk something back; the desk replies and the escalation is open again.</summary>
    AskedBack,
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
        b.Property(e => e.EvidenceIds).HasMaxLength(Escalation.MaxEvidence * 37);
        b.HasOne<Case>().WithMany().HasForeignKey(e => e.CaseId).OnDelete(DeleteBehavior.Cascade);
        b.HasIndex(e => new { e.Department, e.CaseId });
        b.HasIndex(e => e.CaseId);
        b.HasIndex(e => new { e.Department, e.Status, e.DueAt });
    }
}
