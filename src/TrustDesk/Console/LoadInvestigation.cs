using System.Security.Claims;
using Microsoft.EntityFrameworkCore;
using TrustDesk.Cases;
using TrustDesk.Data;
using TrustDesk.Subjects;

namespace TrustDesk.AgentConsole;

/// <summary>What the investigation panel knows about one subject of a case. Identifiers come masked.</summary>
public sealed record SubjectFile(
    Guid Id,
    SubjectKind Kind,
    string ExternalId,
    string DisplayName,
    SubjectRole Role,
    DateTime? CreatedOnPlatformAt,
    IReadOnlyList<SubjectIdentifierView> Identifiers,
    IReadOnlyList<SubjectLinkView> Links,
    int ReportsAgainst,
    IReadOnlyList<PriorCase> PriorCases);

public sealed record PriorCase(long Id, string Number, string Title, string Status);

/// <summary>
/// The subjects of one case with what an agent looks at first. Only for a case the caller may see (null otherwise),
/// and prior cases only as far as the caller may see them. Signals and linked accounts join here as they land.
/// </summary>
public sealed class LoadInvestigation(TrustDeskDb db, CaseAccess access)
{
    public const int MaxPriorCases = 10;

    public async Task<IReadOnlyList<SubjectFile>?> HandleAsync(long caseId, ClaimsPrincipal caller, CancellationToken cancellationToken)
    {
        if (!await access.CanSeeAsync(caseId, caller, cancellationToken))
        {
            return null;
        }

        var caseSubjects = await db.CaseSubjects.AsNoTracking().Where(s => s.CaseId == caseId).Select(s => new { s.SubjectId, s.Role })
            .ToListAsync(cancellationToken);
        var ids = caseSubjects.Select(s => s.SubjectId).ToList();
        var subjects = await db.Subjects.AsNoTracking().Where(s => ids.Contains(s.Id))
            .Include(s => s.Identifiers).Include(s => s.Links).ThenInclude(l => l.To).AsSplitQuery()
            .ToListAsync(cancellationToken);
        var visible = await access.VisibleToAsync(db.Cases.AsNoTracking(), caller, cancellationToken);
        var files = new List<SubjectFile>();
        foreach (var link in caseSubjects.OrderBy(s => s.Role))
        {
            var subject = subjects.FirstOrDefault(s => s.Id == link.SubjectId);
            if (subject is null)
            {
                continue;
            }

            var prior = await visible.Where(c => c.Id != caseId && db.CaseSubjects.Any(s => s.CaseId == c.Id && s.SubjectId == subject.Id))
                .OrderByDescending(c => c.Id).Take(MaxPriorCases)
                .Select(c => new { c.Id, c.Title, c.Status }).ToListAsync(cancellationToken);
            var reports = await db.Reports.AsNoTracking().CountAsync(r => r.SubjectId == subject.Id, cancellationToken);
            files.Add(new SubjectFile(subject.Id, subject.Kind, subject.ExternalId, subject.DisplayName, link.Role, subject.CreatedOnPlatformAt,
                subject.Identifiers.Select(i => new SubjectIdentifierView(i.Type, SubjectEndpoints.Mask(i.Type, i.Value))).ToList(),
                subject.Links.Where(l => l.To is not null).Select(l => new SubjectLinkView(l.Relation, l.To!.Kind, l.To.ExternalId)).ToList(),
                reports,
                prior.Select(c => new PriorCase(c.Id, Case.FormatNumber(c.Id), c.Title, CaseStatusRules.ToCode(c.Status))).ToList()));
        }

        return files;
    }
}
