using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using TrustDesk.Cases;
using TrustDesk.Data;

namespace TrustDesk.Shifts;

/// <summary>
/// Hands back to its queue a case routing assigned and its assignee has not answered (no reply to the user since the
/// assignment) within the queue's timeout: the case is unassigned and gains a <c>returned_to_queue</c> event, and routing
/// then offers it to another agent who is on (<see cref="RouteCases"/>). One node of a cluster at a time: on PostgreSQL
/// each pass runs under an advisory lock.
/// </summary>
public sealed class ReturnUnansweredCases(IServiceScopeFactory scopes, RoutingSettingsCache settings, TimeProvider time, IOptions<ShiftOptions> options,
    ILogger<ReturnUnansweredCases> logger, CaseChanges? caseChanges = null) : BackgroundService
{
    public const int BatchSize = 200;

    // "RTQ" in ASCII: the advisory lock's key, unique among TrustDesk's locks.
    private const long LockKey = 0x525451;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.ReturnInterval, time);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                await RunOnceAsync(stoppingToken);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                logger.LogWarning(e, "Returning unanswered cases failed; the next pass retries");
            }
        }
    }

    /// <summary>One pass; returns the number of cases handed back.</summary>
    public async Task<int> RunOnceAsync(CancellationToken cancellationToken)
    {
        var routed = (await settings.GetAsync(cancellationToken)).Values.Where(r => r.UnansweredTimeoutMinutes is > 0).ToList();
        if (routed.Count == 0)
        {
            return 0;
        }

        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<TrustDeskDb>();
        var now = time.GetUtcNow().UtcDateTime;
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        if (!await ClusterLock.TryTakeForTransactionAsync(db, LockKey, cancellationToken))
        {
            return 0;
        }

        var returned = new List<Case>();
        foreach (var routing in routed)
        {
            var timeout = TimeSpan.FromMinutes(routing.UnansweredTimeoutMinutes!.Value);
            var cutoff = now - timeout;
            var queueId = routing.QueueId;

            // Cases routing assigned before the cut-off that are still assigned and waiting on the desk.
            var candidates = await db.Set<Case>()
                .Where(c => c.QueueId == queueId && c.Assignee != null && (c.Status == CaseStatus.New || c.Status == CaseStatus.Open)
                    && db.Set<CaseEvent>().Any(e => e.CaseId == c.Id && e.Kind == CaseEventKinds.Assigned && e.ActorId == RouteCases.Routing.Id && e.At <= cutoff))
                .OrderBy(c => c.Id).Take(BatchSize).ToListAsync(cancellationToken);
            if (candidates.Count == 0)
            {
                continue;
            }

            var ids = candidates.Select(c => c.Id).ToList();
            var lastAssigned = (await db.Set<CaseEvent>().AsNoTracking().Where(e => ids.Contains(e.CaseId) && e.Kind == CaseEventKinds.Assigned)
                    .Select(e => new { e.CaseId, e.At, e.ActorId, e.To }).ToListAsync(cancellationToken))
                .GroupBy(e => e.CaseId).ToDictionary(g => g.Key, g => g.MaxBy(e => e.At)!);
            var lastReply = (await db.Set<Message>().AsNoTracking().Where(m => ids.Contains(m.CaseId) && m.Direction == MessageDirection.Outbound)
                    .Select(m => new { m.CaseId, m.CreatedAt }).ToListAsync(cancellationToken))
                .GroupBy(m => m.CaseId).ToDictionary(g => g.Key, g => g.Max(m => m.CreatedAt));
            foreach (var c in candidates)
            {
                // Only the assignment routing made and nobody changed since, and only if no reply went out after it.
                if (lastAssigned.GetValueOrDefault(c.Id) is not { } assigned || assigned.ActorId != RouteCases.Routing.Id || assigned.At > cutoff
                    || assigned.To != c.Assignee || (lastReply.TryGetValue(c.Id, out var replied) && replied >= assigned.At))
                {
                    continue;
                }

                var assignee = c.Assignee;
                c.Assign(null, RouteCases.Routing, now);
                c.RecordActivity(RouteCases.ReturnedToQueue, RouteCases.Routing, assignee, null, $"unanswered for {routing.UnansweredTimeoutMinutes} min", now);
                returned.Add(c);
            }
        }

        if (returned.Count == 0)
        {
            return 0;
        }

        try
        {
            await db.SaveChangesAsync(cancellationToken);
            await transaction.CommitAsync(cancellationToken);
        }
        catch (DbUpdateConcurrencyException)
        {
            // An agent changed one of these cases meanwhile (perhaps answered it); the next pass looks again.
            return 0;
        }

        logger.LogInformation("Returned {Count} unanswered cases to their queues", returned.Count);
        caseChanges?.Publish([.. returned.Select(c => c.Id)]);
        return returned.Count;
    }
}
