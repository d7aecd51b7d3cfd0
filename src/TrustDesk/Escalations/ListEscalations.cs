using System.Security.Claims;
using Microsoft.EntityFrameworkCore;
using TrustDesk.Cases;
using TrustDesk.Data;
using TrustDesk.Identity;
using TrustDesk.Taxonomy;

namespace TrustDesk.Escalations;

/// <summary>An escalation with what its list shows of the case.</summary>
public sealed record EscalationItem(EscalationView Escalation, string CaseNumber, string CaseTitle, Severity Severity, CaseStatus CaseStatus);

/// <summary>
/// The escalations a caller may see: a department member only their own department's (on cases escalated to it), anyone
/// else those on the cases they may see, of one department or case when asked. Open ones first, the most overdue on top.
/// </summary>
public sealed class ListEscalations(TrustDeskDb db, CaseAccess access, TimeProvider time)
{
    public const int MaxItems = 200;

    public async Task<IReadOnlyList<EscalationItem>?> HandleAsync(
        ClaimsPrincipal caller, string? department, long? caseId, bool openOnly, CancellationToken cancellationToken)
    {
        if (department is not null && !Departments.All.ContainsKey(department))
        {
            return null;
        }

        // A department member's list is their department's, whatever they ask for.
        if (!caller.Has(Permissions.CasesAllDepartments))
        {
            department = Permissions.DepartmentOf(caller);
            if (department is null)
            {
                return [];
            }
        }

        var cases = await access.VisibleToAsync(db.Cases.AsNoTracking(), caller, cancellationToken);
        if (caseId is { } id)
        {
            cases = cases.Where(c => c.Id == id);
        }

        var escalations = db.Escalations.AsNoTracking().AsQueryable();
        if (department is not null)
        {
            escalations = escalations.Where(e => e.Department == department);
        }

        if (openOnly)
        {
            escalations = escalations.Where(e => e.Status != EscalationStatus.Closed);
        }

        var rows = await escalations
            .Join(cases, e => e.CaseId, c => c.Id, (e, c) => new { e, c.Id, c.Title, c.Severity, c.Status })
            .OrderBy(r => r.e.Status == EscalationStatus.Closed).ThenBy(r => r.e.DueAt)
            .Take(MaxItems)
            .ToListAsync(cancellationToken);
        var now = time.GetUtcNow().UtcDateTime;
        return [.. rows.Select(r => new EscalationItem(EscalationView.Of(r.e, now), Case.FormatNumber(r.Id), r.Title, r.Severity, r.Status))];
    }
}
