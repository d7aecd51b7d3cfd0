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

[System.Text.Json.Serialization.JsonConverter(typeof(Web.SnakeCaseEnumConverter<EscalationStatus>))]
public enum EscalationStatus
{
    Open,
    Answered,
    Closed,
}
