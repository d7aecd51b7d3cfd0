using System.Security.Claims;
using Microsoft.EntityFrameworkCore;
using TrustDesk.Data;
using TrustDesk.Identity;
using TrustDesk.Api;

namespace TrustDesk.Cases;

/// <param name="Department">A department code: payments, logistics, seller_ops, authentication, legal, law_enforcement_response, security.</param>
/// <param name="Note">The question for the department; written on the case as an internal note the department sees.</param>
/// <param name="DueAt">When the department should have answered (UTC, in the future); a working day from now when absent.</param>
/// <param name="Attachments">Ids of the case's attachments to hand over as evidence (at most 20).</param>
public sealed record EscalateCaseRequest(string? Department, string? Note, DateTime? DueAt = null, IReadOnlyList<Guid>? Attachments = null);

public sealed record EscalationView(
    Guid Id, long CaseId, string Department, string? Note, EscalationStatus Status, DateTime CreatedAt, DateTime DueAt, bool Overdue,
    IReadOnlyList<Guid> Attachments, DateTime? AnsweredAt, DateTime? ClosedAt)
{
    public static EscalationView Of(Escalation e, DateTime now) =>
        new(e.Id, e.CaseId, e.Department, e.Note, e.Status, e.CreatedAt, e.DueAt, e.IsOverdue(now), e.Evidence, e.AnsweredAt, e.ClosedAt);
}

/// <summary>
/// Escalates a case to a department, whose members can then see it. The question becomes an internal note on the case
/// (so the timeline shows it) carrying copies of the attachments chosen as evidence; the escalation is an event.
/// </summary>
public sealed class EscalateCase(TrustDeskDb db, CaseAccess access, TimeProvider time)
{
    public abstract record Result;
    public sealed record Escalated(EscalationView Escalation) : Result;
    public sealed record NotFound : Result;
    public sealed record Invalid(Dictionary<string, string[]> Errors) : Result;

    public async Task<Result> HandleAsync(long caseId, EscalateCaseRequest request, ClaimsPrincipal caller, CancellationToken cancellationToken)
    {
        if (!await access.CanSeeAsync(caseId, caller, cancellationToken))
        {
            return new NotFound();
        }

        var now = time.GetUtcNow().UtcDateTime;
        var errors = new ValidationErrors();
        if (request.Department is null || !Departments.All.ContainsKey(request.Department))
        {
            errors.Add("department", $"One of {Departments.List}.");
        }

        errors.MaxLength("note", request.Note, Escalation.NoteMaxLength);
        if (request.DueAt is { } due && (due.Kind == DateTimeKind.Local ? due.ToUniversalTime() : due) <= now)
        {
            errors.Add("dueAt", "A time in the future (UTC).");
        }

        var chosen = (request.Attachments ?? []).Distinct().ToList();
        if (chosen.Count > Escalation.MaxEvidence)
        {
            errors.Add("attachments", $"At most {Escalation.MaxEvidence}.");
        }

        // Evidence comes from this case only: an id of another case's file is refused as if it did not exist.
        var evidence = chosen.Count == 0 || chosen.Count > Escalation.MaxEvidence ? [] : await db.Set<MessageAttachment>().AsNoTracking()
            .Where(a => chosen.Contains(a.Id) && db.Set<Message>().Any(m => m.Id == a.MessageId && m.CaseId == caseId))
            .ToListAsync(cancellationToken);
        if (evidence.Count != chosen.Count && chosen.Count <= Escalation.MaxEvidence)
        {
            errors.Add("attachments", "Ids of this case's attachments.");
        }

        if (errors.Any)
        {
            return new Invalid(errors.ToDictionary());
        }

        var actor = caller.ToActor();
        var @case = await db.Cases.FirstAsync(c => c.Id == caseId, cancellationToken);
        var dueAt = request.DueAt is { } d ? DateTime.SpecifyKind(d.Kind == DateTimeKind.Local ? d.ToUniversalTime() : d, DateTimeKind.Utc) : (DateTime?)null;
        var escalation = new Escalation(caseId, request.Department!, string.IsNullOrWhiteSpace(request.Note) ? null : request.Note.Trim(), actor, now, dueAt,
            [.. chosen.Where(id => evidence.Any(a => a.Id == id))]);
        db.Escalations.Add(escalation);
        if (escalation.Note is not null || evidence.Count > 0)
        {
            var title = Departments.All[escalation.Department];
            var question = @case.AddMessage(MessageDirection.Internal, Channel.Api,
                escalation.Note is null ? $"Escalated to {title}." : $"Question for {title}: {escalation.Note}", actor, now);
            foreach (var file in evidence.OrderBy(a => chosen.IndexOf(a.Id)))
            {
                // A copy pointing at the same blob: the department downloads it through its own access to this case.
                question.Attach(new MessageAttachment(file.FileName, file.DeclaredType, file.DetectedType, file.Size, file.BlobHash, inline: false, null, file.Problem, now));
            }

            escalation.AskedIn(question.Id);
        }

        @case.RecordEscalation(escalation.Department, actor, now, escalation.Id.ToString());
        await db.SaveChangesAsync(cancellationToken);
        return new Escalated(EscalationView.Of(escalation, now));
    }
}
