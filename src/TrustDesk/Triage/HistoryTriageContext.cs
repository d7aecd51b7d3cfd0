using TrustDesk.Cases;
using Microsoft.EntityFrameworkCore;
using TrustDesk.Data;
using TrustDesk.Subjects;

namespace TrustDesk.Triage;

/// <summary>
/// What rules read when they are back-tested: counts straight from the stored reports and events, as of the moment of
/// each item. Back-tests may scan history (intake never does); the linked-accounts graph is today's.
/// </summary>
public sealed class HistoryTriageContext(TrustDeskDb db) : ITriageContext
{
    private readonly Dictionary<(string, Guid, string?, TimeSpan, DateTime), long> _counts = [];

    /// <summary>The moment the current item happened; every window ends here.</summary>
    public DateTime At { get; set; }

    public long Count(string eventType, SubjectHandle subject, string? role, TimeSpan window)
    {
        var key = (eventType, subject.Id, role, window, At);
        if (_counts.TryGetValue(key, out var cached))
        {
            return cached;
        }

        var since = At - window;
        var at = At;
        long count;
        if (eventType == "report")
        {
            var reports = db.Reports.AsNoTracking().Where(r => r.CreatedAt > since && r.CreatedAt <= at);
            count = role switch
            {
                "reported" => reports.Count(r => r.SubjectId == subject.Id),
                "reporter" => reports.Count(r => r.ReporterSubjectId == subject.Id),
                _ => reports.Count(r => r.SubjectId == subject.Id || r.ReporterSubjectId == subject.Id),
            };
        }
        else
        {
            count = db.EventSubjects.AsNoTracking()
                .Where(s => s.SubjectId == subject.Id && (role == null || s.Role == role))
                .Join(db.Events, s => s.EventId, e => e.Id, (s, e) => e)
                .Count(e => e.Type == eventType && e.OccurredAt > since && e.OccurredAt <= at);
        }

        _counts[key] = count;
        return count;
    }

    public long Distinct(string identifierType, SubjectHandle subject, TimeSpan window)
    {
        var type = Enum.GetValues<IdentifierType>().FirstOrDefault(t => SubjectIdentifierNames.Of(t) == identifierType, (IdentifierType)(-1));
        if (!Enum.IsDefined(type))
        {
            return 0;
        }

        var since = At - window;
        var own = db.SubjectIdentifiers.AsNoTracking().Where(i => i.SubjectId == subject.Id && i.Type == type).Select(i => i.Value).ToList();
        if (own.Count == 0)
        {
            return 0;
        }

        var sharing = db.SubjectIdentifiers.AsNoTracking()
            .Where(i => i.Type == type && own.Contains(i.Value) && i.FirstSeenAt >= since)
            .Select(i => i.SubjectId).Distinct().Count();
        return Math.Max(1, sharing);
    }

    public LinkPath? FindLink(SubjectHandle from, SubjectHandle to, int maxHops) =>
        TriageFacts.ToPath(from, new AccountGraph(db).FindLink(from.Id, from.ExternalId, to.Id, maxHops));

    public LinkPath? FindLinkToBanned(SubjectHandle from, int maxHops) =>
        TriageFacts.ToPath(from, new AccountGraph(db).FindLinkToBanned(from.Id, from.ExternalId, maxHops));

    /// <summary>A subject as rules saw it at the moment: a stream was live if its last stream event by then was a start.</summary>
    public SubjectFacts Facts(Subject subject)
    {
        var facts = TriageFacts.Of(subject);
        if (subject.Kind != SubjectKind.Livestream)
        {
            return facts;
        }

        var at = At;
        var last = db.EventSubjects.AsNoTracking().Where(s => s.SubjectId == subject.Id)
            .Join(db.Events, s => s.EventId, e => e.Id, (s, e) => e)
            .Where(e => (e.Type == PlatformEvent.StreamStarted || e.Type == PlatformEvent.StreamEnded) && e.OccurredAt <= at)
            .OrderByDescending(e => e.OccurredAt).Select(e => e.Type).FirstOrDefault();
        return facts with { Live = last == PlatformEvent.StreamStarted };
    }
}
