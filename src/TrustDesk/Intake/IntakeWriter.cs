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
    private readonly SingleWriterContexts _contexts;
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

    public IntakeWriter(
        IServiceScopeFactory scopes, CategoryCatalog catalog, TriageEngine triage, TimeProvider time, IOptions<IntakeOptions> options,
        IOptions<DatabaseOptions> databaseOptions, ILogger<IntakeWriter> logger, CaseChanges? caseChanges = null, SqliteCheckpointer? checkpointer = null,
        IEnumerable<Cases.ICaseChangeObserver>? caseObservers = null)
    {
        _caseObservers = caseObservers?.ToArray() ?? [];
        _caseChanges = caseChanges;
        _checkpointer = checkpointer;
        _contexts = new SingleWriterContexts(scopes, databaseOptions, logger);
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
        try
        {
            while (await _queue.Reader.WaitToReadAsync(stoppingToken))
            {
                while (batch.Count < _maxBatchSize && _queue.Reader.TryRead(out var work))
                {
                    batch.Add(work);
                }

                await CommitAsync(batch);
                batch.Clear();
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Shutting down: the web server has stopped taking requests; finish what is queued.
            _queue.Writer.TryComplete();
            while (_queue.Reader.TryRead(out var work))
            {
                batch.Add(work);
                if (batch.Count == _maxBatchSize)
                {
                    await CommitAsync(batch);
                    batch.Clear();
                }
            }

            if (batch.Count > 0)
            {
                await CommitAsync(batch);
            }
        }
        finally
        {
            await _contexts.DisposeAsync();
        }
    }

    private async Task CommitAsync(List<IntakeWork> works)
    {
        var started = Stopwatch.GetTimestamp();
        var debug = _logger.IsEnabled(LogLevel.Debug);
        var thread = Environment.CurrentManagedThreadId;
        var threadCpu = debug ? ThreadCpuClock.Now() : null;
        try
        {
            await CommitTogetherAsync(works);
            BatchSizes.Record(works.Count);
        }
        catch (Exception error) when (works.Count > 1)
        {
            // One bad work must not fail its neighbours: try each alone, so only the bad one fails.
            _logger.LogWarning(error, "Group commit of {Count} intake works failed; committing them one by one", works.Count);
            foreach (var work in works)
            {
                await CommitAloneAsync(work);
            }
        }
        catch (Exception error)
        {
            await RetryOnceAsync(works[0], error);
        }
        finally
        {
            CommitDurations.Record(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            // A commit that moved to another thread on the way (a real await) cannot be timed by its thread's clock.
            var threadCpuUsed = threadCpu is { } before && thread == Environment.CurrentManagedThreadId ? ThreadCpuClock.Now() - before : null;
            if (debug)
            {
                LogLoad(works.Count, Stopwatch.GetTimestamp() - started, threadCpuUsed);
            }
        }
    }

    private void LogLoad(int works, long busyTicks, long? threadCpuNanoseconds)
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
        _statsGcPauses = gcPauses;
        _statsAllocated = allocated;
        _statsProcessorTime = processorTime;
        _statsStarted = Stopwatch.GetTimestamp();
        _statsWorks = _statsCommits = _statsThreadCpuCommits = 0;
        _statsBusyTicks = _statsThreadCpuNanoseconds = 0;
    }

    private async Task CommitAloneAsync(IntakeWork work)
    {
        try
        {
            await CommitTogetherAsync([work]);
        }
        catch (Exception error)
        {
            await RetryOnceAsync(work, error);
        }
    }

    // A lone work can fail on a race with another node (two writers creating the same subject); a second try sees
    // the other writer's rows and succeeds. A second failure is the work's own fault.
    private async Task RetryOnceAsync(IntakeWork work, Exception firstError)
    {
        try
        {
            await CommitTogetherAsync([work]);
        }
        catch (Exception error)
        {
            _logger.LogError(error, "Intake work {Work} failed twice (first: {FirstError})", work.GetType().Name, firstError.GetType().Name);
            work.Failed(error);
        }
    }

    private async Task CommitTogetherAsync(IReadOnlyList<IntakeWork> works)
    {
        try
        {
            await CommitOnceAsync(works);
        }
        catch
        {
            // Whatever failed, the next try starts on a fresh connection.
            _contexts.Reset();
            throw;
        }
    }

    private async Task CommitOnceAsync(IReadOnlyList<IntakeWork> works)
    {
        var needs = new IntakeBatch.Needs();
        foreach (var work in works)
        {
            work.Collect(needs);
        }

        await using var lease = await _contexts.OpenAsync(CancellationToken.None);
        var db = lease.Db;
        var catalog = await _catalog.GetAsync(CancellationToken.None);
        var rules = await _triage.GetAsync(CancellationToken.None);
        var batch = await IntakeBatch.LoadAsync(db, _time.GetUtcNow().UtcDateTime, catalog, rules, needs, CancellationToken.None);
        foreach (var work in works)
        {
            work.Apply(batch);
        }

        // Entities and signal counters commit together, or not at all.
        IReadOnlyCollection<long> writtenCases = [];
        var touchedCases = await db.SaveBatchAsync<Case, long>(async () =>
        {
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

        if (_contexts.Flusher is { } flusher)
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
