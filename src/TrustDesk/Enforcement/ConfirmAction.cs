using TrustDesk.Cases;
using System.Security.Claims;
using Microsoft.EntityFrameworkCore;
using TrustDesk.Data;
using TrustDesk.Api;

namespace TrustDesk.Enforcement;

/// <summary>
/// The platform's word that it executed an approved action, or could not. Taken once: a second confirmation (a replay,
/// or a contradicting one) is a 409 that changes nothing, and its problem says what the first one was.
/// </summary>
public sealed class ConfirmAction(TrustDeskDb db, TimeProvider time)
{
    public abstract record Result;
    public sealed record Confirmed(ActionView Action) : Result;
    public sealed record NotFound : Result;
    public sealed record Conflict(string Reason, string Status) : Result;
    public sealed record Invalid(Dictionary<string, string[]> Errors) : Result;

    public async Task<Result> HandleAsync(Guid id, ConfirmActionRequest request, ClaimsPrincipal caller, CancellationToken cancellationToken)
    {
        var errors = new ValidationErrors();
        errors.Identifier("confirmationId", request.ConfirmationId, 128);
        if (request.Outcome is not ("executed" or "failed"))
        {
            errors.Add("outcome", "executed or failed.");
        }

        errors.MaxLength("error", request.Error, EnforcementAction.NoteMaxLength);
        if (errors.Any)
        {
            return new Invalid(errors.ToDictionary());
        }

        var action = await db.EnforcementActions.FirstOrDefaultAsync(a => a.Id == id, cancellationToken);
        if (action is null)
        {
            return new NotFound();
        }

        var now = time.GetUtcNow().UtcDateTime;
        var executed = request.Outcome == "executed";
        try
        {
            action.Confirm(request.ConfirmationId!, executed, request.Error?.Trim(), now);
        }
        catch (ActionRuleException e)
        {
            return new Conflict(e.Message, action.Status);
        }

        if (!executed)
        {
            // Nothing happened to the user: no strike stands for it.
            foreach (var strike in await db.Strikes.Where(s => s.ActionId == action.Id && s.RemovedAt == null).ToListAsync(cancellationToken))
            {
                strike.Remove("The platform could not execute the action.", now);
            }
        }

        var @case = await db.Cases.FirstAsync(c => c.Id == action.CaseId, cancellationToken);
        @case.RecordActivity(executed ? EnforcementEventKinds.ActionExecuted : EnforcementEventKinds.ActionFailed, caller.ToActor(),
            ActionStatuses.Approved, action.Status, $"{ActionEffects.Describe(action)} (confirmation {request.ConfirmationId}{(executed ? "" : ": " + request.Error)})", now);
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateConcurrencyException)
        {
            return new Conflict("Another confirmation or decision was saved at the same moment.", action.Status);
        }

        return new Confirmed(ActionView.Of(action));
    }
}
