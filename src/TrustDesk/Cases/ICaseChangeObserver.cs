using TrustDesk.Data;

namespace TrustDesk.Cases;

/// <summary>A case and the events it gained in the unit of work being saved.</summary>
public sealed record CaseChange(Case Case, bool IsNew, IReadOnlyList<CaseEvent> NewEvents);

/// <summary>
/// Told about every case that gained events, in the same unit of work and before it is saved, whichever path changed it
/// (the API, the console, email, the intake writer). What it changes on the case is saved with the change that caused it.
/// Lets features keep facts derived from the case log (SLA clocks) without the case model naming them.
/// </summary>
public interface ICaseChangeObserver
{
    /// <param name="db">The context saving.</param>
    /// <param name="changes">The cases that gained events.</param>
    /// <param name="untracked">
    /// Set when the cases are not tracked by <paramref name="db"/> but written by the intake writer's untracked writes (SQLite):
    /// rows the observer reads for them go through it, so that changes to them are written too.
    /// </param>
    /// <param name="cancellationToken">Cancels the work.</param>
    Task OnSavingAsync(TrustDeskDb db, IReadOnlyList<CaseChange> changes, UntrackedWrites? untracked, CancellationToken cancellationToken);
}
