using Microsoft.EntityFrameworkCore;
using TrustDesk.Data;

namespace TrustDesk.Subjects;

public sealed record LinkedAccount(Guid Id, string ExternalId, string DisplayName, string Status, int Hops, IReadOnlyList<LinkStep> Path);

public sealed record LinkedAccounts(string Account, int Hops, IReadOnlyList<LinkedAccount> Linked, IReadOnlyList<string> SkippedCommonIdentifiers);

/// <summary>Accounts linked to one through shared identifiers, up to N hops, each with the path that links it.</summary>
public sealed class FindLinkedAccounts(TrustDeskDb db)
{
    public async Task<LinkedAccounts?> HandleAsync(string externalId, int hops, CancellationToken cancellationToken)
    {
        var start = await db.Subjects.AsNoTracking().Where(s => s.Kind == SubjectKind.Account && s.ExternalId == externalId)
            .Select(s => new { s.Id, s.ExternalId }).FirstOrDefaultAsync(cancellationToken);
        if (start is null)
        {
            return null;
        }

        var walk = new AccountGraph(db).Explore(start.Id, start.ExternalId, hops);
        var ids = walk.Reached.Select(r => r.Id).ToList();
        var names = await db.Subjects.AsNoTracking().Where(s => ids.Contains(s.Id)).ToDictionaryAsync(s => s.Id, s => s.DisplayName, cancellationToken);
        var linked = walk.Reached
            .Select(r => new LinkedAccount(r.Id, r.ExternalId, names.GetValueOrDefault(r.Id, r.ExternalId), r.Status, r.Hops, r.Path))
            .OrderBy(l => l.Hops).ThenBy(l => l.ExternalId, StringComparer.Ordinal).ToList();
        return new LinkedAccounts(start.ExternalId, hops, linked, walk.SkippedCommonIdentifiers);
    }
}
