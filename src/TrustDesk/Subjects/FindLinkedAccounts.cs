using Microsoft.EntityFrameworkCore;
using TrustDesk.Data;

namespace TrustDesk.Subjects;

/// <summary>One step of a path between two accounts: they share this identifier.</summary>
public sealed record LinkStep(string From, string To, IdentifierType Via, string Value);

public sealed record LinkedAccount(Guid Id, string ExternalId, string DisplayName, int Hops, IReadOnlyList<LinkStep> Path);

public sealed record LinkedAccounts(string Account, int Hops, IReadOnlyList<LinkedAccount> Linked, IReadOnlyList<string> SkippedCommonIdentifiers);

/// <summary>
/// Accounts linked to one through shared identifiers (device, payment fingerprint, address, phone, email, IP), up to
/// N hops, each with the path that links it. Breadth-first, one query per hop.
/// </summary>
public sealed class FindLinkedAccounts(TrustDeskDb db)
{
    public const int MaxHops = 4;
    public const int MaxResults = 500;

    /// <summary>
    /// An identifier shared by more accounts than this (a carrier's NAT address, a public library's computer) links
    /// people who have nothing to do with each other; it is reported, not followed.
    /// </summary>
    public const int CommonIdentifierThreshold = 25;

    public async Task<LinkedAccounts?> HandleAsync(string externalId, int hops, CancellationToken cancellationToken)
    {
        var start = await db.Subjects.AsNoTracking().Where(s => s.Kind == SubjectKind.Account && s.ExternalId == externalId)
            .Select(s => new { s.Id, s.ExternalId }).FirstOrDefaultAsync(cancellationToken);
        if (start is null)
        {
            return null;
        }

        var paths = new Dictionary<Guid, List<LinkStep>> { [start.Id] = [] };
        var externalIds = new Dictionary<Guid, string> { [start.Id] = start.ExternalId };
        var hopsOf = new Dictionary<Guid, int> { [start.Id] = 0 };
        var followed = new HashSet<(IdentifierType, string)>();
        var skipped = new SortedSet<string>(StringComparer.Ordinal);
        var frontier = new List<Guid> { start.Id };

        for (var hop = 1; hop <= hops && frontier.Count > 0 && paths.Count <= MaxResults; hop++)
        {
            var frontierIds = frontier;
            var identifiers = await db.SubjectIdentifiers.AsNoTracking().Where(i => frontierIds.Contains(i.SubjectId))
                .Select(i => new { i.SubjectId, i.Type, i.Value }).ToListAsync(cancellationToken);
            var fresh = identifiers.Where(i => followed.Add((i.Type, i.Value))).ToList();
            if (fresh.Count == 0)
            {
                break;
            }

            var values = fresh.Select(i => i.Value).Distinct().ToList();
            var sharing = await db.SubjectIdentifiers.AsNoTracking()
                .Where(i => values.Contains(i.Value))
                .Join(db.Subjects.Where(s => s.Kind == SubjectKind.Account), i => i.SubjectId, s => s.Id, (i, s) => new { i.SubjectId, i.Type, i.Value, s.ExternalId })
                .ToListAsync(cancellationToken);

            var next = new List<Guid>();
            foreach (var group in sharing.GroupBy(s => (s.Type, s.Value)))
            {
                if (!followed.Contains(group.Key))
                {
                    continue;
                }

                var accounts = group.Select(g => (g.SubjectId, g.ExternalId)).Distinct().ToList();
                if (accounts.Count > CommonIdentifierThreshold)
                {
                    skipped.Add($"{group.Key.Type.ToString().ToLowerInvariant()} shared by {accounts.Count} accounts");
                    continue;
                }

                var from = fresh.First(f => f.Type == group.Key.Type && f.Value == group.Key.Value).SubjectId;
                foreach (var (subjectId, accountId) in accounts.Where(a => !paths.ContainsKey(a.SubjectId)))
                {
                    externalIds[subjectId] = accountId;
                    paths[subjectId] = [.. paths[from], new LinkStep(externalIds[from], accountId, group.Key.Type, group.Key.Value)];
                    hopsOf[subjectId] = hop;
                    next.Add(subjectId);
                }
            }

            frontier = next;
        }

        var linkedIds = paths.Keys.Where(id => id != start.Id).Take(MaxResults).ToList();
        var names = await db.Subjects.AsNoTracking().Where(s => linkedIds.Contains(s.Id)).Select(s => new { s.Id, s.DisplayName }).ToDictionaryAsync(s => s.Id, s => s.DisplayName, cancellationToken);
        var linked = linkedIds
            .Select(id => new LinkedAccount(id, externalIds[id], names.GetValueOrDefault(id, externalIds[id]), hopsOf[id], paths[id]))
            .OrderBy(l => l.Hops).ThenBy(l => l.ExternalId, StringComparer.Ordinal).ToList();
        return new LinkedAccounts(start.ExternalId, hops, linked, skipped.ToList());
    }
}
