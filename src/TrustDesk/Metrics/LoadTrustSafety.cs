using Microsoft.EntityFrameworkCore;
using TrustDesk.Cases;
using TrustDesk.Data;
using TrustDesk.Enforcement;
using TrustDesk.Taxonomy;

namespace TrustDesk.Metrics;

/// <summary>The Trust &amp; Safety page's figures: crises, live incidents, enforcement, appeals, rule precision.</summary>
public sealed record TrustSafetyView(
    int OpenS1, int OpenLiveNow, IReadOnlyList<ActionCount> Actions, int AppealsReceived, int AppealsDecided, int AppealsOverturned,
    IReadOnlyList<RulePrecision> Rules)
{
    public double? OverturnRate => MetricFigures.Share(AppealsOverturned, AppealsDecided);
}

/// <summary>Enforcement actions of one kind proposed in the period: taken (approved, then executed, failed or reversed) and rejected at approval.</summary>
public sealed record ActionCount(string Kind, int Taken, int Rejected);

/// <summary>
/// A rule's cases in the period. <see cref="Solved"/>: those agents finished; <see cref="Kept"/>: of those, the ones still in
/// the category and severity the rule gave them (agents agreed with the rule); <see cref="Actioned"/>: solved as actioned.
/// </summary>
public sealed record RulePrecision(string Rule, int Cases, int Solved, int Kept, int Actioned)
{
    /// <summary>The rule precision: the share of the rule's solved cases that agents kept as the rule set them.</summary>
    public double? Precision => MetricFigures.Share(Kept, Solved);
}

/// <summary>
/// Reads the Trust &amp; Safety page. Open S1s and live-now cases are counts on the open cases' indexes; actions and appeals
/// are the enforcement tables of the period (few rows: decisions, not reports); rule precision reads the period's active
/// rule hits that opened or joined a case (at most <see cref="MaxHits"/>, the newest) with the case's category and severity now.
/// </summary>
public sealed class LoadTrustSafety(TrustDeskDb db)
{
    public const int MaxHits = 50_000;

    public async Task<TrustSafetyView> LoadAsync(DateTime since, CancellationToken cancellationToken)
    {
        var open = Enum.GetValues<CaseStatus>().Where(CaseStatusRules.IsOpen).ToList();
        var openS1 = await db.Cases.AsNoTracking().CountAsync(c => open.Contains(c.Status) && c.Severity == Severity.S1, cancellationToken);
        var liveNow = await db.Cases.AsNoTracking().CountAsync(c => open.Contains(c.Status) && c.LiveNow, cancellationToken);
        var actions = await db.Set<EnforcementAction>().AsNoTracking().Where(a => a.ProposedAt >= since)
            .GroupBy(a => new { a.Kind, a.Status }).Select(g => new { g.Key.Kind, g.Key.Status, Count = g.Count() }).ToListAsync(cancellationToken);
        var appeals = await db.Set<Appeal>().AsNoTracking().Where(a => a.SubmittedAt >= since || a.DecidedAt >= since)
            .Select(a => new { a.SubmittedAt, a.DecidedAt, a.Status }).ToListAsync(cancellationToken);
        var hits = await db.RuleHits.AsNoTracking().Where(h => h.At >= since && !h.Shadow && h.CaseId != null)
            .OrderByDescending(h => h.At).Take(MaxHits)
            .Select(h => new { h.Rule, CaseId = h.CaseId!.Value, h.Actions, h.Case!.Category, h.Case.Severity, h.Case.Status, h.Case.Resolution })
            .ToListAsync(cancellationToken);
        var rules = hits.GroupBy(h => h.Rule).Select(g =>
        {
            // One verdict per case: the rule's last hit on it says what the rule set.
            var cases = g.GroupBy(h => h.CaseId).Select(c => c.First()).ToList();
            var solved = cases.Where(c => !CaseStatusRules.IsOpen(c.Status)).ToList();
            var kept = solved.Count(c => Kept(c.Actions, c.Category, c.Severity));
            return new RulePrecision(g.Key, cases.Count, solved.Count, kept, solved.Count(c => c.Resolution == "actioned"));
        }).OrderByDescending(r => r.Cases).ThenBy(r => r.Rule, StringComparer.Ordinal).ToList();
        string[] taken = [ActionStatuses.Approved, ActionStatuses.Executed, ActionStatuses.Reversed, ActionStatuses.Failed];
        return new TrustSafetyView(openS1, liveNow,
            [.. actions.GroupBy(a => a.Kind).Select(g => new ActionCount(g.Key, g.Where(a => taken.Contains(a.Status)).Sum(a => a.Count),
                g.Where(a => a.Status == ActionStatuses.Rejected).Sum(a => a.Count))).OrderByDescending(a => a.Taken).ThenBy(a => a.Kind, StringComparer.Ordinal)],
            appeals.Count(a => a.SubmittedAt >= since), appeals.Count(a => a.DecidedAt >= since),
            appeals.Count(a => a.DecidedAt >= since && a.Status == AppealStatuses.Overturned), rules);
    }

    /// <summary>Whether the case is still where the rule put it: the category and severity its actions set (those it set).</summary>
    private static bool Kept(IEnumerable<string> actions, string? category, Severity severity)
    {
        foreach (var action in actions)
        {
            var text = action.Trim();
            if (text.StartsWith("category ", StringComparison.Ordinal) && text["category ".Length..].Trim() != category)
            {
                return false;
            }

            if (text.StartsWith("severity ", StringComparison.Ordinal) && text["severity ".Length..].Trim() != severity.ToString())
            {
                return false;
            }
        }

        return true;
    }
}
