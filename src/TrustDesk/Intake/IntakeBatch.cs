using Microsoft.EntityFrameworkCore;
using TrustDesk.Cases;
using TrustDesk.Data;
using TrustDesk.Subjects;
using TrustDesk.Taxonomy;
using TrustDesk.Web;

namespace TrustDesk.Intake;

/// <summary>
/// The state one group commit works on: one DbContext and what its works need, fetched up front in a handful of
/// queries instead of a few per request. Works later in the batch see what earlier ones created (a second report
/// about a subject joins the case the first one opened, in the same commit).
/// </summary>
public sealed class IntakeBatch
{
    private readonly Dictionary<(SubjectKind Kind, string ExternalId), Subject> _subjects = [];
    private readonly Dictionary<string, Case> _openCases = new(StringComparer.Ordinal);
    private readonly Dictionary<(string ClientId, string Key), IdempotencyRecord> _idempotency = [];
    private readonly HashSet<string> _knownEventIds = new(StringComparer.Ordinal);

    private IntakeBatch(TrustDeskDb db, DateTime now, CategoryCatalog.Snapshot catalog)
    {
        Db = db;
        Now = now;
        Catalog = catalog;
    }

    public TrustDeskDb Db { get; }
    public DateTime Now { get; }
    public CategoryCatalog.Snapshot Catalog { get; }

    /// <summary>What the works of a batch will look up.</summary>
    public sealed class Needs
    {
        internal HashSet<(SubjectKind Kind, string ExternalId)> Subjects { get; } = [];
        internal HashSet<(SubjectKind Kind, string ExternalId)> SubjectsWithGraph { get; } = [];
        internal HashSet<(SubjectKind Kind, string ExternalId, string? Category)> Clusters { get; } = [];
        internal HashSet<(string ClientId, string Key)> IdempotencyKeys { get; } = [];
        internal HashSet<string> EventIds { get; } = new(StringComparer.Ordinal);

        public void Subject(SubjectKind kind, string externalId) => Subjects.Add((kind, externalId));

        /// <summary>A subject that will get links or identifiers: loaded with them, so duplicates are recognised.</summary>
        public void SubjectWithGraph(SubjectKind kind, string externalId) => SubjectsWithGraph.Add((kind, externalId));

        public void OpenCase(SubjectKind kind, string externalId, string? category)
        {
            Subjects.Add((kind, externalId));
            Clusters.Add((kind, externalId, category));
        }

        public void Idempotency(string clientId, string key) => IdempotencyKeys.Add((clientId, key));

        public void Event(string externalId) => EventIds.Add(externalId);
    }

    internal static async Task<IntakeBatch> LoadAsync(
        TrustDeskDb db, DateTime now, CategoryCatalog.Snapshot catalog, Needs needs, CancellationToken cancellationToken)
    {
        var batch = new IntakeBatch(db, now, catalog);

        foreach (var group in needs.SubjectsWithGraph.GroupBy(s => s.Kind))
        {
            var ids = group.Select(s => s.ExternalId).ToList();
            var found = await db.Subjects.Include(s => s.Links).Include(s => s.Identifiers).AsSplitQuery()
                .Where(s => s.Kind == group.Key && ids.Contains(s.ExternalId)).ToListAsync(cancellationToken);
            foreach (var subject in found)
            {
                batch._subjects[(subject.Kind, subject.ExternalId)] = subject;
            }
        }

        var wanted = needs.Subjects.Where(s => !batch._subjects.ContainsKey(s)).ToList();
        if (wanted.Count > 0)
        {
            // One query for every kind, not one per kind: Kind IN (...) AND ExternalId IN (...) is answered from the
            // (Kind, ExternalId) index. A row that pairs the kind of one wanted subject with the id of another is
            // rare and simply not used.
            var kinds = wanted.Select(s => s.Kind).Distinct().ToList();
            var ids = wanted.Select(s => s.ExternalId).Distinct().ToList();
            // Not tracked: works only read these (their ids and names); a subject a work changes is loaded with its graph
            // above, tracked. Fewer tracked entities make every change detection of the batch cheaper.
            var found = await db.Subjects.AsNoTracking().Where(s => kinds.Contains(s.Kind) && ids.Contains(s.ExternalId)).ToListAsync(cancellationToken);
            foreach (var subject in found)
            {
                if (needs.Subjects.Contains((subject.Kind, subject.ExternalId)))
                {
                    batch._subjects[(subject.Kind, subject.ExternalId)] = subject;
                }
            }
        }

        var clusterKeys = needs.Clusters
            .Select(c => batch._subjects.TryGetValue((c.Kind, c.ExternalId), out var s) ? Case.MakeClusterKey(s.Id, c.Category) : null)
            .OfType<string>().ToList();
        if (clusterKeys.Count > 0)
        {
            var cases = await db.Cases.Where(c => c.ClusterKey != null && clusterKeys.Contains(c.ClusterKey)).ToListAsync(cancellationToken);
            foreach (var @case in cases)
            {
                batch._openCases[@case.ClusterKey!] = @case;
            }

            if (cases.Count > 0)
            {
                // The links between these cases and this batch's subjects, tracked so that EF Core attaches them to
                // their case: a reporter who reports the same problem again is then seen as linked already
                // (Case.AddReport) instead of being inserted twice. Only these few rows: a busy case can have
                // thousands of reporters.
                var caseIds = cases.Select(c => c.Id).ToList();
                var subjectIds = batch._subjects.Values.Select(s => s.Id).ToList();
                await db.CaseSubjects.Where(s => caseIds.Contains(s.CaseId) && subjectIds.Contains(s.SubjectId)).LoadAsync(cancellationToken);
            }
        }

        foreach (var group in needs.IdempotencyKeys.GroupBy(k => k.ClientId))
        {
            var keys = group.Select(k => k.Key).ToList();
            var records = await db.IdempotencyRecords.Where(r => r.ClientId == group.Key && keys.Contains(r.Key)).ToListAsync(cancellationToken);
            foreach (var record in records)
            {
                batch._idempotency[(record.ClientId, record.Key)] = record;
            }
        }

        if (needs.EventIds.Count > 0)
        {
            var eventIds = needs.EventIds.ToList();
            var known = await db.Events.Where(e => eventIds.Contains(e.ExternalId)).Select(e => e.ExternalId).ToListAsync(cancellationToken);
            batch._knownEventIds.UnionWith(known);
        }

        return batch;
    }

    /// <summary>The subject with this platform id; created (with its id as display name) when the platform has not sent it yet.</summary>
    public Subject GetOrCreateSubject(SubjectKind kind, string externalId, out bool created)
    {
        if (_subjects.TryGetValue((kind, externalId), out var subject))
        {
            created = false;
            return subject;
        }

        subject = new Subject(kind, externalId, Now);
        Db.Subjects.Add(subject);
        _subjects[(kind, externalId)] = subject;
        created = true;
        return subject;
    }

    public Subject GetOrCreateSubject(SubjectKind kind, string externalId) => GetOrCreateSubject(kind, externalId, out _);

    public Case? FindOpenCase(string clusterKey) => _openCases.GetValueOrDefault(clusterKey);

    public void AddOpenCase(Case @case)
    {
        Db.Cases.Add(@case);
        _openCases[@case.ClusterKey!] = @case;
    }

    public IdempotencyRecord? FindIdempotency(string clientId, string key) => _idempotency.GetValueOrDefault((clientId, key));

    public void AddIdempotency(IdempotencyRecord record)
    {
        Db.IdempotencyRecords.Add(record);
        _idempotency[(record.ClientId, record.Key)] = record;
    }

    /// <summary>True the first time an event id is seen, in the database or earlier in this batch.</summary>
    public bool ClaimEventId(string externalId) => _knownEventIds.Add(externalId);
}
