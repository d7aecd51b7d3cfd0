using Microsoft.Extensions.Options;
using TrustDesk.Cases;
using TrustDesk.Data;
using TrustDesk.Taxonomy;

namespace TrustDesk.Metrics;

/// <summary>
/// Schedules a satisfaction survey when a case is solved, in the same unit of work: for its requester, after the configured
/// delay. Not for S1 cases or crisis categories (asking someone in crisis to rate us is wrong), not for cases nobody
/// answered (closed by rules or automatic messages), not for cases without a requester who can be written to.
/// </summary>
public sealed class ScheduleCsatSurveys(IOptions<MetricsOptions> options) : ICaseChangeObserver
{
    public Task OnSavingAsync(TrustDeskDb db, IReadOnlyList<CaseChange> changes, UntrackedWrites? untracked, CancellationToken cancellationToken)
    {
        var csat = options.Value.Csat;
        if (!csat.Enabled || untracked is not null)
        {
            // The intake writer's untracked cases are reports being opened or joined, never solved.
            return Task.CompletedTask;
        }

        foreach (var change in changes)
        {
            if (change.IsNew || !Eligible(change.Case, csat))
            {
                continue;
            }

            var solved = KeepRollups.NewEvents(db, change, untracked).LastOrDefault(e => e.Kind == CaseEventKinds.StatusChanged && e.To == "solved");
            if (solved is not null && change.Case.Status == CaseStatus.Solved)
            {
                db.Add(new CsatSurvey(change.Case.Id, change.Case.RequesterId!.Value, change.Case.Assignee, solved.At, solved.At + csat.Delay));
            }
        }

        return Task.CompletedTask;
    }

    public static bool Eligible(Case @case, CsatOptions csat) =>
        @case.Severity != Severity.S1
        && @case.RequesterId is not null
        && @case.FirstRepliedAt is not null
        && @case.Channel != Channel.System
        && !csat.ExcludedCategories.Any(x => @case.Category is { } code && (code == x || code.StartsWith(x + ".", StringComparison.Ordinal)));
}
