using System.Security.Claims;
using Microsoft.EntityFrameworkCore;
using TrustDesk.Data;
using TrustDesk.Identity;
using TrustDesk.Api;

namespace TrustDesk.Cases;

/// <param name="Department">A department code: payments, logistics, seller_ops, authentication, legal, law_enforcement_response, security.</param>
/// <param name="Note">The question for the department.</param>
public sealed record EscalateCaseRequest(string? Department, string? Note);

public sealed record EscalationView(Guid Id, long CaseId, string Department, string? Note, EscalationStatus Status, DateTime CreatedAt);

/// <summary>Escalates a case to a department, whose members can then see it. Logged on the case's timeline.</summary>
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

        var errors = new ValidationErrors();
        if (request.Department is null || !Departments.All.ContainsKey(request.Department))
        {
            errors.Add("department", $"One of {Departments.List}.");
        }

        errors.MaxLength("note", request.Note, Escalation.NoteMaxLength);
        if (errors.Any)
        {
            return new Invalid(errors.ToDictionary());
        }

        var now = time.GetUtcNow().UtcDateTime;
        var actor = caller.ToActor();
        var @case = await db.Cases.FirstAsync(c => c.Id == caseId, cancellationToken);
        var escalation = new Escalation(caseId, request.Department!, request.Note?.Trim(), actor, now);
        db.Escalations.Add(escalation);
        @case.RecordEscalation(escalation.Department, actor, now);
        await db.SaveChangesAsync(cancellationToken);
        return new Escalated(new EscalationView(escalation.Id, caseId, escalation.Department, escalation.Note, escalation.Status, escalation.CreatedAt));
    }
}
