using CaseObservers = TrustDesk.Cases.CaseObservers;
using Case = TrustDesk.Cases.Case;
using CaseChanges = TrustDesk.Cases.CaseChanges;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Threading.Channels;
using Microsoft.Extensions.Options;
using TrustDesk.Data;
using TrustDesk.Taxonomy;
using TrustDesk.Triage;

namespace TrustDesk.Intake;

public sealed class IntakeOptions
{
    /// <summary>Most works committed in one transaction.</summary>
    public int MaxBatchSize { get; set; } = 256;

    /// <summary>Works waiting beyond this make new requests wait (back-pressure instead of unbounded memory).</summary>
    public int QueueCapacity { get; set; } = 20_000;

    /// <summary>
    /// PostgreSQL: group commits in flight at once, each on a connection of its own. While one waits for the database
    /// (its look-ups, its rows, its commit's flush), the next batch is read and applied; they serialise on what they
    /// share (cluster keys, subjects, the audit chain) exactly as two nodes do. SQLite always has one.
    /// </summary>
    public int PostgresLanes { get; set; } = 2;
}

/// <summary>
/// The single writer of intake. SQLite takes one writer at a time, so instead of many requests fighting for the lock,
/// they queue here and are committed together (group commit): one transaction for everything that arrived while the
/// previous one was being written. Each request is answered only after its commit, so an acknowledged report is
/// durable. Readers never wait on this (WAL). On PostgreSQL the same path simply batches.
/// </summary>
public sealed class IntakeWriter : BackgroundService
{
    private static readonly Meter Meter = new("TrustDesk.Intake");
    private static readonly Histogram<int> BatchSizes = Meter.CreateHistogram<int>("trustdesk.intake.batch_size", "{work}", "Works per group commit");
    private static readonly Histogram<double> CommitDurations = Meter.CreateHistogram<double>("trustdesk.intake.commit_duration", "ms", "Time to load, apply and commit one batch");

    private readonly Channel<IntakeWork> _queue;
    private readonly Lane[] _lanes;
    private readonly CategoryCatalog _catalog;
    private readonly TriageEngine _triage;
    private readonly TimeProvider _time;
    private readonly ILogger<IntakeWriter> _logger;
    private readonly int _maxBatchSize;
    private readonly CaseChanges? _caseChanges;
    private readonly SqliteCheckpointer? _checkpointer;
    private readonly Cases.ICaseChangeObserver[] _caseObservers;

    // For the debug log of the writer's load: how much of its time goes to committing, per work.
    private long _statsStarted = Stopwatch.GetTimestamp();
    private long _statsBusyTicks;
    private int _statsWorks;
    private int _statsCommits;
    private long _statsThreadCpuNanoseconds;
    private int _statsThreadCpuCommits;
    private TimeSpan _statsProcessorTime = Environment.CpuUsage.TotalTime;
    private TimeSpan _statsGcPauses = GC.GetTotalPauseDuration();
    private long _statsAllocated = GC.GetTotalAllocatedBytes();

    // Where a commit's time goes (debug log): open and begin, load (look-ups and locks), apply (the works and their rules),
    // write and commit. Wall time, so a phase that waits for the database shows its round trips.
    private static readonly string[] PhaseNames = ["open", "load", "apply", "write and commit"];
    private readonly long[] _statsPhaseTicks = new long[PhaseNames.Length];
    private readonly Lock _stats = new();

    /// <summary>One group commit at a time: its contexts (its own connection) and the timing of its phases.</summary>
    private sealed class Lane(SingleWriterContexts contexts)
    {
        public SingleWriterContexts Contexts { get; } = contexts;
        public long[] PhaseTicks { get; } = new long[PhaseNames.Length];
        public long PhaseMark { get; set; }

        public void Phase(int phase)
        {
            var now = Stopwatch.GetTimestamp();
            PhaseTicks[phase] += now - PhaseMark;
            PhaseMark = now;
        }
    }

    public IntakeWriter(
        IServiceScopeFactory scopes, CategoryCatalog catalog, TriageEngine triage, TimeProvider time, IOptions<IntakeOptions> options,
        IOptions<DatabaseOptions> databaseOptions, ILogger<IntakeWriter> logger, CaseChanges? caseChanges = null, SqliteCheckpointer? checkpointer = null,
        IEnumerable<Cases.ICaseChangeObserver>? caseObservers = null)
    {
        _caseObservers = caseObservers?.ToArray() ?? [];
        _caseChanges = caseChanges;
        _checkpointer = checkpointer;
        var lanes = databaseOptions.Value.IsPostgres ? Math.Max(1, options.Value.PostgresLanes) : 1;
        _lanes = [.. Enumerable.Range(0, lanes).Select(_ => new Lane(new SingleWriterContexts(scopes, databaseOptions, logger)))];
        _catalog = catalog;
        _triage = triage;
        _time = time;
        _logger = logger;
        _maxBatchSize = Math.Max(1, options.Value.MaxBatchSize);
        _queue = Channel.CreateBounded<IntakeWork>(new BoundedChannelOptions(Math.Max(1, options.Value.QueueCapacity))
        {
            SingleReader = true,
            FullMode = BoundedChannelFullMode.Wait,
        });
    }

    // For the ops stack (/metrics): what intake took in and how long each took from queueing to its durable commit.
    private static readonly Counter<long> Works = Meter.CreateCounter<long>("trustdesk.intake.works", "{work}", "Intake works (reports, events, subjects) by kind and outcome");
    private static readonly Histogram<double> WorkDurations = Meter.CreateHistogram<double>("trustdesk.intake.duration", "ms", "From queueing an intake work to its durable commit");

    /// <summary>Queues the work and returns once it is committed (or has failed).</summary>
    public async Task<TOutcome> SubmitAsync<TOutcome>(IntakeWork<TOutcome> work, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        await _queue.Writer.WriteAsync(work, cancellationToken);
        var kind = new KeyValuePair<string, object?>("kind", KindOf(work.GetType()));
        try
        {
            // Once queued the work will be committed even if the caller goes away: never cancel between queue and commit.
            var outcome = await work.Outcome.WaitAsync(Timeout.InfiniteTimeSpan, CancellationToken.None);
            Works.Add(1, kind, new KeyValuePair<string, object?>("outcome", "committed"));
            WorkDurations.Record(Stopwatch.GetElapsedTime(started).TotalMilliseconds, kind);
            return outcome;
        }
        catch
        {
            Works.Add(1, kind, new KeyValuePair<string, object?>("outcome", "failed"));
            throw;
        }
    }

    private static readonly System.Collections.Concurrent.ConcurrentDictionary<Type, string> Kinds = new();

    // ReportWork → report: a tag with a handful of values.
    private static string KindOf(Type type) => Kinds.GetOrAdd(type, t =>
    {
        var name = t.Name;
        var tick = name.IndexOf('`', StringComparison.Ordinal);
        name = tick < 0 ? name : name[..tick];
        return (name.EndsWith("Work", StringComparison.Ordinal) ? name[..^4] : name).ToLowerInvariant();
    });

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var batch = new List<IntakeWork>(_maxBatchSize);
        var free = Channel.CreateUnbounded<Lane>();
        foreach (var lane in _lanes)
        {
            free.Writer.TryWrite(lane);
        }

        var running = new List<Task>();
        try
        {
            while (await _queue.Reader.WaitToReadAsync(stoppingToken))
            {
                // A free lane first, then everything queued by then: the batch is as large as the wait made it.
                var lane = _lanes.Length == 1 ? _lanes[0] : await free.Reader.ReadAsync(stoppingToken);
                while (batch.Count < _maxBatchSize && _queue.Reader.TryRead(out var work))
                {
                    batch.Add(work);
                }

                if (_lanes.Length == 1)
                {
                    await CommitAsync(batch, lane);
                    batch.Clear();
                    continue;
                }

                var works = batch.ToList();
                batch.Clear();
                running.RemoveAll(t => t.IsCompleted);
                running.Add(Task.Run(async () =>
                {
                    try
                    {
                        await CommitAsync(works, lane);
                    }
                    finally
                    {
                        free.Writer.TryWrite(lane);
                    }
                }, CancellationToken.None));
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Shutting down: the web server has stopped taking requests; finish what is in flight, then what is queued.
            await Task.WhenAll(running);
            _queue.Writer.TryComplete();
            while (_queue.Reader.TryRead(out var work))
            {
                batch.Add(work);
                if (batch.Count == _maxBatchSize)
                {
                    await CommitAsync(batch, _lanes[0]);
                    batch.Clear();
                }
            }

            if (batch.Count > 0)
            {
                await CommitAsync(batch, _lanes[0]);
            }
        }
        finally
        {
            await Task.WhenAll(running);
            foreach (var lane in _lanes)
            {
                await lane.Contexts.DisposeAsync();
            }
        }
    }

    private async Task CommitAsync(List<IntakeWork> works, Lane lane)
    {
        var started = Stopwatch.GetTimestamp();
        var debug = _logger.IsEnabled(LogLevel.Debug);
        var thread = Environment.CurrentManagedThreadId;
        var threadCpu = debug ? ThreadCpuClock.Now() : null;
        try
        {
            await CommitWithRetriesAsync(works, works.Count > 1 ? GroupAttempts : LoneAttempts, lane);
            BatchSizes.Record(works.Count);
        }
        catch (Exception error) when (works.Count > 1)
        {
            // One bad work must not fail its neighbours: try each alone, so only the bad one fails.
            _logger.LogWarning(error, "Group commit of {Count} intake works failed; committing them one by one", works.Count);
            foreach (var work in works)
            {
                await CommitAloneAsync(work, lane);
            }
        }
        catch (Exception error)
        {
            Fail(works[0], error);
        }
        finally
        {
            CommitDurations.Record(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            // A commit that moved to another thread on the way (a real await) cannot be timed by its thread's clock.
            var threadCpuUsed = threadCpu is { } before && thread == Environment.CurrentManagedThreadId ? ThreadCpuClock.Now() - before : null;
            if (debug)
            {
                LogLoad(works.Count, Stopwatch.GetTimestamp() - started, threadCpuUsed, lane);
            }
        }
    }

    private void LogLoad(int works, long busyTicks, long? threadCpuNanoseconds, Lane lane)
    {
        lock (_stats)
        {
            for (var i = 0; i < PhaseNames.Length; i++)
            {
                _statsPhaseTicks[i] += lane.PhaseTicks[i];
            }

            Array.Clear(lane.PhaseTicks);
            LogLoadLocked(works, busyTicks, threadCpuNanoseconds);
        }
    }

    private void LogLoadLocked(int works, long busyTicks, long? threadCpuNanoseconds)
    {
        if (threadCpuNanoseconds is { } nanoseconds)
        {
            _statsThreadCpuNanoseconds += nanoseconds;
            _statsThreadCpuCommits++;
        }

        _statsWorks += works;
        _statsCommits++;
        _statsBusyTicks += busyTicks;
        var elapsed = Stopwatch.GetElapsedTime(_statsStarted);
        if (elapsed < TimeSpan.FromSeconds(5))
        {
            return;
        }

        var busy = TimeSpan.FromSeconds((double)_statsBusyTicks / Stopwatch.Frequency);
        var processorTime = Environment.CpuUsage.TotalTime;
        var cpu = processorTime - _statsProcessorTime;
        // The writer's own CPU per work, over the commits that stayed on one thread (their share is logged too).
        var writerCpuPerWork = _statsThreadCpuCommits == 0 ? 0 : _statsThreadCpuNanoseconds / 1000.0 / _statsThreadCpuCommits * _statsCommits / _statsWorks;
        // Every thread stops for a collection, the writer too: its pauses are time the writer is busy without running.
        var gcPauses = GC.GetTotalPauseDuration();
        var allocated = GC.GetTotalAllocatedBytes();
        _logger.LogDebug(
            "Intake writer: {Works} works in {Commits} commits in {Seconds:F1} s, busy {Busy:F0} ms ({PerWork:F0} µs per work); process CPU {Cpu:F0} ms ({CpuPerWork:F0} µs per work); writer thread CPU {WriterCpuPerWork:F0} µs per work ({Timed} of the commits timed); GC pauses {GcPauses:F0} ms, {KilobytesPerWork:F0} KB allocated per work",
            _statsWorks, _statsCommits, elapsed.TotalSeconds, busy.TotalMilliseconds, busy.TotalMicroseconds / _statsWorks,
            cpu.TotalMilliseconds, cpu.TotalMicroseconds / _statsWorks, writerCpuPerWork, _statsThreadCpuCommits,
            (gcPauses - _statsGcPauses).TotalMilliseconds, (allocated - _statsAllocated) / 1024.0 / _statsWorks);
        if (_statsPhaseTicks.Any(t => t > 0))
        {
            _logger.LogDebug("Intake writer phases per commit: {Phases}", string.Join(", ", PhaseNames.Select((name, i) =>
                $"{name} {_statsPhaseTicks[i] * 1000.0 / Stopwatch.Frequency / _statsCommits:F2} ms")));
            Array.Clear(_statsPhaseTicks);
        }

        _statsGcPauses = gcPauses;
        _statsAllocated = allocated;
        _statsProcessorTime = processorTime;
        _statsStarted = Stopwatch.GetTimestamp();
        _statsWorks = _statsCommits = _statsThreadCpuCommits = 0;
        _statsBusyTicks = _statsThreadCpuNanoseconds = 0;
    }

    private async Task CommitAloneAsync(IntakeWork work, Lane lane)
    {
        try
        {
            await CommitWithRetriesAsync([work], LoneAttempts, lane);
        }
        catch (Exception error)
        {
            Fail(work, error);
        }
    }

    private void Fail(IntakeWork work, Exception error)
    {
        _logger.LogError(error, "Intake work {Work} failed", work.GetType().Name);
        work.Failed(error);
    }

    // How often a commit is tried. A race with another node (two writers creating the same row, a lock another node
    // holds, a deadlock PostgreSQL broke, a row changed since it was read) or a moment without the database resolves on
    // a later try: those are retried with growing pauses, so a client never sees a conflict it did not cause. Anything
    // else gets one more try (a race the error does not name), then fails alone.
    private const int GroupAttempts = 4;
    private const int LoneAttempts = 8;

    private async Task CommitWithRetriesAsync(List<IntakeWork> works, int attempts, Lane lane)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await CommitTogetherAsync(works, lane);
                return;
            }
            catch (Exception error) when (attempt < (DatabaseErrors.IsTransient(error) ? attempts : Math.Min(attempts, 2)))
            {
                var pause = Backoff(attempt);
                _logger.LogDebug(error, "Intake commit of {Count} works, try {Attempt}, gave way ({Error}); trying again in {Pause} ms",
                    works.Count, attempt, error.GetType().Name, pause.TotalMilliseconds);
                if (pause > TimeSpan.Zero)
                {
                    await Task.Delay(pause);
                }
            }
        }
    }

    // No pause before the second try (the other writer has usually committed by then), then 5, 10, 20... ms with jitter,
    // at most a second: two nodes that collided do not collide again in step.
    private static TimeSpan Backoff(int attempt) =>
        attempt == 1 ? TimeSpan.Zero : TimeSpan.FromMilliseconds(Math.Min(1000, 5 * Math.Pow(2, attempt - 2)) * (0.5 + Random.Shared.NextDouble()));

    private async Task CommitTogetherAsync(IReadOnlyList<IntakeWork> works, Lane lane)
    {
        try
        {
            await CommitOnceAsync(works, lane);
        }
        catch
        {
            // Whatever failed, the next try starts on a fresh connection.
            lane.Contexts.Reset();
            throw;
        }
    }

    private async Task CommitOnceAsync(IReadOnlyList<IntakeWork> works, Lane lane)
    {
        var needs = new IntakeBatch.Needs();
        foreach (var work in works)
        {
            work.Collect(needs);
        }

        lane.PhaseMark = Stopwatch.GetTimestamp();
        await using var lease = await lane.Contexts.OpenAsync(CancellationToken.None);
        var db = lease.Db;
        var catalog = await _catalog.GetAsync(CancellationToken.None);
        var rules = await _triage.GetAsync(CancellationToken.None);

        // Where other nodes write too, the batch reads inside its transaction: what it reads under its locks (the open
        // case of a cluster key) stays true until it commits. SQLite's single writer reads first and writes after.
        await using var shared = db.SharedByNodes ? await db.Database.BeginTransactionAsync(CancellationToken.None) : null;
        lane.Phase(0);
        var batch = await IntakeBatch.LoadAsync(db, _time.GetUtcNow().UtcDateTime, catalog, rules, needs, CancellationToken.None);
        lane.Phase(1);
        foreach (var work in works)
        {
            work.Apply(batch);
        }

        lane.Phase(2);

        // Entities and signal counters commit together, or not at all.
        IReadOnlyCollection<long> writtenCases = [];
        var touchedCases = await db.SaveBatchAsync<Case, long>(async () =>
        {
            if (shared is not null)
            {
                // Committed in the save's last round trip.
                writtenCases = await SaveSharedAsync(db, batch);
                lane.Phase(3);
                return;
            }

            await using var transaction = await db.Database.BeginTransactionAsync(CancellationToken.None);
            // Untracked rows first: what the context tracks (links of loaded subjects, platform events) may point at new subjects.
            var writes = batch.Writes;
            if (writes is not null)
            {
                // Tracked cases are shown to the observers by SaveChanges; these are written past it.
                await CaseObservers.NotifyUntrackedAsync(db, batch.CaseChanges(), writes, _caseObservers, CancellationToken.None);
            }

            var saved = writes is null ? null : await writes.SaveAsync(CancellationToken.None);
            await db.SaveChangesAsync(CancellationToken.None);
            if (saved is not null)
            {
                writtenCases = await AuditAsync(db, writes!, saved);
            }

            await batch.Signals.FlushAsync(CancellationToken.None);
            await transaction.CommitAsync(CancellationToken.None);
        }, (Case c) => c.Id);
        _checkpointer?.Nudge();
        _caseChanges?.Publish(writtenCases.Count == 0 ? touchedCases : [.. touchedCases.Union(writtenCases)]);

        if (lane.Contexts.Flusher is { } flusher)
        {
            // Answered once the log is on disk; meanwhile this thread goes on with the next batch.
            var committed = works.ToArray();
            flusher.AfterCommit(error => Answer(committed, error));
            return;
        }

        Answer(works, null);
    }

    private static void Answer(IReadOnlyList<IntakeWork> works, Exception? notDurable)
    {
        foreach (var work in works)
        {
            if (notDurable is null)
            {
                work.Committed();
            }
            else
            {
                work.Failed(notDurable);
            }
        }
    }

    /// <summary>
    /// The group commit where several nodes share the database (PostgreSQL): what the context tracks first (subjects
    /// with their graph, platform events, idempotency records: their rows point only at rows that exist, since the
    /// batch's new subjects were inserted up front), then every untracked row, the audit entries of the new case events
    /// and the signal increments in two round trips. Returns the cases written.
    /// </summary>
    private async Task<IReadOnlyCollection<long>> SaveSharedAsync(TrustDeskDb db, IntakeBatch batch)
    {
        var writes = batch.Writes!;
        // The counter rows the observers queue (metrics rollups: this hour's totals, which every batch of every node adds
        // to) are written last, just before the commit, so their row locks are held for one round trip.
        db.DeferCounters = true;
        try
        {
            await CaseObservers.NotifyUntrackedAsync(db, batch.CaseChanges(), writes, _caseObservers, CancellationToken.None);
            if (db.ChangeTracker.HasChanges())
            {
                await db.SaveChangesAsync(CancellationToken.None);
            }
        }
        finally
        {
            db.DeferCounters = false;
        }

        await batch.Signals.FlushAsync(CancellationToken.None);
        await db.WritePendingCountersAsync(CancellationToken.None);
        var ip = db.RequestIp;
        var saved = await writes.SaveAsync(CancellationToken.None, inserted => [.. inserted.OfType<IAuditedChange>().Select(e => e.ToAuditRecord(ip))], commit: true);
        return saved.Inserted.Concat(saved.Updated).OfType<Cases.Case>().Select(c => c.Id).ToHashSet();
    }

    // The audit entries of the case events the untracked writes saved (SQLite), as SaveChanges appends them for the
    // events it saves. Returns the cases written.
    private static async Task<IReadOnlyCollection<long>> AuditAsync(TrustDeskDb db, UntrackedWrites writes, UntrackedWrites.Saved saved)
    {
        var ip = db.RequestIp;
        var records = saved.Inserted.OfType<IAuditedChange>().Select(e => e.ToAuditRecord(ip)).ToList();
        if (records.Count > 0)
        {
            foreach (var entry in await AuditChain.ChainAsync(db, records, CancellationToken.None))
            {
                writes.Insert(entry);
            }

            await writes.SaveAsync(CancellationToken.None);
        }

        return saved.Inserted.Concat(saved.Updated).OfType<Cases.Case>().Select(c => c.Id).ToHashSet();
    }
}
