using TrustDesk.Cases;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using TrustDesk.Data;

namespace TrustDesk.Sla;

/// <summary>
/// Records the warnings and breaches that have come: a <c>sla_warning</c> event when a target has used its warning share,
/// <c>sla_breached</c> when it runs out unmet, each on the case's log (so the timeline, the audit trail and live consoles see
/// it). One node of a cluster at a time: on PostgreSQL each pass runs under an advisory lock.
/// </summary>
/// <remarks>
/// The work list is the partial index on <c>Cases.SlaCheckAt</c> (the next warning or breach of each running case), so a
/// pass reads only the cases that have something due, however large the backlog. The API does not wait for a pass: it
/// reports a case breached the moment its due time is past.
/// </remarks>
public sealed class SlaMonitor(IServiceScopeFactory scopes, TimeProvider time, IOptions<SlaOptions> options, ILogger<SlaMonitor> logger,
    CaseChanges? caseChanges = null) : BackgroundService
{
    public const int BatchSize = 500;

    // "SLA" in ASCII: the advisory lock's key, unique among TrustDesk's locks.
    private const long LockKey = 0x534C41;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.MonitorInterval, time);
        do
        {
            try
            {
                while (await RunOnceAsync(stoppingToken) == BatchSize)
                {
                    // A full batch: more may be waiting.
                }
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                logger.LogWarning(e, "SLA monitor pass failed; the next pass retries");
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    /// <summary>One pass; returns the number of cases it looked at.</summary>
    public async Task<int> RunOnceAsync(CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<TrustDeskDb>();
        var clock = scope.ServiceProvider.GetRequiredService<SlaClock>();
        var now = time.GetUtcNow().UtcDateTime;
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        if (!await ClusterLock.TryTakeForTransactionAsync(db, LockKey, cancellationToken))
        {
            return 0;
        }

        var cases = await db.Cases.Include(c => c.Targets).Where(c => c.SlaCheckAt != null && c.SlaCheckAt <= now)
            .OrderBy(c => c.SlaCheckAt).Take(BatchSize).ToListAsync(cancellationToken);
        foreach (var c in cases)
        {
            clock.Evaluate(c, now);
        }

        try
        {
            await db.SaveChangesAsync(cancellationToken);
            await transaction.CommitAsync(cancellationToken);
        }
        catch (DbUpdateConcurrencyException)
        {
            // An agent changed one of these cases meanwhile; its save re-computed the clocks, and the next pass sees the rest.
            return 0;
        }

        caseChanges?.Publish(cases.Select(c => c.Id).ToList());
        return cases.Count;
    }
}
