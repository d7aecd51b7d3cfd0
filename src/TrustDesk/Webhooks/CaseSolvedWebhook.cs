using System.Runtime.CompilerServices;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using TrustDesk.Cases;
using TrustDesk.Data;

namespace TrustDesk.Webhooks;

/// <summary>
/// Tells the platform <c>case.solved</c> from inside the save that solves the case, whichever use case did it: Cases
/// never names webhooks, and the delivery row commits with the case's new status or not at all. Also wakes the
/// dispatcher after any save that added deliveries.
/// </summary>
public sealed class CaseSolvedWebhook(WebhookOutbox outbox) : SaveChangesInterceptor
{
    private readonly ConditionalWeakTable<DbContext, object> _added = [];

    public override InterceptionResult<int> SavingChanges(DbContextEventData eventData, InterceptionResult<int> result)
    {
        Collect(eventData.Context, outbox.CachedEndpoints());
        return result;
    }

    public override async ValueTask<InterceptionResult<int>> SavingChangesAsync(DbContextEventData eventData, InterceptionResult<int> result,
        CancellationToken cancellationToken = default)
    {
        if (eventData.Context is { } context && SolvedNow(context).Any())
        {
            // Loaded through a scope of its own: this context is mid-save and may not query.
            Collect(context, await outbox.EndpointsAsync(cancellationToken));
        }
        else
        {
            Collect(eventData.Context, []);
        }

        return result;
    }

    public override int SavedChanges(SaveChangesCompletedEventData eventData, int result)
    {
        Saved(eventData.Context);
        return result;
    }

    public override ValueTask<int> SavedChangesAsync(SaveChangesCompletedEventData eventData, int result, CancellationToken cancellationToken = default)
    {
        Saved(eventData.Context);
        return ValueTask.FromResult(result);
    }

    private static IEnumerable<(Case Case, CaseEvent Event)> SolvedNow(DbContext context)
    {
        var solved = CaseStatusRules.ToCode(CaseStatus.Solved);
        var events = context.ChangeTracker.Entries<CaseEvent>()
            .Where(e => e.State == EntityState.Added && e.Entity.Kind == CaseEventKinds.StatusChanged && e.Entity.To == solved)
            .Select(e => e.Entity).ToList();
        if (events.Count == 0)
        {
            yield break;
        }

        foreach (var entry in context.ChangeTracker.Entries<Case>())
        {
            foreach (var @event in entry.Entity.Events.Where(events.Contains))
            {
                yield return (entry.Entity, @event);
            }
        }
    }

    private void Collect(DbContext? context, IReadOnlyList<WebhookEndpoint> endpoints)
    {
        if (context is not TrustDeskDb db)
        {
            return;
        }

        foreach (var (@case, @event) in SolvedNow(db).ToList())
        {
            WebhookOutbox.Add(db, endpoints, WebhookEvents.CaseSolved, new
            {
                caseId = @case.Id,
                number = @case.Number,
                category = @case.Category,
                resolution = @case.Resolution,
                solvedAt = @event.At,
            }, @event.At);
        }

        if (db.ChangeTracker.Entries<WebhookDelivery>().Any(e => e.State == EntityState.Added))
        {
            _added.AddOrUpdate(db, true);
        }
    }

    private void Saved(DbContext? context)
    {
        if (context is not null && _added.TryGetValue(context, out _))
        {
            _added.Remove(context);
            outbox.NotifyEnqueued();
        }
    }
}
