using System.Security.Claims;
using Microsoft.EntityFrameworkCore;
using TrustDesk.Data;
using TrustDesk.Identity;
using TrustDesk.Taxonomy;

namespace TrustDesk.Cases;

/// <summary>
/// Which cases a caller may see: the one piece every case endpoint, list, search and count goes through.
/// <list type="bullet">
/// <item>Without <see cref="Permissions.CasesRead"/>: none.</item>
/// <item>Without <see cref="Permissions.CasesAllDepartments"/> (department members): only cases escalated to the
/// caller's department. The escalation is the grant, so it includes restricted cases escalated to them.</item>
/// <item>Otherwise without <see cref="Permissions.CasesRestricted"/> (agents, machine keys without cases:restricted):
/// no cases of a restricted category.</item>
/// </list>
/// A case the caller may not see does not exist for them: endpoints answer 404, never 403.
/// </summary>
public sealed class CaseAccess(TrustDeskDb db, CategoryCatalog catalog)
{
    public async Task<IQueryable<Case>> VisibleToAsync(IQueryable<Case> cases, ClaimsPrincipal caller, CancellationToken cancellationToken)
    {
        var permissions = Permissions.Of(caller);
        if (!permissions.Contains(Permissions.CasesRead))
        {
            return cases.Where(c => false);
        }

        if (!permissions.Contains(Permissions.CasesAllDepartments))
        {
            var department = Permissions.DepartmentOf(caller);
            if (department is null)
            {
                return cases.Where(c => false);
            }

            return cases.Where(c => db.Set<Escalation>().Any(e => e.CaseId == c.Id && e.Department == department));
        }

        if (!permissions.Contains(Permissions.CasesRestricted))
        {
            var snapshot = await catalog.GetAsync(cancellationToken);
            var restricted = snapshot.Categories.Values.Where(c => c.Restricted).Select(c => c.Code).ToList();
            cases = cases.Where(c => c.Category == null || !restricted.Contains(c.Category));
        }

        return cases;
    }

    /// <summary>True when the case exists and the caller may see it; false answers 404 in every endpoint.</summary>
    public async Task<bool> CanSeeAsync(long caseId, ClaimsPrincipal caller, CancellationToken cancellationToken) =>
        await (await VisibleToAsync(db.Cases.AsNoTracking().Where(c => c.Id == caseId), caller, cancellationToken)).AnyAsync(cancellationToken);
}
