using System.Security.Claims;
using Microsoft.EntityFrameworkCore;
using TrustDesk.Cases;
using TrustDesk.Data;
using TrustDesk.Api;
using TrustDesk.Webhooks;

namespace TrustDesk.Enforcement;

/// <summary>
/// Upholds or overturns an appeal. Only a person who took no part in the action (neither proposed nor decided it) may
/// decide. Overturning reverses the action (webhook action.reversed) and removes its strike; either way the user is
/// told, the platform hears appeal.decided, and the appeal's case is solved.
/// </summary>
public sealed class DecideAppeal(TrustDeskDb db, CaseAccess access, ActionEffects effects, WebhookOutbox webhooks, TimeProvider time)
{
    public abstract record Result;
    public sealed record Decided(AppealView Appeal, ActionView Action) : Result;
    public sealed record NotFound : Result;
    public sealed record Forbidden(string Reason) : Result;
    public sealed record Conflict(string Reason) : Result;
    public sealed record Invalid(Dictionary<string, string[]> Errors) : Result;

    public async Task<Result> HandleAsync(Guid appealId, DecideAppealRequest request, ClaimsPrincipal caller, CancellationToken cancellationToken)
    {
        var appeal = await db.Appeals.FirstOrDefaultAsync(a => a.Id == appealId, cancellationToken);
        if (appeal is null || !await access.CanSeeAsync(appeal.CaseId, caller, cancellationToken))
        {
            return new NotFound();
        }

        var errors = new ValidationErrors();
        if (request.Outcome is not (AppealStatuses.Upheld or AppealStatuses.Overturned))
        {
            errors.Add("outcome", "upheld or overturned.");
        }

        errors.MaxLength("note", request.Note, EnforcementAction.NoteMaxLength);
        if (errors.Any)
        {
            return new Invalid(errors.ToDictionary());
        }

        var action = await db.EnforcementActions.FirstAsync(a => a.Id == appeal.ActionId, cancellationToken);
        var actor = caller.ToActor();
        if (action.TookPart(actor.Id))
        {
            return new Forbidden("You took part in this decision; a person who did not must decide the appeal.");
        }

        var now = time.GetUtcNow().UtcDateTime;
        var overturn = request.Outcome == AppealStatuses.Overturned;
        var appealCase = await db.Cases.FirstAsync(c => c.Id == appeal.CaseId, cancellationToken);
        var original = await db.Cases.FirstAsync(c => c.Id == action.CaseId, cancellationToken);
        try
        {
            appeal.Decide(overturn, actor, request.Note?.Trim(), now);
            if (overturn)
            {
                if (action.Definition.Reversible)
                {
                    action.Reverse(actor, now);
                    await effects.ReversedAsync(action, original, actor, $"Overturned on appeal {appealCase.Number}", now, cancellationToken);
                }
                else
                {
                    // It cannot be undone on the platform (a stream that ended); the strike still goes.
                    await effects.RemoveStrikesAsync(action, $"Overturned on appeal {appealCase.Number}", now, cancellationToken);
                }
            }
        }
        catch (ActionRuleException e)
        {
            return new Conflict(e.Message);
        }

        var detail = $"Appeal {request.Outcome}" + (request.Note is { Length: > 0 } note ? $": {note.Trim()}" : "");
        original.RecordActivity(EnforcementEventKinds.AppealDecided, actor, AppealStatuses.Open, appeal.Status, detail, now);
        appealCase.RecordActivity(EnforcementEventKinds.AppealDecided, actor, AppealStatuses.Open, appeal.Status, detail, now);
        if (CaseStatusRules.IsOpen(appealCase.Status))
        {
            appealCase.ChangeStatus(CaseStatus.Solved, actor, now);
            appealCase.Resolve(overturn ? "no_violation" : "actioned", actor, now);
        }

        await effects.TellUserAsync(action, appealCase, overturn ? "Your appeal was successful" : "Your appeal was reviewed",
            overturn
                ? $"Hello,\n\nWe reviewed your appeal against the decision \"{action.Definition.Title}\" ({action.Id:N}) and overturned it. " +
                  "The decision has been reversed and the strike removed from your record.\n" + (request.Note is { Length: > 0 } n1 ? $"\n{n1.Trim()}\n" : "")
                : $"Hello,\n\nWe reviewed your appeal against the decision \"{action.Definition.Title}\" ({action.Id:N}) and upheld the decision.\n" +
                  (request.Note is { Length: > 0 } n2 ? $"\n{n2.Trim()}\n" : "") +
                  "\nYou may still turn to an out-of-court dispute settlement body (Art. 21 DSA) or to the courts.\n",
            now, cancellationToken);
        await webhooks.AddAsync(db, WebhookEvents.AppealDecided, new
        {
            appealId = appeal.Id,
            actionId = action.Id,
            outcome = appeal.Status,
            subject = new { kind = action.SubjectKind.ToString().ToLowerInvariant(), externalId = action.SubjectExternalId },
            decidedAt = now,
        }, now, cancellationToken);
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateConcurrencyException)
        {
            return new Conflict("The appeal or its action changed at the same moment; read it again.");
        }

        effects.Committed();
        return new Decided(AppealView.Of(appeal), ActionView.Of(action));
    }
}
