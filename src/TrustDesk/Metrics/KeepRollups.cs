using Microsoft.EntityFrameworkCore;
using TrustDesk.Cases;
using TrustDesk.Data;
using TrustDesk.Taxonomy;

namespace TrustDesk.Metrics;

/// <summary>
/// Keeps the rollups in the transaction of every case change, whichever path made it (the API, the console, email, chat,
/// the SLA monitor, the intake writer — tracked or, on SQLite, written past the change tracker): the events the save adds
/// are counted into rollup rows, merged by row, and queued on the context, which adds them to the stored rows with one
/// upsert per row when it saves (<see cref="CounterRows"/>). Nothing is read: an intake batch of 256 reports adds a few
/// dozen upserts.
/// </summary>
/// <remarks>
/// Registered after the SLA observer, so the targets it met in this save are counted too, and the breaches it recorded
/// ("met late") are among the case's new events.
/// </remarks>
public sealed class KeepRollups(CategoryCatalog catalog) : ICaseChangeObserver
{
    public async Task OnSavingAsync(TrustDeskDb db, IReadOnlyList<CaseChange> changes, UntrackedWrites? untracked, CancellationToken cancellationToken)
    {
        var snapshot = await catalog.GetAsync(cancellationToken);
        var queues = QueueIds(snapshot);
        var deltas = new RollupDeltas();
        foreach (var change in changes)
        {
            var @case = change.Case;
            var events = NewEvents(db, change, untracked);
            if (events.Count == 0)
            {
                continue;
            }

            var repliedBefore = !change.IsNew && RepliedBefore(db, @case, events, untracked);
            deltas.Add(@case, events, repliedBefore, MetNow(db, change, events, untracked), queues);
            foreach (var message in @case.Messages)
            {
                if (untracked is not null || db.Entry(message).State is EntityState.Added or EntityState.Detached)
                {
                    OpsMeters.MessageAdded(message.Channel, message.Direction);
                }
            }
        }

        if (deltas.Count > 0)
        {
            db.AddToCounters(deltas.Rows);
            Count(deltas, snapshot);
        }
    }

    // The same happenings for the ops stack's counters (this process's, as saved).
    private static void Count(RollupDeltas deltas, CategoryCatalog.Snapshot snapshot)
    {
        foreach (var row in deltas.Rows)
        {
            if (row.Grain != (int)RollupGrain.Detail)
            {
                continue;
            }

            var queue = CaseViews.QueueName(row.QueueId, snapshot);
            for (var i = 0; i < row.Created; i++)
            {
                OpsMeters.CaseCreated(queue, row.Channel);
            }

            for (var i = 0; i < row.Solved; i++)
            {
                OpsMeters.CaseSolved(queue);
            }

            for (var i = 0; i < row.SlaBreaches; i++)
            {
                OpsMeters.SlaBreached(queue);
            }
        }
    }

    public static IReadOnlyDictionary<string, Guid> QueueIds(CategoryCatalog.Snapshot snapshot) =>
        snapshot.QueuesByName.ToDictionary(q => q.Key, q => q.Value.Id, StringComparer.Ordinal);

    // The events this save adds, the SLA observer's included (it runs first and may record breaches).
    internal static List<CaseEvent> NewEvents(TrustDeskDb db, CaseChange change, UntrackedWrites? untracked)
    {
        if (untracked is not null)
        {
            // Cases the intake writer read carry no old events: all they have is new.
            return [.. change.Case.Events];
        }

        var events = new List<CaseEvent>();
        foreach (var e in change.Case.Events)
        {
            if (db.Entry(e).State is EntityState.Added or EntityState.Detached)
            {
                events.Add(e);
            }
        }

        return events;
    }

    // Whether the case had been answered before this save: EF Core's original value where it tracks the case; for the
    // intake writer's cases (which never answer) the first reply time against the save's own events.
    private static bool RepliedBefore(TrustDeskDb db, Case @case, List<CaseEvent> events, UntrackedWrites? untracked)
    {
        if (untracked is null)
        {
            var entry = db.Entry(@case);
            if (entry.State != EntityState.Detached)
            {
                return entry.State != EntityState.Added && entry.Property(c => c.FirstRepliedAt).OriginalValue is not null;
            }
        }

        return @case.FirstRepliedAt is { } replied && events.All(e => e.At > replied || e.Kind != CaseEventKinds.MessageAdded || e.To != "outbound");
    }

    // The targets this save met: new rows met at once, or rows whose stored MetAt was empty.
    private static IEnumerable<(DateTime MetAt, bool Late)> MetNow(TrustDeskDb db, CaseChange change, List<CaseEvent> events, UntrackedWrites? untracked)
    {
        var first = events.Min(e => e.At);
        foreach (var target in change.Case.Targets)
        {
            if (target.MetAt is not { } metAt)
            {
                continue;
            }

            bool metNow;
            if (change.IsNew)
            {
                metNow = true;
            }
            else if (untracked is null && db.Entry(target) is { State: not EntityState.Detached } entry)
            {
                metNow = entry.State == EntityState.Added || entry.Property(t => t.MetAt).OriginalValue is null;
            }
            else if (untracked is null)
            {
                metNow = true; // not tracked yet: the SLA observer made it in this save
            }
            else
            {
                metNow = metAt >= first;
            }

            if (metNow)
            {
                yield return (metAt, target.BreachedAt is not null);
            }
        }
    }
}
