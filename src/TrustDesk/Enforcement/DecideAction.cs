using TrustDesk.Subjects;
using System.Security.Claims;
using Microsoft.EntityFrameworkCore;
using TrustDesk.Cases;
using TrustDesk.Data;
using TrustDesk.Identity;
using TrustDesk.Api;

namespace TrustDesk.Enforcement;

/// <summary>
/// The second pair of eyes: approves or rejects a pending action. The proposer is refused (403); an expired or already
/// decided proposal is a conflict (409). Also decides a rule's proposal in one click (accept: it becomes an action).
/// </summary>
public sealed class DecideAction(TrustDeskDb db, CaseAccess access, ActionEffects effects, TakeAction take, Taxonomy.CategoryCatalog catalog, TimeProvider time)
{
    public abstract record Result;
    public sealed record Decided(ActionView Action) : Result;
    public sealed record NotFound : Result;
    public sealed record Forbidden(string Reason) : Result;
    public sealed record Conflict(string Reason) : Result;
    public sealed record Declined : Result;
    public sealed record Invalid(Dictionary<string, string[]> Errors) : Result;

    public async Task<Result> HandleAsync(Guid id, bool approve, DecideActionRequest request, ClaimsPrincipal caller, CancellationToken cancellationToken)
    {
        var action = await db.EnforcementActions.FirstOrDefaultAsync(a => a.Id == id, cancellationToken);
        if (action is null || !await CanSeeAsync(action, caller, access, cancellationToken))
        {
            return new NotFound();
        }

        var errors = new ValidationErrors();
        errors.MaxLength("note", request.Note, EnforcementAction.NoteMaxLength);
        if (errors.Any)
        {
            return new Invalid(errors.ToDictionary());
        }

        var now = time.GetUtcNow().UtcDateTime;
        var actor = caller.ToActor();
        try
        {
            if (approve)
            {
                action.Approve(actor, request.Note?.Trim(), now);
            }
            else
            {
                action.Reject(actor, request.Note?.Trim(), now);
            }
        }
        catch (FourEyesException e)
        {
            return new Forbidden(e.Message);
        }
        catch (ActionRuleException e)
        {
            return new Conflict(e.Message);
        }

        var @case = await db.Cases.FirstAsync(c => c.Id == action.CaseId, cancellationToken);
        if (approve)
        {
            await effects.ApprovedAsync(action, @case, actor, now, cancellationToken);
        }
        else
        {
            @case.RecordActivity(EnforcementEventKinds.ActionRejected, actor, ActionStatuses.PendingApproval, ActionStatuses.Rejected,
                ActionEffects.Describe(action) + (request.Note is { Length: > 0 } note ? $": {note.Trim()}" : ""), now);
        }

        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateConcurrencyException)
        {
            return new Conflict("Someone decided the action (or changed its case) at the same moment; read it again.");
        }

        effects.Committed();
        return new Decided(ActionView.Of(action));
    }

    /// <summary>Accepts a rule's proposal on a case: it becomes an action (automated detection), decided as any other.</summary>
    public async Task<Result> AcceptProposalAsync(Guid proposalId, ClaimsPrincipal caller, CancellationToken cancellationToken)
    {
        var proposal = await FindProposalAsync(proposalId, caller, cancellationToken);
        if (proposal?.CaseId is not { } caseId)
        {
            return new NotFound();
        }

        if (proposal.Status != ProposedAction.Proposed)
        {
            return new Conflict($"The proposal was already {proposal.Status}.");
        }

        var @case = await db.Cases.AsNoTracking().FirstAsync(c => c.Id == caseId, cancellationToken);
        var subject = proposal.TargetSubjectId is { } subjectId ? await db.Subjects.AsNoTracking().FirstOrDefaultAsync(s => s.Id == subjectId, cancellationToken) : null;
        if (subject is null)
        {
            return new Conflict("The proposal names no subject TrustDesk knows; take the action by hand.");
        }

        // The policy the rule named, when it is a taxonomy code; else the case's category (a rule pack written before its
        // taxonomy, or for a precaution rather than a breach). With neither, a person has to choose.
        var categories = (await catalog.GetAsync(cancellationToken)).Categories;
        var policy = proposal.Policy is { } named && categories.ContainsKey(named) ? named
            : @case.Category is { } category && categories.ContainsKey(category) ? category
            : null;
        if (policy is null)
        {
            return new Conflict($"The rule proposed it under \"{proposal.Policy}\", which is no policy of the taxonomy, and the case has no category: " +
                "take the action by hand and choose the policy.");
        }

        var (kind, days) = ActionCatalogue.FromRuleAction(proposal.Action);
        proposal.Decide(accepted: true);
        var result = await take.TakeAsync(
            new TakeActionRequest(caseId, kind, new ActionSubjectRequest(subject.Kind, subject.ExternalId), policy,
                $"Rule \"{proposal.Rule}\" proposed {proposal.Action} {proposal.Target} on case {@case.Number}: {@case.Title}", days),
            caller, automatedDetection: true, proposalId, cancellationToken);
        return result switch
        {
            TakeAction.Taken taken => new Decided(taken.Action),
            TakeAction.Forbidden forbidden => new Forbidden(forbidden.Reason),
            TakeAction.Invalid invalid => new Invalid(invalid.Errors),
            _ => new NotFound(),
        };
    }

    public async Task<Result> DeclineProposalAsync(Guid proposalId, ClaimsPrincipal caller, CancellationToken cancellationToken)
    {
        var proposal = await FindProposalAsync(proposalId, caller, cancellationToken);
        if (proposal?.CaseId is not { } caseId)
        {
            return new NotFound();
        }

        if (proposal.Status != ProposedAction.Proposed)
        {
            return new Conflict($"The proposal was already {proposal.Status}.");
        }

        var now = time.GetUtcNow().UtcDateTime;
        proposal.Decide(accepted: false);
        var @case = await db.Cases.FirstAsync(c => c.Id == caseId, cancellationToken);
        @case.RecordActivity(EnforcementEventKinds.ProposalDeclined, caller.ToActor(), null, proposal.Action, $"{proposal.Action} {proposal.Target} proposed by rule \"{proposal.Rule}\"", now);
        await db.SaveChangesAsync(cancellationToken);
        return new Declined();
    }

    private async Task<ProposedAction?> FindProposalAsync(Guid proposalId, ClaimsPrincipal caller, CancellationToken cancellationToken)
    {
        var proposal = await db.ProposedActions.FirstOrDefaultAsync(p => p.Id == proposalId, cancellationToken);
        return proposal?.CaseId is { } caseId && await access.CanSeeAsync(caseId, caller, cancellationToken) ? proposal : null;
    }

    /// <summary>An action is visible with its case, and to approvers (who judge the evidence, whichever department's case it is).</summary>
    internal static async Task<bool> CanSeeAsync(EnforcementAction action, ClaimsPrincipal caller, CaseAccess access, CancellationToken cancellationToken) =>
        caller.Has(Permissions.ActionsApprove) || caller.Has(Permissions.ActionsConfirm) || await access.CanSeeAsync(action.CaseId, caller, cancellationToken);
}
