using TrustDesk.Contacts;
using System.Security.Claims;
using Microsoft.EntityFrameworkCore;
using TrustDesk.Data;
using TrustDesk.Identity;
using TrustDesk.Taxonomy;
using TrustDesk.Api;

namespace TrustDesk.Cases;

/// <summary>
/// One case with its messages, subjects and timeline, as the caller may see it: null when <see cref="CaseAccess"/> hides
/// it, and personal data masked unless the caller reads it in clear (<see cref="Permissions.PersonalDataRead"/>).
/// </summary>
public sealed class GetCase(TrustDeskDb db, CategoryCatalog catalog, CaseAccess access, TimeProvider time)
{
    public const int MaxMessages = 500;
    public const int MaxTimeline = 1_000;

    public async Task<CaseDetail?> HandleAsync(long id, ClaimsPrincipal caller, CancellationToken cancellationToken) =>
        await access.CanSeeAsync(id, caller, cancellationToken) ? await LoadAsync(id, caller, cancellationToken) : null;

    /// <summary>Without the access check: for the answer to a change the caller was allowed to make.</summary>
    internal async Task<CaseDetail?> LoadAsync(long id, ClaimsPrincipal caller, CancellationToken cancellationToken)
    {
        var c = await db.Cases.AsNoTracking().FirstOrDefaultAsync(x => x.Id == id, cancellationToken);
        if (c is null)
        {
            return null;
        }

        var snapshot = await catalog.GetAsync(cancellationToken);
        var subjects = await db.CaseSubjects.AsNoTracking().Where(s => s.CaseId == id)
            .Select(s => new CaseSubjectView(s.SubjectId, s.Subject!.Kind, s.Subject.ExternalId, s.Subject.DisplayName, s.Role))
            .ToListAsync(cancellationToken);
        var messages = await db.Messages.AsNoTracking().Include(m => m.Attachments.OrderBy(a => a.Position).ThenBy(a => a.Id)).Where(m => m.CaseId == id)
            .OrderBy(m => m.CreatedAt).ThenBy(m => m.Id).Take(MaxMessages).ToListAsync(cancellationToken);
        var timeline = await db.CaseEvents.AsNoTracking().Where(e => e.CaseId == id)
            .OrderBy(e => e.At).ThenBy(e => e.Id).Take(MaxTimeline)
            .Select(e => new TimelineEntry(e.Id, e.At, e.Kind, e.ActorType, e.ActorName, e.From, e.To, e.Detail))
            .ToListAsync(cancellationToken);

        var hits = await db.RuleHits.AsNoTracking().Where(h => h.CaseId == id).OrderBy(h => h.At).ThenBy(h => h.Id).Take(MaxTimeline)
            .Select(h => new RuleHitView(h.Rule, h.Version, h.Shadow, h.Trigger, h.Values, h.Actions, h.At)).ToListAsync(cancellationToken);
        var proposals = await db.ProposedActions.AsNoTracking().Where(p => p.CaseId == id).OrderBy(p => p.CreatedAt)
            .Select(p => new ProposalView(p.Id, p.Action, p.Target, p.Policy, p.Automatic, p.Rule, p.Status, p.CreatedAt)).ToListAsync(cancellationToken);
        var targets = await db.CaseTargets.AsNoTracking().Where(t => t.CaseId == id).ToListAsync(cancellationToken);
        var now = time.GetUtcNow().UtcDateTime;
        var clear = caller.Has(Permissions.PersonalDataRead);
        var requester = c.RequesterId is { } requesterId
            ? await db.Contacts.AsNoTracking().Where(r => r.Id == requesterId).Select(r => new ContactView(r.Id, r.Name, r.Email)).FirstOrDefaultAsync(cancellationToken)
            : null;
        if (!clear)
        {
            requester = requester is null ? null : requester with { Email = PersonalData.MaskEmail(requester.Email), Name = requester.Name is null ? null : PersonalData.MaskIfEmail(requester.Name) };
            timeline = timeline.Select(t => t.ActorType == "contact" ? t with { ActorName = PersonalData.MaskIfEmail(t.ActorName) } : t).ToList();
        }

        return new CaseDetail(
            c.Id, c.Number, c.Title, CaseStatusRules.ToCode(c.Status), c.Severity, c.Category, CaseViews.QueueName(c.QueueId, snapshot),
            c.Assignee, c.Channel, c.ReportCount, c.Tags, new CaseFlags(c.LiveNow, c.Graphic, c.Minor, c.LegalHold), c.CreatedAt,
            c.UpdatedAt, c.FirstRepliedAt, c.SolvedAt, c.Resolution, c.Version, CaseStatusRules.NextFrom(c.Status).Select(CaseStatusRules.ToCode).ToList(),
            requester, subjects, messages.Select(m => CaseViews.ToView(m, clear)).ToList(), timeline, hits, proposals, c.LinkedCaseId,
            c.DueAt, c.SlaStateAt(now), CaseViews.ToViews(targets, now), c.MergedIntoId);
    }
}
