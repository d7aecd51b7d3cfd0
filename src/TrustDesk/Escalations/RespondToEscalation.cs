using System.Security.Claims;
using Microsoft.EntityFrameworkCore;
using TrustDesk.Api;
using TrustDesk.Cases;
using TrustDesk.Data;
using TrustDesk.Identity;

namespace TrustDesk.Escalations;

/// <param name="Kind"><c>answer</c> or <c>ask_back</c> (the department), <c>reply</c> (the desk, to a question asked back), <c>close</c> (either).</param>
/// <param name="Text">The answer, the question, the reply; optional when closing.</param>
public sealed record RespondToEscalationRequest(string? Kind, string? Text);

/// <summary>
/// A step of the conversation between the desk and a department. Always internal: it becomes a note on the case, never a
/// message to the user. Who may take which step is checked here, per escalation.
/// </summary>
public sealed class RespondToEscalation(TrustDeskDb db, CaseAccess access, TimeProvider time)
{
    public const string Operation = "escalations.respond";
    public const int TextMaxLength = 20_000;

    public abstract record Result;
    public sealed record Responded(EscalationView Escalation, bool Replayed) : Result;
    public sealed record NotFound : Result;
    public sealed record Invalid(Dictionary<string, string[]> Errors) : Result;
    public sealed record Forbidden(string Reason) : Result;
    public sealed record IdempotencyMismatch : Result;
    public sealed record Conflict : Result;

    public async Task<Result> HandleAsync(Guid escalationId, RespondToEscalationRequest request, ClaimsPrincipal caller, string? idempotencyKey, CancellationToken cancellationToken)
    {
        var errors = new ValidationErrors();
        if (request.Kind is not ("answer" or "ask_back" or "reply" or "close"))
        {
            errors.Add("kind", "One of answer, ask_back, reply, close.");
        }

        if (request.Kind is "close")
        {
            errors.MaxLength("text", request.Text, TextMaxLength);
        }
        else
        {
            errors.Required("text", request.Text, TextMaxLength);
        }

        if (errors.Any)
        {
            return new Invalid(errors.ToDictionary());
        }

        var escalation = await db.Escalations.FirstOrDefaultAsync(e => e.Id == escalationId, cancellationToken);
        // Another department's escalation on a case this member can see (escalated to both) is not theirs to see either.
        var ownDepartment = Permissions.DepartmentOf(caller);
        var isMember = !caller.Has(Permissions.CasesAllDepartments);
        if (escalation is null || (isMember && escalation.Department != ownDepartment)
            || !await access.CanSeeAsync(escalation.CaseId, caller, cancellationToken))
        {
            return new NotFound();
        }

        var departmentStep = request.Kind is "answer" or "ask_back";
        if (departmentStep && (!isMember || escalation.Department != ownDepartment))
        {
            return new Forbidden("Only members of the department answer or ask back; reply to the department or add a note instead.");
        }

        if (request.Kind == "reply" && !caller.Has(Permissions.CasesUpdate))
        {
            return new Forbidden("Only case workers reply to a department's question; answer or ask back instead.");
        }

        var clientId = caller.ClientId();
        var requestHash = Idempotency.HashRequest($"{Operation}:{escalationId}", request);
        var (check, _) = await Idempotency.CheckAsync(db, clientId, idempotencyKey, requestHash, cancellationToken);
        var now = time.GetUtcNow().UtcDateTime;
        if (check == Idempotency.Check.Mismatch)
        {
            return new IdempotencyMismatch();
        }

        if (check == Idempotency.Check.Replay)
        {
            return new Responded(EscalationView.Of(escalation, now), Replayed: true);
        }

        var @case = await db.Cases.FirstAsync(c => c.Id == escalation.CaseId, cancellationToken);
        var message = escalation.Respond(@case, request.Kind!, request.Text ?? "", caller.ToActor(), now);
        if (idempotencyKey is not null)
        {
            db.IdempotencyRecords.Add(new IdempotencyRecord(clientId, idempotencyKey, requestHash, Operation, message.Id.ToString(), now));
        }

        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateConcurrencyException)
        {
            // The case moved under us (a report joined, an agent saved): the caller sends the same step again.
            return new Conflict();
        }

        return new Responded(EscalationView.Of(escalation, now), Replayed: false);
    }
}
