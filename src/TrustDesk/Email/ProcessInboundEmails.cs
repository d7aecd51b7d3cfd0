using Case = TrustDesk.Cases.Case;
using CaseChanges = TrustDesk.Cases.CaseChanges;
using System.Diagnostics;
using System.Threading.Channels;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using TrustDesk.Data;
using TrustDesk.Taxonomy;
using TrustDesk.Triage;

namespace TrustDesk.Email;

/// <summary>
/// Processes stored emails into cases, in batches, right after they are stored (woken by the store step) and at
/// start-up (whatever was stored but not processed before a crash). A batch that fails is retried message by message,
/// so one bad message is set aside after a few attempts and never blocks the rest. On PostgreSQL the rows of a batch
/// are claimed with FOR UPDATE SKIP LOCKED, so several nodes never process one message twice.
/// </summary>
public sealed class ProcessInboundEmails(
    IServiceScopeFactory scopes, CategoryCatalog catalog, TriageEngine triage, TimeProvider time, IOptions<EmailOptions> options, ILogger<ProcessInboundEmails> logger)
    : BackgroundService
{
    private readonly Channel<bool> _wake = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });

    /// <summary>Something was stored: look now rather than at the next poll.</summary>
    public void Wake() => _wake.Writer.TryWrite(true);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!options.Value.Processing.Enabled)
        {
            logger.LogWarning("Email processing is off (TrustDesk:Email:Processing:Enabled=false): stored emails wait for the next start");
            return;
        }

        while (!stoppingToken.IsCancellationRequested)
        {
            int processed;
            try
            {
                processed = await ProcessBatchAsync(stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception error)
            {
                logger.LogError(error, "Processing stored emails failed; retrying shortly");
                processed = 0;
                await Task.Delay(TimeSpan.FromSeconds(1), time, stoppingToken).ContinueWith(_ => { }, TaskScheduler.Default);
            }

            if (processed == 0)
            {
                using var poll = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
                poll.CancelAfter(TimeSpan.FromSeconds(5));
                try
                {
                    await _wake.Reader.ReadAsync(poll.Token);
                }
                catch (OperationCanceledException) when (!stoppingToken.IsCancellationRequested)
                {
                    // Poll: another node may have stored something.
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        }
    }

    /// <summary>Processes up to one batch of stored emails; returns how many were looked at.</summary>
    public async Task<int> ProcessBatchAsync(CancellationToken cancellationToken)
    {
        var batchSize = Math.Max(1, options.Value.Processing.BatchSize);
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<TrustDeskDb>();
        await using var transaction = await RowClaims.BeginClaimAsync(db, cancellationToken);
        var rows = await db.InboundEmails.Where(e => e.State == InboundEmailStates.Received).OrderBy(e => e.ReceivedAt).Take(batchSize)
            .ForUpdateSkipLocked().ToListAsync(cancellationToken);
        if (rows.Count == 0)
        {
            return 0;
        }

        try
        {
            await ApplyAsync(db, scope.ServiceProvider, rows, cancellationToken);
            if (transaction is not null)
            {
                await transaction.CommitAsync(cancellationToken);
            }

            return rows.Count;
        }
        catch (Exception error) when (error is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            if (rows.Count == 1)
            {
                logger.LogWarning(error, "Email {Id} could not be processed", rows[0].Id);
            }
            else
            {
                logger.LogWarning(error, "A batch of {Count} emails failed; processing them one by one", rows.Count);
            }
        }

        // One by one, each in its own scope, so only the bad one fails.
        if (transaction is not null)
        {
            await transaction.RollbackAsync(cancellationToken);
        }

        foreach (var id in rows.Select(r => r.Id))
        {
            await ProcessAloneAsync(id, cancellationToken);
        }

        return rows.Count;
    }

    /// <summary>Parses, looks up, applies and saves the rows as one unit of work.</summary>
    private async Task ApplyAsync(TrustDeskDb db, IServiceProvider services, List<InboundEmail> rows, CancellationToken cancellationToken)
    {
        var receive = services.GetRequiredService<ReceiveEmail>();
        var batch = new EmailBatch(db, time.GetUtcNow().UtcDateTime, await catalog.GetAsync(cancellationToken), await triage.GetAsync(cancellationToken));

        // The batch tracks every case it touches; scanning them all before each of its queries would make a batch
        // quadratic. Changes go through entity methods and are detected once, before saving.
        db.ChangeTracker.AutoDetectChangesEnabled = false;

        // Parsing (MIME, HTML sanitising) needs no database: do it for the whole batch on every core first.
        var parsed = new ReceiveEmail.Parsed[rows.Count];
        var settings = options.Value;
        var phase = Stopwatch.GetTimestamp();
        Parallel.For(0, rows.Count, new ParallelOptions { CancellationToken = cancellationToken }, i => parsed[i] = ReceiveEmail.Parse(rows[i], settings));
        _timings.Add(0, ref phase);
        await batch.PrepareAsync([.. rows.Select((row, i) => (row, parsed[i].Email))], settings, cancellationToken);
        _timings.Add(1, ref phase);
        for (var i = 0; i < rows.Count; i++)
        {
            await receive.ApplyAsync(rows[i], batch, parsed[i], cancellationToken);
        }

        _timings.Add(2, ref phase);

        // The cases it touched are published here when the save bypassed the interceptors (SQLite's prepared path).
        await batch.WriteBlobsAsync(services.GetRequiredService<BlobStore>(), cancellationToken);
        _timings.Add(3, ref phase);
        var touchedCases = await db.SaveBatchAsync(() => batch.SaveAsync(cancellationToken), (Case c) => c.Id);
        _timings.Add(4, ref phase);
        services.GetService<CaseChanges>()?.Publish(touchedCases);
        _timings.Done(rows.Count, logger);
    }

    private readonly PhaseTimings _timings = new();

    /// <summary>
    /// Where processing's time goes (wall time per phase, summed over batches), logged at Debug every 5 s: the email
    /// benchmark turns it on to say how much of a message is parsing, look-ups, threading and triage, files, and the commit.
    /// </summary>
    private sealed class PhaseTimings
    {
        private static readonly string[] Names = ["parse", "prepare", "thread+triage", "files", "save"];
        private readonly long[] _ticks = new long[Names.Length];
        private long _messages, _batches, _since = Stopwatch.GetTimestamp();

        public void Add(int index, ref long phase)
        {
            var now = Stopwatch.GetTimestamp();
            _ticks[index] += now - phase;
            phase = now;
        }

        public void Done(int messages, ILogger logger)
        {
            _messages += messages;
            _batches++;
            if (!logger.IsEnabled(LogLevel.Debug) || Stopwatch.GetElapsedTime(_since) < TimeSpan.FromSeconds(5))
            {
                return;
            }

            var parts = Names.Select((name, i) => $"{name} {(double)_ticks[i] / Stopwatch.Frequency * 1e6 / _messages:F0}");
            logger.LogDebug("Email processing: {Messages} messages in {Batches} batches; µs per message: {Phases}", _messages, _batches, string.Join(", ", parts));
            Array.Clear(_ticks);
            _messages = _batches = 0;
            _since = Stopwatch.GetTimestamp();
        }
    }

    private async Task ProcessAloneAsync(Guid id, CancellationToken cancellationToken)
    {
        string error;
        await using (var scope = scopes.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<TrustDeskDb>();
            try
            {
                var row = await db.InboundEmails.FirstOrDefaultAsync(e => e.Id == id && e.State == InboundEmailStates.Received, cancellationToken);
                if (row is null)
                {
                    return;
                }

                await ApplyAsync(db, scope.ServiceProvider, [row], cancellationToken);
                return;
            }
            catch (Exception failure) when (failure is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                error = $"{failure.GetType().Name}: {failure.GetBaseException().Message}";
                logger.LogWarning(failure, "Email {Id} failed to process", id);
            }
        }

        await using var retryScope = scopes.CreateAsyncScope();
        var retryDb = retryScope.ServiceProvider.GetRequiredService<TrustDeskDb>();
        var failed = await retryDb.InboundEmails.FirstOrDefaultAsync(e => e.Id == id, cancellationToken);
        if (failed is not null)
        {
            failed.AttemptFailed(error, Math.Max(1, options.Value.Processing.MaxAttempts), time.GetUtcNow().UtcDateTime);
            await retryDb.SaveChangesAsync(cancellationToken);
        }
    }
}
