using Microsoft.EntityFrameworkCore;
using TrustDesk.Signals;
using TrustDesk.Subjects;
using TrustDesk.Triage;

namespace TrustDesk.Intake;

/// <summary>
/// What rules read during intake: the batch's signal counters (this item already counted) and the linked-accounts graph.
/// Runs on the intake writer, so lookups are synchronous: the writer is the one waiting for them.
/// </summary>
public sealed class IntakeTriageContext(IntakeBatch batch) : ITriageContext
{
    public long Count(string eventType, SubjectHandle subject, string? role, TimeSpan window) =>
        subject.Id == Guid.Empty ? 0
        : role is null ? batch.Signals.CountAnyRole(subject.Id, eventType, window)
        : batch.Signals.Count(subject.Id, SignalResolutions.Name(eventType, role), window);

    public long Distinct(string identifierType, SubjectHandle subject, TimeSpan window)
    {
        if (subject.Id == Guid.Empty || !TryParseIdentifierType(identifierType, out var type))
        {
            return 0;
        }

        var since = batch.Now - window;
        var db = batch.Db;

        // Identifiers added in this batch are not in the database yet: look at the change tracker too.
        var pending = batch.PendingIdentifiers().Where(i => i.Type == type).ToList();
        var own = db.SubjectIdentifiers.AsNoTracking().Where(i => i.SubjectId == subject.Id && i.Type == type).Select(i => i.Value).ToList();
        own.AddRange(pending.Where(i => i.SubjectId == subject.Id).Select(i => i.Value));
        if (own.Count == 0)
        {
            return 0;
        }

        var kind = batch.TrackedSubject(subject.Id)?.Kind;
        var sharing = db.SubjectIdentifiers.AsNoTracking()
            .Where(i => i.Type == type && own.Contains(i.Value) && i.FirstSeenAt >= since)
            .Join(db.Subjects, i => i.SubjectId, s => s.Id, (i, s) => new { i.SubjectId, s.Kind })
            .ToList()
            .Where(x => kind is null || x.Kind == kind)
            .Select(x => x.SubjectId)
            .ToHashSet();
        sharing.UnionWith(pending.Where(i => own.Contains(i.Value) && i.FirstSeenAt >= since).Select(i => i.SubjectId));
        sharing.Add(subject.Id);
        return sharing.Count;
    }

    // The graph is walked in the database, where a subject new in this batch has no identifiers yet: no walk for it.
    public LinkPath? FindLink(SubjectHandle from, SubjectHandle to, int maxHops) =>
        from.Id == Guid.Empty || to.Id == Guid.Empty || batch.IsNewSubject(from.Id) || batch.IsNewSubject(to.Id) ? null
        : TriageFacts.ToPath(from, new AccountGraph(batch.Db, batch.KnownIdentifiers).FindLink(from.Id, from.ExternalId, to.Id, maxHops));

    public LinkPath? FindLinkToBanned(SubjectHandle from, int maxHops) =>
        from.Id == Guid.Empty || batch.IsNewSubject(from.Id) ? null
        : TriageFacts.ToPath(from, new AccountGraph(batch.Db, batch.KnownIdentifiers).FindLinkToBanned(from.Id, from.ExternalId, maxHops));

    private static bool TryParseIdentifierType(string name, out IdentifierType type)
    {
        foreach (var candidate in Enum.GetValues<IdentifierType>())
        {
            if (SubjectIdentifierNames.Of(candidate) == name)
            {
                type = candidate;
                return true;
            }
        }

        type = default;
        return false;
    }
}
