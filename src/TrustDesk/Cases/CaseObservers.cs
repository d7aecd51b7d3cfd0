using Microsoft.EntityFrameworkCore;
using TrustDesk.Data;

namespace TrustDesk.Cases;

/// <summary>Hands the cases that gained events in a save to every <see cref="ICaseChangeObserver"/>, before the save.</summary>
public sealed class CaseObservers(IEnumerable<ICaseChangeObserver> registered) : ISavingHook
{
    private readonly ICaseChangeObserver[] _observers = [.. registered];

    public async Task OnSavingAsync(TrustDeskDb db, CancellationToken cancellationToken)
    {
        if (_observers is not { Length: > 0 } observers)
        {
            return;
        }

        List<CaseChange>? changes = null;
        foreach (var entry in db.ChangeTracker.Entries<Case>())
        {
            if (entry.State is not (EntityState.Added or EntityState.Modified or EntityState.Unchanged))
            {
                continue;
            }

            List<CaseEvent>? added = null;
            foreach (var e in entry.Entity.Events)
            {
                if (db.Entry(e).State is EntityState.Added or EntityState.Detached)
                {
                    (added ??= []).Add(e);
                }
            }

            if (added is not null)
            {
                (changes ??= []).Add(new CaseChange(entry.Entity, entry.State == EntityState.Added, added));
            }
        }

        if (changes is null)
        {
            return;
        }

        foreach (var observer in observers)
        {
            await observer.OnSavingAsync(db, changes, null, cancellationToken);
        }
    }

    /// <summary>For cases the context does not track, written by <paramref name="untracked"/> (the intake writer on SQLite).</summary>
    /// <remarks>The writer's own context is built without the application's services, so it hands over the observers.</remarks>
    public static async Task NotifyUntrackedAsync(
        TrustDeskDb db, IReadOnlyList<CaseChange> changes, UntrackedWrites untracked, IReadOnlyList<ICaseChangeObserver> observers, CancellationToken cancellationToken)
    {
        if (changes.Count == 0)
        {
            return;
        }

        foreach (var observer in observers)
        {
            await observer.OnSavingAsync(db, changes, untracked, cancellationToken);
        }
    }
}
