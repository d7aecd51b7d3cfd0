using TrustDesk.Contacts;
using System.Security.Claims;
using Microsoft.EntityFrameworkCore;
using TrustDesk.Cases;
using TrustDesk.Data;
using TrustDesk.Taxonomy;
using TrustDesk.Api;

namespace TrustDesk.AgentConsole;

/// <summary>One line of the inbox: the case, who it is for and about, and the last thing said.</summary>
public sealed record InboxRow(CaseSummary Case, string? Requester, string? Subject, string? LastMessage, DateTime? LastMessageAt);

public sealed record QueueCount(string Queue, string Description, int Open);

/// <summary>
/// What the inbox shows, as the caller may see it: open counts per queue, the list (through <see cref="ListCases"/>, so
/// filters, search and order are the API's), and the next case to work.
/// </summary>
public sealed class LoadInbox(TrustDeskDb db, ListCases listCases, CaseAccess access, CategoryCatalog catalog)
{
    public const int MessagePreviewLength = 140;

    public abstract record Result;
    public sealed record Listed(IReadOnlyList<InboxRow> Rows, string? NextCursor) : Result;
    public sealed record Invalid(Dictionary<string, string[]> Errors) : Result;

    private static readonly CaseStatus[] OpenStatuses = Enum.GetValues<CaseStatus>().Where(CaseStatusRules.IsOpen).ToArray();

    public async Task<IReadOnlyList<QueueCount>> QueueCountsAsync(ClaimsPrincipal caller, CancellationToken cancellationToken)
    {
        var snapshot = await catalog.GetAsync(cancellationToken);
        var visible = await access.VisibleToAsync(db.Cases.AsNoTracking(), caller, cancellationToken);
        var counts = await visible.Where(c => OpenStatuses.Contains(c.Status))
            .GroupBy(c => c.QueueId).Select(g => new { g.Key, Count = g.Count() })
            .ToDictionaryAsync(g => g.Key, g => g.Count, cancellationToken);
        return snapshot.QueuesById.Values.OrderBy(q => q.Name, StringComparer.Ordinal)
            .Select(q => new QueueCount(q.Name, q.Description, counts.GetValueOrDefault(q.Id))).ToList();
    }

    public async Task<Result> ListAsync(ListCasesQuery query, ClaimsPrincipal caller, CancellationToken cancellationToken)
    {
        switch (await listCases.HandleAsync(query, caller, cancellationToken))
        {
            case ListCases.Invalid invalid:
                return new Invalid(invalid.Errors);
            case ListCases.Listed listed:
                var ids = listed.Page.Items.Select(c => c.Id).ToList();
                var extras = await db.Cases.AsNoTracking().Where(c => ids.Contains(c.Id)).Select(c => new
                {
                    c.Id,
                    Requester = db.Set<Contact>().Where(r => r.Id == c.RequesterId).Select(r => new { r.Name, r.Email }).FirstOrDefault(),
                    Subject = db.Set<CaseSubject>().Where(s => s.CaseId == c.Id).OrderBy(s => s.Role).Select(s => s.Subject!.DisplayName).FirstOrDefault(),
                    Last = db.Set<Message>().Where(m => m.CaseId == c.Id).OrderByDescending(m => m.CreatedAt).ThenByDescending(m => m.Id)
                            .Select(m => new { m.Text, m.CreatedAt }).FirstOrDefault(),
                })
                    .ToDictionaryAsync(x => x.Id, cancellationToken);
                var rows = listed.Page.Items.Select(c =>
                {
                    var extra = extras.GetValueOrDefault(c.Id);
                    var requester = extra?.Requester is { } r
                        ? (r.Name is { Length: > 0 } name ? PersonalData.MaskIfEmail(name) : PersonalData.MaskEmail(r.Email))
                        : null;
                    return new InboxRow(c, requester, extra?.Subject, Preview(extra?.Last?.Text), extra?.Last?.CreatedAt);
                }).ToList();
                return new Listed(rows, listed.Page.NextCursor);
            default:
                throw new InvalidOperationException("Unexpected result.");
        }
    }

    /// <summary>
    /// The most urgent case the caller may work (<c>n</c>): new or open, unassigned or theirs, never the one they just came from
    /// (<paramref name="fromCaseId"/>). By SLA: the earliest due time first, so breached cases (whose due time is past) lead;
    /// then cases with no running target, by severity then age.
    /// </summary>
    public async Task<long?> NextCaseAsync(ClaimsPrincipal caller, CancellationToken cancellationToken, long? fromCaseId = null)
    {
        var me = caller.Identity?.Name;
        var from = fromCaseId ?? 0;
        var visible = await access.VisibleToAsync(db.Cases.AsNoTracking(), caller, cancellationToken);
        var mineOrFree = visible.Where(c => (c.Assignee == null || c.Assignee == me) && c.Id != from);
        // Walks the partial index on (DueAt, Id) from its start: cases held by others are skipped row by row, which stays
        // cheap because the most urgent cases are worked (and leave the front of the index) first. The status is checked
        // here, not in SQL: with "Status IN (...)" in the query SQLite chose the status index and sorted every open case
        // (EXPLAIN QUERY PLAN on the bench's file); a case with a due time is open anyway (solving meets every target).
        var front = await mineOrFree.Where(c => c.DueAt != null).OrderBy(c => c.DueAt).ThenBy(c => c.Id).Select(c => new { c.Id, c.Status })
            .Take(50).ToListAsync(cancellationToken);
        if (front.FirstOrDefault(c => c.Status is CaseStatus.New or CaseStatus.Open) is { } urgent)
        {
            return urgent.Id;
        }

        var workable = mineOrFree.Where(c => c.Status == CaseStatus.New || c.Status == CaseStatus.Open);
        return (front.Count == 50
                ? await workable.Where(c => c.DueAt != null).OrderBy(c => c.DueAt).ThenBy(c => c.Id).Select(c => (long?)c.Id).FirstOrDefaultAsync(cancellationToken)
                : null)
            ?? await workable.Where(c => c.DueAt == null).OrderBy(c => c.Severity).ThenBy(c => c.Id).Select(c => (long?)c.Id).FirstOrDefaultAsync(cancellationToken);
    }

    private static string? Preview(string? text)
    {
        if (text is null)
        {
            return null;
        }

        var oneLine = string.Join(' ', text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));
        return oneLine.Length <= MessagePreviewLength ? oneLine : oneLine[..MessagePreviewLength] + "…";
    }
}
