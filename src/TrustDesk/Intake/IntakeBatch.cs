using Microsoft.EntityFrameworkCore;
using TrustDesk.Cases;
using TrustDesk.Data;
using TrustDesk.Signals;
using TrustDesk.Subjects;
using TrustDesk.Taxonomy;
using TrustDesk.Triage;
using TrustDesk.Api;

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
    private readonly Dictionary<Guid, List<Case>> _openCasesBySubject = [];

    // Cluster keys LoadAsync looked up and did not find: no open case, so no query when a work asks again.
    private readonly HashSet<string> _absentClusters = new(StringComparer.Ordinal);

    // Subjects created in this batch: no row anywhere points at them yet, so nothing needs looking up for them.
    private readonly HashSet<Guid> _newSubjects = [];

    private IntakeBatch(TrustDeskDb db, DateTime now, CategoryCatalog.Snapshot catalog, CompiledRulePack rules)
    {
        Db = db;
        Writes = db.WritesUntracked ? new UntrackedWrites(db) : null;
        Now = now;
        Catalog = catalog;
        Rules = rules;
        Signals = new SignalCounter(db, now, db.SharedByNodes ? Writes : null);
    }

    public TrustDeskDb Db { get; }

    /// <summary>
    /// The batch's new subjects (with their links and identifiers), cases (with their events, messages and subject
    /// links), reports, rule hits and proposals: read without tracking and written by <see cref="UntrackedWrites"/>,
    /// around SaveChanges for what the context tracks (subjects loaded with their graph, platform events). On SQLite
    /// before it (those may point at new subjects); on PostgreSQL after it, in two round trips for the whole batch (new
    /// subjects are rows already there, see <see cref="LoadSharedAsync"/>).
    /// </summary>
    public UntrackedWrites? Writes { get; }
    public DateTime Now { get; }
    public CategoryCatalog.Snapshot Catalog { get; }

    /// <summary>The rules in force for this batch.</summary>
    public CompiledRulePack Rules { get; }

    /// <summary>Signal increments and reads of this batch, written in its transaction.</summary>
    public SignalCounter Signals { get; }

    /// <summary>What the works of a batch will look up.</summary>
    public sealed class Needs
    {
        internal HashSet<(SubjectKind Kind, string ExternalId)> Subjects { get; } = [];
        internal HashSet<(SubjectKind Kind, string ExternalId)> SubjectsWithGraph { get; } = [];
        internal HashSet<(SubjectKind Kind, string ExternalId, string? Category)> Clusters { get; } = [];
        internal HashSet<(string ClientId, string Key)> IdempotencyKeys { get; } = [];
        internal HashSet<string> EventIds { get; } = new(StringComparer.Ordinal);
        internal HashSet<(SubjectKind Kind, string ExternalId)> CasesAbout { get; } = [];

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

        /// <summary>Every open case whose primary subject this is (a stream going live flags them all).</summary>
        public void OpenCasesAbout(SubjectKind kind, string externalId)
        {
            Subjects.Add((kind, externalId));
            CasesAbout.Add((kind, externalId));
        }
    }

    // The look-ups of every batch, compiled: finding a LINQ query in EF Core's cache (hashing its expression tree and
    // pulling out its parameters) cost more of the writer's time than SQLite took to run it. Tracked variants for
    // PostgreSQL, where the context tracks the batch; untracked for SQLite (Writes). The SQLite writer's context sends
    // lists as one array parameter (SingleWriterContexts), so their SQL does not change with their length.
    private static readonly CompiledPerModel<Func<TrustDeskDb, List<SubjectKind>, List<string>, IAsyncEnumerable<Subject>>> SubjectsByKey = new(() =>
        EF.CompileAsyncQuery((TrustDeskDb db, List<SubjectKind> kinds, List<string> ids) =>
            db.Set<Subject>().AsNoTracking().Where(s => kinds.Contains(s.Kind) && ids.Contains(s.ExternalId))));

    private static readonly CompiledPerModel<Func<TrustDeskDb, List<string>, IAsyncEnumerable<Case>>> CasesByCluster = new(() =>
        EF.CompileAsyncQuery((TrustDeskDb db, List<string> keys) =>
            db.Set<Case>().AsNoTracking().Where(c => c.ClusterKey != null && keys.Contains(c.ClusterKey))));

    private static readonly CompiledPerModel<Func<TrustDeskDb, List<string>, IAsyncEnumerable<Case>>> TrackedCasesByCluster = new(() =>
        EF.CompileAsyncQuery((TrustDeskDb db, List<string> keys) =>
            db.Set<Case>().AsTracking().Where(c => c.ClusterKey != null && keys.Contains(c.ClusterKey))));

    private static readonly CompiledPerModel<Func<TrustDeskDb, List<long>, List<Guid>, IAsyncEnumerable<CaseSubject>>> CaseLinks = new(() =>
        EF.CompileAsyncQuery((TrustDeskDb db, List<long> caseIds, List<Guid> subjectIds) =>
            db.Set<CaseSubject>().AsNoTracking().Where(s => caseIds.Contains(s.CaseId) && subjectIds.Contains(s.SubjectId))));

    private static readonly CompiledPerModel<Func<TrustDeskDb, List<long>, List<Guid>, IAsyncEnumerable<CaseSubject>>> TrackedCaseLinks = new(() =>
        EF.CompileAsyncQuery((TrustDeskDb db, List<long> caseIds, List<Guid> subjectIds) =>
            db.Set<CaseSubject>().AsTracking().Where(s => caseIds.Contains(s.CaseId) && subjectIds.Contains(s.SubjectId))));

    private static readonly CompiledPerModel<Func<TrustDeskDb, List<Guid>, IAsyncEnumerable<SubjectIdentifier>>> IdentifiersOf = new(() =>
        EF.CompileAsyncQuery((TrustDeskDb db, List<Guid> subjectIds) => db.Set<SubjectIdentifier>().AsNoTracking().Where(i => subjectIds.Contains(i.SubjectId))));

    /// <summary>
    /// The stored identifiers of the batch's subjects, read with the batch on PostgreSQL (null on SQLite, where a look-up
    /// costs no round trip): a linked-accounts walk starts from here.
    /// </summary>
    public IReadOnlyDictionary<Guid, List<SubjectIdentifier>>? KnownIdentifiers { get; private set; }

    internal static async Task<IntakeBatch> LoadAsync(
        TrustDeskDb db, DateTime now, CategoryCatalog.Snapshot catalog, CompiledRulePack rules, Needs needs, CancellationToken cancellationToken)
    {
        if (db.SharedByNodes)
        {
            return await LoadSharedAsync(db, now, catalog, rules, needs, cancellationToken);
        }

        var batch = new IntakeBatch(db, now, catalog, rules);

        // Lists go in as one array parameter each (EF.Parameter), not EF Core 10's default of one parameter per element:
        // with that, every batch size made new SQL, which EF Core generated again and SQLite prepared again (measured:
        // 2.5 ms of the writer's time per batch for the subject look-up alone).

        foreach (var group in needs.SubjectsWithGraph.GroupBy(s => s.Kind))
        {
            var ids = group.Select(s => s.ExternalId).ToList();
            var found = await db.Subjects.Include(s => s.Links).Include(s => s.Identifiers).AsSplitQuery()
                .Where(s => s.Kind == group.Key && EF.Parameter(ids).Contains(s.ExternalId)).ToListAsync(cancellationToken);
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
            // On the writer's own connection this and the two look-ups below go straight through SQLite: measured, EF
            // Core's query pipeline around them was a quarter of the writer's managed time, more than SQLite running them.
            var found = SqliteStatements.QueryWhereEachIn<Subject>(db, (nameof(Subject.Kind), kinds), (nameof(Subject.ExternalId), ids))
                ?? await SubjectsByKey.For(db)(db, kinds, ids).ToListAsync(cancellationToken);
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
            var cases = batch.Writes is null
                ? await TrackedCasesByCluster.For(db)(db, clusterKeys).ToListAsync(cancellationToken)
                : SqliteStatements.QueryWhereEachIn<Case>(db, (nameof(Case.ClusterKey), clusterKeys))
                    ?? await CasesByCluster.For(db)(db, clusterKeys).ToListAsync(cancellationToken);
            foreach (var @case in cases)
            {
                batch._openCases[@case.ClusterKey!] = @case;
            }

            batch._absentClusters.UnionWith(clusterKeys.Where(k => !batch._openCases.ContainsKey(k)));
            if (cases.Count > 0)
            {
                // The links between these cases and this batch's subjects, attached to their case: a reporter who reports
                // the same problem again is then seen as linked already (Case.AddReport) instead of being inserted twice.
                // Only these few rows: a busy case can have thousands of reporters.
                var caseIds = cases.Select(c => c.Id).ToList();
                var subjectIds = batch._subjects.Values.Select(s => s.Id).ToList();
                var links = batch.Writes is null
                    ? await TrackedCaseLinks.For(db)(db, caseIds, subjectIds).ToListAsync(cancellationToken)
                    : SqliteStatements.QueryWhereEachIn<CaseSubject>(db, (nameof(CaseSubject.CaseId), caseIds), (nameof(CaseSubject.SubjectId), subjectIds))
                        ?? await CaseLinks.For(db)(db, caseIds, subjectIds).ToListAsync(cancellationToken);
                batch.LoadedCases(cases, links);
            }
        }

        var aboutIds = needs.CasesAbout.Select(k => batch._subjects.GetValueOrDefault(k)?.Id).OfType<Guid>().ToList();
        if (aboutIds.Count > 0)
        {
            var cases = await db.Cases.AsTracking(batch.Tracking)
                .Where(c => c.ClusterKey != null && c.PrimarySubjectId != null && EF.Parameter(aboutIds).Contains(c.PrimarySubjectId.Value))
                .ToListAsync(cancellationToken);
            var loaded = new List<Case>();
            foreach (var found in cases)
            {
                // The instance the cluster lookup loaded, if both found the case: tracked, EF's identity resolution sees
                // to that; untracked, the batch does.
                var @case = batch._openCases.TryGetValue(found.ClusterKey!, out var known) && known.Id == found.Id ? known : found;
                if (ReferenceEquals(@case, found))
                {
                    batch._openCases[@case.ClusterKey!] = @case;
                    loaded.Add(@case);
                }

                batch.AddCaseAbout(@case.PrimarySubjectId!.Value, @case);
            }

            batch.LoadedCases(loaded, []);
        }

        foreach (var group in needs.IdempotencyKeys.GroupBy(k => k.ClientId))
        {
            var keys = group.Select(k => k.Key).ToList();
            var records = await db.IdempotencyRecords.Where(r => r.ClientId == group.Key && EF.Parameter(keys).Contains(r.Key)).ToListAsync(cancellationToken);
            foreach (var record in records)
            {
                batch._idempotency[(record.ClientId, record.Key)] = record;
            }
        }

        if (needs.EventIds.Count > 0)
        {
            var eventIds = needs.EventIds.ToList();
            var known = await db.Events.Where(e => EF.Parameter(eventIds).Contains(e.ExternalId)).Select(e => e.ExternalId).ToListAsync(cancellationToken);
            batch._knownEventIds.UnionWith(known);
        }

        return batch;
    }

    /// <summary>
    /// The batch's look-ups where several nodes share the database (PostgreSQL), inside its transaction, in two round
    /// trips (plus one for subjects loaded with their graph, when a work changes one):
    /// <list type="number">
    /// <item>every subject the works will ask for is inserted if it is not there yet (<c>ON CONFLICT DO NOTHING</c>, so
    /// two nodes creating one subject at once both go on with one row, neither fails on its unique key), and read;</item>
    /// <item>the locks of the cluster keys the works will join, then, under them, the open cases of those keys (locked
    /// rows: the case's version cannot change under the batch, and another node's case is joined, not doubled), their
    /// links to the batch's subjects, the keys of the cases the batch will open, the recent signal buckets and the
    /// identifiers of the subjects that have a history (what the rules will count and walk), idempotency records and
    /// platform event ids seen before.</item>
    /// </list>
    /// </summary>
    private static async Task<IntakeBatch> LoadSharedAsync(
        TrustDeskDb db, DateTime now, CategoryCatalog.Snapshot catalog, CompiledRulePack rules, Needs needs, CancellationToken cancellationToken)
    {
        var batch = new IntakeBatch(db, now, catalog, rules);
        var subjectsTrip = new PostgresRoundTrip(db);
        var all = needs.Subjects.Union(needs.SubjectsWithGraph).ToList();
        var inserted = subjectsTrip.InsertMissing(all.Select(k => new Subject(k.Kind, k.ExternalId, now)).ToList(), nameof(Subject.Kind), nameof(Subject.ExternalId));
        var plain = needs.Subjects.Where(k => !needs.SubjectsWithGraph.Contains(k)).ToList();
        var found = plain.Count == 0 ? null : subjectsTrip.Select<Subject>(false,
            PostgresRoundTrip.AnyOf(nameof(Subject.Kind), plain.Select(k => k.Kind).Distinct().ToList()),
            PostgresRoundTrip.AnyOf(nameof(Subject.ExternalId), plain.Select(k => k.ExternalId).Distinct().ToList()));
        await subjectsTrip.ExecuteAsync(cancellationToken);
        foreach (var subject in found ?? [])
        {
            if (needs.Subjects.Contains((subject.Kind, subject.ExternalId)))
            {
                batch._subjects[(subject.Kind, subject.ExternalId)] = subject;
            }
        }

        // A subject a work changes (links, identifiers, live state) is tracked, with its graph, so EF Core saves the change.
        foreach (var group in needs.SubjectsWithGraph.GroupBy(s => s.Kind))
        {
            var ids = group.Select(s => s.ExternalId).ToList();
            var graphs = await db.Subjects.Include(s => s.Links).Include(s => s.Identifiers).AsSplitQuery()
                .Where(s => s.Kind == group.Key && EF.Parameter(ids).Contains(s.ExternalId)).ToListAsync(cancellationToken);
            foreach (var subject in graphs)
            {
                batch._subjects[(subject.Kind, subject.ExternalId)] = subject;
            }
        }

        foreach (var subject in inserted)
        {
            // Rows now, but new: nothing stored points at them, and the first work that asks created them.
            batch._newSubjects.Add(subject.Id);
            batch._createdUpFront.Add(subject.Id);
            batch.Signals.HasNoHistory(subject.Id);
        }

        var clusterKeys = needs.Clusters
            .Select(c => batch._subjects.TryGetValue((c.Kind, c.ExternalId), out var s) ? Case.MakeClusterKey(s.Id, c.Category) : null)
            .OfType<string>().Distinct().ToList();
        var subjectIds = batch._subjects.Values.Select(s => s.Id).ToList();
        var known = batch._subjects.Values.Where(s => !batch._newSubjects.Contains(s.Id)).Select(s => s.Id).ToList();
        var aboutIds = needs.CasesAbout.Select(k => batch._subjects.GetValueOrDefault(k)?.Id).OfType<Guid>().ToList();

        var trip = new PostgresRoundTrip(db);
        trip.Lock(clusterKeys.Select(ClusterLockName));
        var cases = clusterKeys.Count == 0 ? null : trip.Select<Case>(true, PostgresRoundTrip.AnyOf(nameof(Case.ClusterKey), clusterKeys));
        var links = clusterKeys.Count == 0 ? null : trip.SelectUnder<CaseSubject, Case>(nameof(CaseSubject.CaseId),
            PostgresRoundTrip.AnyOf(nameof(Case.ClusterKey), clusterKeys), PostgresRoundTrip.AnyOf(nameof(CaseSubject.SubjectId), subjectIds));
        var reserved = trip.ReserveKeysForMissing<Case>(nameof(Case.ClusterKey), clusterKeys);
        var about = aboutIds.Count == 0 ? null : trip.Select<Case>(true,
            PostgresRoundTrip.AnyOf(nameof(Case.PrimarySubjectId), aboutIds), PostgresRoundTrip.NotNull(nameof(Case.ClusterKey)));
        batch.Signals.Prefetch(trip, known);
        var identifiers = known.Count == 0 ? null : trip.Select<SubjectIdentifier>(false, PostgresRoundTrip.AnyOf(nameof(SubjectIdentifier.SubjectId), known));
        var idempotency = needs.IdempotencyKeys.GroupBy(k => k.ClientId).Select(group => trip.Select<IdempotencyRecord>(false,
            PostgresRoundTrip.EqualTo(nameof(IdempotencyRecord.ClientId), group.Key), PostgresRoundTrip.AnyOf(nameof(IdempotencyRecord.Key), group.Select(k => k.Key).ToList()))).ToList();
        var events = needs.EventIds.Count == 0 ? null : trip.Select<PlatformEvent>(false, PostgresRoundTrip.AnyOf(nameof(PlatformEvent.ExternalId), needs.EventIds.ToList()));
        await trip.ExecuteAsync(cancellationToken);

        if (cases is not null)
        {
            foreach (var @case in cases)
            {
                batch._openCases[@case.ClusterKey!] = @case;
            }

            batch._absentClusters.UnionWith(clusterKeys.Where(k => !batch._openCases.ContainsKey(k)));
            batch.LoadedCases(cases, links!);
        }

        batch.Writes!.ReserveKeys(typeof(Case), reserved);
        if (about is not null)
        {
            var loaded = new List<Case>();
            foreach (var found2 in about)
            {
                // The instance the cluster look-up read, when both read the case.
                var @case = batch._openCases.TryGetValue(found2.ClusterKey!, out var same) && same.Id == found2.Id ? same : found2;
                if (ReferenceEquals(@case, found2))
                {
                    batch._openCases[@case.ClusterKey!] = @case;
                    loaded.Add(@case);
                }

                batch.AddCaseAbout(@case.PrimarySubjectId!.Value, @case);
            }

            batch.LoadedCases(loaded, []);
        }

        var byId = known.Concat(batch._newSubjects).Distinct().ToDictionary(id => id, _ => new List<SubjectIdentifier>());
        foreach (var identifier in identifiers ?? [])
        {
            byId[identifier.SubjectId].Add(identifier);
        }

        batch.KnownIdentifiers = byId;
        foreach (var record in idempotency.SelectMany(r => r))
        {
            batch._idempotency[(record.ClientId, record.Key)] = record;
        }

        batch._knownEventIds.UnionWith(events?.Select(e => e.ExternalId) ?? []);
        return batch;
    }

    private static string ClusterLockName(string clusterKey) => "case-cluster:" + clusterKey;

    // The subjects LoadSharedAsync inserted: rows already, reported as created by the first work that asks.
    private readonly HashSet<Guid> _createdUpFront = [];

    /// <summary>The subject with this platform id; created (with its id as display name) when the platform has not sent it yet.</summary>
    public Subject GetOrCreateSubject(SubjectKind kind, string externalId, out bool created)
    {
        if (_subjects.TryGetValue((kind, externalId), out var subject))
        {
            // A subject this batch inserted up front is new to the first work that asks for it.
            created = _createdUpFront.Remove(subject.Id);
            return subject;
        }

        subject = new Subject(kind, externalId, Now);
        Add(subject);
        _subjects[(kind, externalId)] = subject;
        _newSubjects.Add(subject.Id);
        Signals.HasNoHistory(subject.Id);
        created = true;
        return subject;
    }

    public Subject GetOrCreateSubject(SubjectKind kind, string externalId) => GetOrCreateSubject(kind, externalId, out _);

    /// <summary>
    /// The open case about the subject in the category: from what the batch loaded, else (for a category a rule
    /// decided, which no work could declare up front) from the database.
    /// </summary>
    public Case? FindOpenCase(Guid subjectId, string? category)
    {
        var clusterKey = Case.MakeClusterKey(subjectId, category);
        if (_openCases.TryGetValue(clusterKey, out var @case))
        {
            return @case;
        }

        if (_newSubjects.Contains(subjectId) || _absentClusters.Contains(clusterKey))
        {
            return null;
        }

        if (Db.SharedByNodes)
        {
            // A key no work declared (a category a rule chose): its lock is taken now, out of the sorted order, so
            // without waiting; when another node holds it the batch gives way and is tried again.
            if (!ClusterLock.TryTakeForTransaction(Db, ClusterLockName(clusterKey)))
            {
                throw new RetryableConflictException($"Another node is joining reports to cluster {clusterKey}.");
            }

            @case = PostgresRows.ForUpdate<Case, string>(Db, nameof(Case.ClusterKey), [clusterKey]).AsTracking(Tracking).FirstOrDefault();
        }
        else
        {
            @case = Db.Cases.AsTracking(Tracking).FirstOrDefault(c => c.ClusterKey == clusterKey);
        }

        if (@case is not null)
        {
            // As in LoadAsync: only its links to this batch's subjects, so a reporter is never attached twice.
            var caseId = @case.Id;
            var subjectIds = _subjects.Values.Select(s => s.Id).ToList();
            var links = Db.CaseSubjects.AsTracking(Tracking).Where(s => s.CaseId == caseId && EF.Parameter(subjectIds).Contains(s.SubjectId)).ToList();
            LoadedCases([@case], links);
            _openCases[clusterKey] = @case;
        }
        else
        {
            _absentClusters.Add(clusterKey);
        }

        return @case;
    }

    /// <summary>Identifiers added in this batch and not stored yet, to new subjects and to tracked ones alike.</summary>
    public IEnumerable<SubjectIdentifier> PendingIdentifiers()
    {
        var tracked = Db.ChangeTracker.Entries<SubjectIdentifier>().Where(e => e.State == EntityState.Added).Select(e => e.Entity);
        return Writes is null ? tracked : tracked.Concat(_subjects.Values.Where(s => _newSubjects.Contains(s.Id)).SelectMany(s => s.Identifiers));
    }

    /// <summary>True for a subject this batch created: nothing stored refers to it yet.</summary>
    public bool IsNewSubject(Guid subjectId) => _newSubjects.Contains(subjectId);

    /// <summary>A subject the batch already tracks, by id (rules name subjects by id).</summary>
    public Subject? TrackedSubject(Guid id) => _subjects.Values.FirstOrDefault(s => s.Id == id);

    public void AddOpenCase(Case @case)
    {
        Add(@case);
        _openCases[@case.ClusterKey!] = @case;
        AddCaseAbout(@case.PrimarySubjectId!.Value, @case);
    }

    /// <summary>
    /// A new row for the batch's transaction: a subject, a case (with its events, messages and links), a report, a rule
    /// hit or a proposal. Untracked on SQLite (<see cref="Writes"/>), added to the context on PostgreSQL.
    /// </summary>
    public void Add(object entity)
    {
        if (Writes is { } writes)
        {
            writes.Insert(entity);
        }
        else
        {
            Db.Add(entity);
        }
    }

    private QueryTrackingBehavior Tracking => Writes is null ? QueryTrackingBehavior.TrackAll : QueryTrackingBehavior.NoTracking;

    // Cases read for this batch, with their links to its subjects. Tracked, EF Core has put the links into their cases
    // already; untracked, they are put there here, and the writes remember each case as read.
    private void LoadedCases(IReadOnlyList<Case> cases, IReadOnlyList<CaseSubject> links)
    {
        if (Writes is not { } writes)
        {
            return;
        }

        var byId = cases.ToDictionary(c => c.Id);
        foreach (var link in links)
        {
            writes.AddLoadedChild(byId[link.CaseId], nameof(Case.Subjects), link);
        }

        foreach (var @case in cases)
        {
            writes.Loaded(@case);
        }
    }

    /// <summary>
    /// The cases this batch opened or changed, with the events they gained, for <see cref="ICaseChangeObserver"/>s. Cases read
    /// for the batch carry no old events, so the events they have are the new ones.
    /// </summary>
    public IReadOnlyList<CaseChange> CaseChanges() =>
        _openCases.Values.Concat(_openCasesBySubject.Values.SelectMany(c => c)).Distinct()
            .Where(c => c.Events.Count > 0).Select(c => new CaseChange(c, c.Id == 0, c.Events)).ToList();

    /// <summary>Open cases about the subject, loaded when declared with <see cref="Needs.OpenCasesAbout"/> or opened in this batch.</summary>
    public IReadOnlyList<Case> OpenCasesAbout(Guid subjectId) => _openCasesBySubject.GetValueOrDefault(subjectId) ?? [];

    private void AddCaseAbout(Guid subjectId, Case @case)
    {
        if (!_openCasesBySubject.TryGetValue(subjectId, out var list))
        {
            _openCasesBySubject[subjectId] = list = [];
        }

        if (!list.Contains(@case))
        {
            list.Add(@case);
        }
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
