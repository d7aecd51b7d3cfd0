using Microsoft.EntityFrameworkCore;
using TrustDesk.Data;

namespace TrustDesk.Subjects;

/// <summary>One step of a path between two accounts: they share this identifier.</summary>
public sealed record LinkStep(string From, string To, IdentifierType Via, string Value);

/// <summary>An account reached from the start, how many hops away, and the path that links them.</summary>
public sealed record ReachedAccount(Guid Id, string ExternalId, string Status, int Hops, IReadOnlyList<LinkStep> Path);

/// <summary>
/// The linked-accounts graph: accounts are linked when they share an identifier (device, payment fingerprint, address,
/// phone, email, IP). A breadth-first walk, one query per hop, used by the investigation API and by triage rules
/// (which run inside the intake writer, hence synchronous: the writer is the one waiting).
/// </summary>
/// <param name="db">The context to read through.</param>
/// <param name="known">
/// Identifiers already read, by subject (every one of a subject's, tracking numbers aside): a walk's hop from subjects all
/// found here costs no query. The intake writer on PostgreSQL reads them for a whole batch at once.
/// </param>
public sealed class AccountGraph(TrustDeskDb db, IReadOnlyDictionary<Guid, List<SubjectIdentifier>>? known = null)
{
    public const int MaxHops = 4;
    public const int MaxReached = 500;

    /// <summary>
    /// An identifier shared by more accounts than this (a carrier's NAT address, a library computer) links people who
    /// have nothing to do with each other; it is reported, not followed.
    /// </summary>
    public const int CommonIdentifierThreshold = 25;

    public sealed record Walk(IReadOnlyList<ReachedAccount> Reached, IReadOnlyList<string> SkippedCommonIdentifiers);

    private sealed record Sharing(Guid SubjectId, IdentifierType Type, string Value, string ExternalId, string Status);

    private sealed record Owned(Guid SubjectId, IdentifierType Type, string Value);

    // Compiled (once per model): triage walks from most reported accounts, and looking these queries up in EF Core's
    // cache cost the intake writer more than SQLite took to answer them (most walks end after the first, empty, one).
    private static readonly CompiledPerModel<Func<TrustDeskDb, List<Guid>, IEnumerable<Owned>>> IdentifiersOf = new(() =>
        EF.CompileQuery((TrustDeskDb db, List<Guid> subjectIds) => db.Set<SubjectIdentifier>().AsNoTracking()
            .Where(i => subjectIds.Contains(i.SubjectId) && i.Type != IdentifierType.TrackingNumber)
            .Select(i => new Owned(i.SubjectId, i.Type, i.Value))));

    private static readonly CompiledPerModel<Func<TrustDeskDb, List<string>, IEnumerable<Sharing>>> AccountsSharing = new(() =>
        EF.CompileQuery((TrustDeskDb db, List<string> values) => db.Set<SubjectIdentifier>().AsNoTracking().Where(i => values.Contains(i.Value))
            .Join(db.Set<Subject>().Where(s => s.Kind == SubjectKind.Account), i => i.SubjectId, s => s.Id,
                (i, s) => new Sharing(i.SubjectId, i.Type, i.Value, s.ExternalId, s.Status))));

    // The identifiers of the frontier's subjects. Triage walks from every reported account that is not new, so on the
    // intake writer's connection this reads straight through SQLite (SqliteStatements): for an account without
    // identifiers, the usual case, EF Core's query pipeline was most of the walk.
    private List<Owned> OwnedBy(List<Guid> subjectIds)
    {
        if (known is not null && subjectIds.All(known.ContainsKey))
        {
            return [.. subjectIds.SelectMany(id => known[id]).Where(i => i.Type != IdentifierType.TrackingNumber).Select(i => new Owned(i.SubjectId, i.Type, i.Value))];
        }

        if (SqliteStatements.QueryWhereEachIn<SubjectIdentifier>(db, (nameof(SubjectIdentifier.SubjectId), subjectIds)) is { } identifiers)
        {
            return [.. identifiers.Where(i => i.Type != IdentifierType.TrackingNumber).Select(i => new Owned(i.SubjectId, i.Type, i.Value))];
        }

        return IdentifiersOf.For(db)(db, subjectIds).ToList();
    }

    /// <summary>Walks up to <paramref name="hops"/> hops, stopping early when <paramref name="stopAt"/> says so of a reached account.</summary>
    public Walk Explore(Guid startId, string startExternalId, int hops, Func<ReachedAccount, bool>? stopAt = null)
    {
        var reached = new Dictionary<Guid, ReachedAccount>();
        var pathTo = new Dictionary<Guid, IReadOnlyList<LinkStep>> { [startId] = [] };
        var externalIds = new Dictionary<Guid, string> { [startId] = startExternalId };
        var followed = new HashSet<(IdentifierType, string)>();
        var skipped = new SortedSet<string>(StringComparer.Ordinal);
        var frontier = new List<Guid> { startId };

        for (var hop = 1; hop <= Math.Min(hops, MaxHops) && frontier.Count > 0 && reached.Count < MaxReached; hop++)
        {
            var own = OwnedBy(frontier).Where(i => followed.Add((i.Type, i.Value))).ToList();
            if (own.Count == 0)
            {
                break;
            }

            var values = own.Select(i => i.Value).Distinct().ToList();
            var sharing = AccountsSharing.For(db)(db, values).ToList();

            var next = new List<Guid>();
            foreach (var group in sharing.Where(s => own.Any(o => o.Type == s.Type && o.Value == s.Value)).GroupBy(s => (s.Type, s.Value)))
            {
                var accounts = group.DistinctBy(g => g.SubjectId).ToList();
                if (accounts.Count > CommonIdentifierThreshold)
                {
                    skipped.Add($"{group.Key.Type.ToString().ToLowerInvariant()} shared by {accounts.Count} accounts");
                    continue;
                }

                var from = own.First(o => o.Type == group.Key.Type && o.Value == group.Key.Value).SubjectId;
                foreach (var account in accounts.Where(a => !pathTo.ContainsKey(a.SubjectId)))
                {
                    externalIds[account.SubjectId] = account.ExternalId;
                    var path = (IReadOnlyList<LinkStep>)[.. pathTo[from], new LinkStep(externalIds[from], account.ExternalId, group.Key.Type, group.Key.Value)];
                    pathTo[account.SubjectId] = path;
                    var found = new ReachedAccount(account.SubjectId, account.ExternalId, account.Status, hop, path);
                    reached[account.SubjectId] = found;
                    next.Add(account.SubjectId);
                    if (stopAt?.Invoke(found) == true)
                    {
                        return new Walk([.. reached.Values], [.. skipped]);
                    }
                }
            }

            frontier = next;
        }

        return new Walk([.. reached.Values], [.. skipped]);
    }

    /// <summary>The shortest path from one account to another within <paramref name="hops"/>, or null.</summary>
    public ReachedAccount? FindLink(Guid fromId, string fromExternalId, Guid toId, int hops) =>
        fromId == toId ? null : Explore(fromId, fromExternalId, hops, a => a.Id == toId).Reached.FirstOrDefault(a => a.Id == toId);

    /// <summary>The nearest banned account within <paramref name="hops"/>, or null.</summary>
    public ReachedAccount? FindLinkToBanned(Guid fromId, string fromExternalId, int hops) =>
        Explore(fromId, fromExternalId, hops, a => a.Status == Subject.BannedStatus).Reached.FirstOrDefault(a => a.Status == Subject.BannedStatus);
}
