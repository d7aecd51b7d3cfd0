using Microsoft.EntityFrameworkCore;
using TrustDesk.Cases;
using TrustDesk.Data;

namespace TrustDesk.Shifts;

/// <summary>How many open cases each agent holds: what capacity is measured against.</summary>
public static class AgentLoads
{
    /// <summary>
    /// Cases that are the agent's work now (new, open, pending internal); a case waiting on the user or on hold does not
    /// take a seat. Keyed by the upper-case email; read through the partial index on <c>Assignee</c>.
    /// </summary>
    public static async Task<Dictionary<string, int>> OpenCasesAsync(TrustDeskDb db, IEnumerable<string> emails, CancellationToken cancellationToken)
    {
        var list = emails.Where(e => e.Length > 0).Distinct().ToList();
        if (list.Count == 0)
        {
            return new(StringComparer.Ordinal);
        }

        var counts = await db.Set<Case>().AsNoTracking()
            .Where(c => c.Assignee != null && list.Contains(c.Assignee)
                && (c.Status == CaseStatus.New || c.Status == CaseStatus.Open || c.Status == CaseStatus.PendingInternal))
            .GroupBy(c => c.Assignee!)
            .Select(g => new { Assignee = g.Key, Count = g.Count() })
            .ToListAsync(cancellationToken);
        var loads = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var row in counts)
        {
            var key = row.Assignee.ToUpperInvariant();
            loads[key] = loads.GetValueOrDefault(key) + row.Count;
        }

        return loads;
    }
}
