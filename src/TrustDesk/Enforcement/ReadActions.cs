using System.Security.Claims;
using Microsoft.EntityFrameworkCore;
using TrustDesk.Cases;
using TrustDesk.Data;
using TrustDesk.Identity;
using TrustDesk.Subjects;

namespace TrustDesk.Enforcement;

public sealed record ProposalView(Guid Id, string Action, string Target, string? Policy, string Rule, string Status, DateTime CreatedAt);

public sealed record CaseEnforcementView(IReadOnlyList<ActionView> Actions, IReadOnlyList<ProposalView> Proposals, AppealView? Appeal, ActionView? AppealedAction);

/// <summary>Reads of actions, statements, strikes and standing, each behind the same per-record check as the case.</summary>
public sealed class ReadActions(TrustDeskDb db, CaseAccess access, StatementOfReasons statements, TimeProvider time)
{
    public async Task<ActionView?> GetAsync(Guid id, ClaimsPrincipal caller, CancellationToken cancellationToken)
    {
        var action = await VisibleAsync(id, caller, cancellationToken);
        return action is null ? null : ActionView.Of(action, await db.Appeals.AsNoTracking().FirstOrDefaultAsync(a => a.ActionId == id, cancellationToken));
    }

    public async Task<StatementView?> StatementAsync(Guid id, ClaimsPrincipal caller, CancellationToken cancellationToken)
    {
        var action = await VisibleAsync(id, caller, cancellationToken);
        return action is null || action.Status is ActionStatuses.PendingApproval or ActionStatuses.Rejected
            ? null
            : await statements.BuildAsync(action, cancellationToken);
    }

    /// <summary>Everything enforcement knows about a case: its actions, the rules' proposals, and (for an appeal's case) the appeal.</summary>
    public async Task<CaseEnforcementView?> ForCaseAsync(long caseId, ClaimsPrincipal caller, CancellationToken cancellationToken)
    {
        if (!await access.CanSeeAsync(caseId, caller, cancellationToken))
        {
            return null;
        }

        var actions = await db.EnforcementActions.AsNoTracking().Where(a => a.CaseId == caseId).OrderBy(a => a.ProposedAt).ToListAsync(cancellationToken);
        var ids = actions.Select(a => a.Id).ToList();
        var appeals = await db.Appeals.AsNoTracking().Where(a => ids.Contains(a.ActionId)).ToDictionaryAsync(a => a.ActionId, cancellationToken);
        var proposals = await db.ProposedActions.AsNoTracking().Where(p => p.CaseId == caseId).OrderBy(p => p.CreatedAt)
            .Select(p => new ProposalView(p.Id, p.Action, p.Target, p.Policy, p.Rule, p.Status, p.CreatedAt)).ToListAsync(cancellationToken);
        var appeal = await db.Appeals.AsNoTracking().FirstOrDefaultAsync(a => a.CaseId == caseId, cancellationToken);
        var appealed = appeal is null ? null : await db.EnforcementActions.AsNoTracking().FirstAsync(a => a.Id == appeal.ActionId, cancellationToken);
        return new CaseEnforcementView(actions.Select(a => ActionView.Of(a, appeals.GetValueOrDefault(a.Id))).ToList(), proposals,
            appeal is null ? null : AppealView.Of(appeal), appealed is null ? null : ActionView.Of(appealed, appeal));
    }

    /// <summary>Actions waiting for a second person: for approvers, whichever case they are on.</summary>
    public async Task<IReadOnlyList<ActionView>> PendingApprovalAsync(ClaimsPrincipal caller, CancellationToken cancellationToken)
    {
        if (!caller.Has(Permissions.ActionsApprove))
        {
            return [];
        }

        var pending = await db.EnforcementActions.AsNoTracking().Where(a => a.Status == ActionStatuses.PendingApproval)
            .OrderBy(a => a.ProposedAt).Take(200).ToListAsync(cancellationToken);
        return pending.Select(a => ActionView.Of(a)).ToList();
    }

    /// <summary>A subject's strikes and standing, and per policy family the ladder's next step.</summary>
    public async Task<StandingView?> StandingAsync(SubjectKind kind, string externalId, ClaimsPrincipal caller, CancellationToken cancellationToken)
    {
        if (!caller.Has(Permissions.SubjectsRead) && !caller.Has(Permissions.ActionsApprove))
        {
            return null;
        }

        var subject = await db.Subjects.AsNoTracking().FirstOrDefaultAsync(s => s.Kind == kind && s.ExternalId == externalId, cancellationToken);
        if (subject is null)
        {
            return null;
        }

        var now = time.GetUtcNow().UtcDateTime;
        var strikes = await db.Strikes.AsNoTracking().Where(s => s.SubjectId == subject.Id).OrderByDescending(s => s.IssuedAt).ToListAsync(cancellationToken);
        var active = strikes.Where(s => s.IsActive(now)).ToList();
        var suggestions = active.GroupBy(s => s.Family)
            .Select(g => (Family: g.Key, Count: g.Count(), Next: StrikePolicy.Next(g.Key, g.Count())))
            .Select(x => new LadderSuggestion(x.Family, x.Count, x.Next.Kind, x.Next.DurationDays))
            .OrderBy(s => s.Family, StringComparer.Ordinal).ToList();
        return new StandingView(new ActionSubjectView(kind, externalId), StrikePolicy.Standing(active.Count, subject.IsBanned), active.Count,
            strikes.Select(s => new StrikeView(s.Id, s.ActionId, s.Kind, s.Policy, s.Family, s.IssuedAt, s.ExpiresAt, s.RemovedAt, s.RemovedReason, s.IsActive(now))).ToList(),
            suggestions);
    }

    private async Task<EnforcementAction?> VisibleAsync(Guid id, ClaimsPrincipal caller, CancellationToken cancellationToken)
    {
        var action = await db.EnforcementActions.AsNoTracking().FirstOrDefaultAsync(a => a.Id == id, cancellationToken);
        return action is not null && await DecideAction.CanSeeAsync(action, caller, access, cancellationToken) ? action : null;
    }
}
