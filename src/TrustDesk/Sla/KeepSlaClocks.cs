using Microsoft.EntityFrameworkCore;
using TrustDesk.Cases;
using TrustDesk.Data;
using TrustDesk.Taxonomy;

namespace TrustDesk.Sla;

/// <summary>
/// Keeps every changed case's SLA clocks in the same unit of work as the change, whichever path made it: the API, the
/// console, email, the intake writer. Reads the targets of the cases that need them in one query; a report joining a case
/// (the bulk of intake) needs none.
/// </summary>
public sealed class KeepSlaClocks(SlaClock clock, CategoryCatalog catalog) : ICaseChangeObserver
{
    public async Task OnSavingAsync(TrustDeskDb db, IReadOnlyList<CaseChange> changes, UntrackedWrites? untracked, CancellationToken cancellationToken)
    {
        List<CaseChange>? relevant = null;
        foreach (var change in changes)
        {
            if (change.IsNew || change.NewEvents.Any(e => Moves(e.Kind)))
            {
                (relevant ??= []).Add(change);
            }
        }

        if (relevant is null)
        {
            return;
        }

        var existing = relevant.Where(c => !c.IsNew).Select(c => c.Case).ToList();
        if (existing.Count > 0)
        {
            var ids = existing.Select(c => c.Id).ToList();
            if (untracked is null)
            {
                // Tracked: EF Core puts them into their cases' Targets (those already tracked stay as they are).
                await db.CaseTargets.Where(t => ids.Contains(t.CaseId)).LoadAsync(cancellationToken);
            }
            else
            {
                var byId = existing.ToDictionary(c => c.Id);
                foreach (var target in await db.CaseTargets.AsNoTracking().Where(t => ids.Contains(t.CaseId)).ToListAsync(cancellationToken))
                {
                    if (!byId[target.CaseId].Targets.Any(t => t.Id == target.Id))
                    {
                        untracked.LoadedChild(byId[target.CaseId], nameof(Case.Targets), target);
                    }
                }
            }
        }

        var snapshot = await catalog.GetAsync(cancellationToken);
        var detect = untracked is null && !db.ChangeTracker.AutoDetectChangesEnabled;
        foreach (var change in relevant)
        {
            clock.Apply(change.Case, change.NewEvents, CaseViews.QueueName(change.Case.QueueId, snapshot));
            if (detect)
            {
                // A batch writer turned automatic detection off and detected once before calling SaveChanges: what changed
                // here (the case's summary, new and changed targets, an SLA event) is pointed out to EF Core by hand.
                var entry = db.Entry(change.Case);
                entry.DetectChanges();
                foreach (var target in change.Case.Targets)
                {
                    var targetEntry = db.Entry(target);
                    if (targetEntry.State == EntityState.Detached)
                    {
                        db.Add(target);
                    }
                    else
                    {
                        targetEntry.DetectChanges();
                    }
                }

                foreach (var e in change.Case.Events)
                {
                    if (db.Entry(e).State == EntityState.Detached)
                    {
                        db.Add(e);
                    }
                }
            }
        }
    }

    /// <summary>The events that can start, stop or reprice a target.</summary>
    private static bool Moves(string kind) => kind is CaseEventKinds.Created or CaseEventKinds.MessageAdded or CaseEventKinds.StatusChanged
        or CaseEventKinds.SeverityChanged or CaseEventKinds.QueueChanged or CaseEventKinds.CategoryChanged;
}
