using System.Globalization;
using System.Security.Claims;
using Microsoft.EntityFrameworkCore;
using TrustDesk.Data;
using TrustDesk.Subjects;
using TrustDesk.Taxonomy;
using TrustDesk.Api;

namespace TrustDesk.Cases;

/// <summary>Filters of the case list, as query-string parameters.</summary>
public sealed record ListCasesQuery(
    string? Status,
    string? Severity,
    string? Category,
    string? Queue,
    string? Assignee,
    string? Subject,
    string? Q,
    string? Sort,
    int? Limit,
    string? Cursor,
    string? Sla = null);

public sealed record CasePage(IReadOnlyList<CaseSummary> Items, string? NextCursor);

/// <summary>
/// Lists cases with filters and keyset pagination. The default order is the order of work: severity, then age.
/// </summary>
public sealed class ListCases(TrustDeskDb db, CategoryCatalog catalog, CaseAccess access, TimeProvider time, SqliteSearchIndex? searchIndex = null)
{
    public const int DefaultLimit = 50;
    public const int MaxLimit = 200;
    public static readonly string[] Sorts = ["priority", "newest", "updated", "due"];
    public static readonly string[] SlaFilters = ["breached", "at_risk", "ok", "none"];
    private static readonly CaseStatus[] OpenStatuses = Enum.GetValues<CaseStatus>().Where(CaseStatusRules.IsOpen).ToArray();

    public abstract record Result;
    public sealed record Listed(CasePage Page) : Result;
    public sealed record Invalid(Dictionary<string, string[]> Errors) : Result;

    public async Task<Result> HandleAsync(ListCasesQuery query, ClaimsPrincipal caller, CancellationToken cancellationToken)
    {
        var snapshot = await catalog.GetAsync(cancellationToken);
        var errors = new ValidationErrors();
        // Every filter, the search and the paging narrow what the caller may see; nothing else reaches the query.
        var cases = await access.VisibleToAsync(db.Cases.AsNoTracking(), caller, cancellationToken);

        if (query.Status is not null)
        {
            var statuses = new List<CaseStatus>();
            foreach (var code in SplitList(query.Status))
            {
                if (code == "open_any")
                {
                    statuses.AddRange(Enum.GetValues<CaseStatus>().Where(CaseStatusRules.IsOpen));
                }
                else if (CaseStatusRules.TryParse(code, out var status))
                {
                    statuses.Add(status);
                }
                else
                {
                    errors.Add("status", $"Unknown status '{Short(code)}'. One or more of new, open, pending_user, pending_internal, on_hold, solved, closed, open_any.");
                }
            }

            cases = cases.Where(c => statuses.Contains(c.Status));
        }

        if (query.Severity is not null)
        {
            var severities = new List<Severity>();
            foreach (var code in SplitList(query.Severity))
            {
                if (Enum.TryParse<Severity>(code, ignoreCase: true, out var severity) && Enum.IsDefined(severity) && code.Length == 2)
                {
                    severities.Add(severity);
                }
                else
                {
                    errors.Add("severity", $"Unknown severity '{Short(code)}'. One or more of S1, S2, S3, S4.");
                }
            }

            cases = cases.Where(c => severities.Contains(c.Severity));
        }

        if (query.Category is not null)
        {
            // A prefix such as "payments" selects the whole family.
            var category = query.Category.Trim();
            cases = category.Contains('.', StringComparison.Ordinal)
                ? cases.Where(c => c.Category == category)
                : cases.Where(c => c.Category != null && c.Category.StartsWith(category + "."));
        }

        if (query.Queue is not null)
        {
            if (snapshot.QueuesByName.TryGetValue(query.Queue.Trim(), out var queue))
            {
                cases = cases.Where(c => c.QueueId == queue.Id);
            }
            else
            {
                errors.Add("queue", $"Unknown queue '{Short(query.Queue)}'. See GET /api/v1/queues.");
            }
        }

        if (query.Assignee is not null)
        {
            var assignee = query.Assignee.Trim();
            cases = assignee == "none" ? cases.Where(c => c.Assignee == null) : cases.Where(c => c.Assignee == assignee);
        }

        var now = time.GetUtcNow().UtcDateTime;
        if (query.Sla is not null)
        {
            var wanted = SplitList(query.Sla).ToList();
            foreach (var code in wanted.Where(w => !SlaFilters.Contains(w)))
            {
                errors.Add("sla", $"Unknown SLA state '{Short(code)}'. One or more of {string.Join(", ", SlaFilters)}.");
            }

            cases = cases.Where(SlaStateIn(wanted, now));
        }

        if (query.Subject is not null)
        {
            var parts = query.Subject.Split(':', 2);
            if (parts.Length == 2 && Enum.TryParse<SubjectKind>(parts[0], ignoreCase: true, out var kind) && !int.TryParse(parts[0], out _) && parts[1].Length > 0)
            {
                var externalId = parts[1];
                cases = cases.Where(c => db.Set<CaseSubject>().Any(s => s.CaseId == c.Id && s.Subject!.Kind == kind && s.Subject.ExternalId == externalId));
            }
            else
            {
                errors.Add("subject", "Write it as kind:externalId, such as account:u-123.");
            }
        }

        if (query.Q is not null)
        {
            if (query.Q.Length > CaseSearch.QueryMaxLength)
            {
                errors.Add("q", $"At most {CaseSearch.QueryMaxLength} characters.");
            }
            else if (!string.IsNullOrWhiteSpace(query.Q))
            {
                cases = await CaseSearch.MatchingAsync(db, cases, query.Q, searchIndex, cancellationToken);
            }
        }

        var limit = query.Limit ?? DefaultLimit;
        if (limit is < 1 or > MaxLimit)
        {
            errors.Add("limit", $"Between 1 and {MaxLimit}.");
        }

        var sort = query.Sort ?? "priority";
        if (!Sorts.Contains(sort))
        {
            errors.Add("sort", $"One of {string.Join(", ", Sorts)}.");
        }

        string[]? cursor = null;
        if (query.Cursor is not null)
        {
            cursor = Cursor.Decode(query.Cursor, 3);
            // sort=due pages through the cases with a due time, then (marked by the largest tick count) those without.
            if (cursor is null || cursor[0] != sort || !long.TryParse(cursor[1], out var first) || !long.TryParse(cursor[2], out _)
                || first < 0 || first > DateTime.MaxValue.Ticks)
            {
                errors.Add("cursor", "Not a cursor of this listing; pass nextCursor back as it came, with the same sort.");
            }
        }

        if (errors.Any)
        {
            return new Invalid(errors.ToDictionary());
        }

        List<Case> page;
        if (sort == "due")
        {
            page = await ListByDueAsync(cases, cursor, limit, cancellationToken);
        }
        else
        {
            cases = ApplySortAndCursor(cases, sort, cursor);
            page = await cases.Take(limit + 1).ToListAsync(cancellationToken);
        }

        string? next = null;
        if (page.Count > limit)
        {
            page.RemoveAt(page.Count - 1);
            var last = page[^1];
            next = sort switch
            {
                "priority" => Cursor.Encode(sort, last.Band, last.Id),
                "newest" => Cursor.Encode(sort, 0, last.Id),
                "due" => Cursor.Encode(sort, (last.DueAt ?? DateTime.MaxValue).Ticks, last.Id),
                _ => Cursor.Encode(sort, last.UpdatedAt.Ticks, last.Id),
            };
        }

        var ids = page.Select(c => c.Id).ToList();
        var targets = (await db.CaseTargets.AsNoTracking().Where(t => ids.Contains(t.CaseId)).ToListAsync(cancellationToken)).ToLookup(t => t.CaseId);
        return new Listed(new CasePage(page.Select(c => CaseViews.ToSummary(c, snapshot, now, targets[c.Id])).ToList(), next));
    }

    /// <summary>
    /// Open cases by due time, earliest first, then those with no due time (paused, or no target) by number. Two index walks
    /// rather than one ORDER BY with nulls last, which no index serves: the first over the partial index of due times.
    /// </summary>
    private static async Task<List<Case>> ListByDueAsync(IQueryable<Case> cases, string[]? cursor, int limit, CancellationToken cancellationToken)
    {
        // No status test on the cases with a due time: they are open (solving meets every target), and with the test in the
        // query SQLite chose the status index and sorted all open cases (EXPLAIN QUERY PLAN on the bench's file).
        var ticks = cursor is null ? 0 : long.Parse(cursor[1], CultureInfo.InvariantCulture);
        var id = cursor is null ? 0 : long.Parse(cursor[2], CultureInfo.InvariantCulture);
        var page = new List<Case>();
        if (ticks < DateTime.MaxValue.Ticks)
        {
            var withDue = cases.Where(c => c.DueAt != null);
            if (cursor is not null)
            {
                var due = new DateTime(ticks, DateTimeKind.Utc);
                withDue = withDue.Where(c => c.DueAt > due || (c.DueAt == due && c.Id > id));
            }

            page = await withDue.OrderBy(c => c.DueAt).ThenBy(c => c.Id).Take(limit + 1).ToListAsync(cancellationToken);
            id = 0;
        }

        if (page.Count <= limit)
        {
            page.AddRange(await cases.Where(c => OpenStatuses.Contains(c.Status) && c.DueAt == null && c.Id > id).OrderBy(c => c.Id).Take(limit + 1 - page.Count).ToListAsync(cancellationToken));
        }

        return page;
    }

    /// <summary>The SLA states as a filter, evaluated at <paramref name="now"/> like <see cref="Case.SlaStateAt(DateTime)"/>.</summary>
    private static System.Linq.Expressions.Expression<Func<Case, bool>> SlaStateIn(IReadOnlyList<string> states, DateTime now)
    {
        var breached = states.Contains("breached");
        var atRisk = states.Contains("at_risk");
        var ok = states.Contains("ok");
        var none = states.Contains("none");
        return c =>
            (breached && (c.SlaState == CaseSlaState.Breached || c.DueAt <= now))
            || (atRisk && c.SlaState != CaseSlaState.Breached && !(c.DueAt <= now) && (c.SlaState == CaseSlaState.AtRisk || c.SlaCheckAt <= now))
            || (ok && c.SlaState == CaseSlaState.Ok && !(c.DueAt <= now) && !(c.SlaCheckAt <= now))
            || (none && c.SlaState == CaseSlaState.None);
    }

    private static IQueryable<Case> ApplySortAndCursor(IQueryable<Case> cases, string sort, string[]? cursor)
    {
        var first = cursor is null ? 0 : long.Parse(cursor[1], CultureInfo.InvariantCulture);
        var id = cursor is null ? 0 : long.Parse(cursor[2], CultureInfo.InvariantCulture);
        switch (sort)
        {
            case "priority":
                if (cursor is not null)
                {
                    var band = (int)first;
                    cases = cases.Where(c => c.Band > band || (c.Band == band && c.Id > id));
                }

                return cases.OrderBy(c => c.Band).ThenBy(c => c.Id);
            case "newest":
                if (cursor is not null)
                {
                    cases = cases.Where(c => c.Id < id);
                }

                return cases.OrderByDescending(c => c.Id);
            default:
                if (cursor is not null)
                {
                    var updated = new DateTime(first, DateTimeKind.Utc);
                    cases = cases.Where(c => c.UpdatedAt < updated || (c.UpdatedAt == updated && c.Id < id));
                }

                return cases.OrderByDescending(c => c.UpdatedAt).ThenByDescending(c => c.Id);
        }
    }

    private static IEnumerable<string> SplitList(string value) =>
        value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Take(20);

    private static string Short(string text) => text.Length <= 40 ? text : text[..40] + "…";
}
