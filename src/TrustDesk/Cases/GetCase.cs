using Microsoft.EntityFrameworkCore;
using TrustDesk.Data;
using TrustDesk.Taxonomy;

namespace TrustDesk.Cases;

/// <summary>One case with its messages, subjects and timeline.</summary>
public sealed class GetCase(TrustDeskDb db, CategoryCatalog catalog)
{
    public const int MaxMessages = 500;
    public const int MaxTimeline = 1_000;

    public async Task<CaseDetail?> HandleAsync(long id, CancellationToken cancellationToken)
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
        var messages = await db.Messages.AsNoTracking().Include(m => m.Attachments).Where(m => m.CaseId == id)
            .OrderBy(m => m.CreatedAt).ThenBy(m => m.Id).Take(MaxMessages).ToListAsync(cancellationToken);
        var timeline = await db.CaseEvents.AsNoTracking().Where(e => e.CaseId == id)
            .OrderBy(e => e.At).ThenBy(e => e.Id).Take(MaxTimeline)
            .Select(e => new TimelineEntry(e.Id, e.At, e.Kind, e.ActorType, e.ActorName, e.From, e.To, e.Detail))
            .ToListAsync(cancellationToken);

        return new CaseDetail(
            c.Id, c.Number, c.Title, CaseStatusRules.ToCode(c.Status), c.Severity, c.Category, CaseViews.QueueName(c.QueueId, snapshot),
            c.Assignee, c.Channel, c.ReportCount, c.Tags, new CaseFlags(c.LiveNow, c.Graphic, c.Minor, c.LegalHold), c.CreatedAt,
            c.UpdatedAt, c.FirstRepliedAt, c.SolvedAt, c.Version, CaseStatusRules.NextFrom(c.Status).Select(CaseStatusRules.ToCode).ToList(),
            subjects, messages.Select(CaseViews.ToView).ToList(), timeline, c.LinkedCaseId);
    }
}
