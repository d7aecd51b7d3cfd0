using Microsoft.EntityFrameworkCore;
using TrustDesk.Cases;
using TrustDesk.Data;

namespace TrustDesk.Triage;

/// <summary>
/// A rule's hits over a period and how agents decided the cases it fired on: precision is decided as <c>actioned</c> /
/// decided as <c>actioned</c> or <c>no_violation</c>, as the back-test counts it. Shadow hits are counted apart.
/// </summary>
public sealed record RuleStats(string Rule, int Hits, int ShadowHits, int Decided, int Actioned, double? Precision, DateTime? LastHit);

/// <summary>Hits and precision per rule from the recorded hits, for the Leads' rules screen.</summary>
public sealed class ReadRuleStats(TrustDeskDb db, TimeProvider time)
{
    public static readonly TimeSpan Period = TimeSpan.FromDays(30);

    public async Task<IReadOnlyDictionary<string, RuleStats>> HandleAsync(CancellationToken cancellationToken)
    {
        var since = time.GetUtcNow().UtcDateTime - Period;
        var rows = await db.Set<RecordedRuleHit>().AsNoTracking()
            .Where(h => h.At >= since)
            .GroupBy(h => h.Rule)
            .Select(g => new
            {
                Rule = g.Key,
                Hits = g.Count(h => !h.Shadow),
                ShadowHits = g.Count(h => h.Shadow),
                Decided = g.Count(h => h.Case != null && (h.Case.Resolution == "actioned" || h.Case.Resolution == "no_violation")),
                Actioned = g.Count(h => h.Case != null && h.Case.Resolution == "actioned"),
                LastHit = g.Max(h => h.At),
            })
            .ToListAsync(cancellationToken);
        return rows.ToDictionary(
            r => r.Rule,
            r => new RuleStats(r.Rule, r.Hits, r.ShadowHits, r.Decided, r.Actioned, r.Decided == 0 ? null : Math.Round(r.Actioned / (double)r.Decided, 4), r.LastHit),
            StringComparer.Ordinal);
    }
}
