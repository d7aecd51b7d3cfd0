using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using TrustDesk.Cases;
using TrustDesk.Data;
using TrustDesk.Identity;
using TrustDesk.Taxonomy;

namespace TrustDesk.Metrics;

public sealed record MonitorCase(long Id, string Number, string Title, Severity Severity, string Queue, bool LiveNow, DateTime? DueAt, string? Assignee);

/// <summary>A queue's inflow in the last two clock hours against the same two hours a week earlier.</summary>
public sealed record QueueInflow(string Queue, int Now, int LastWeek, bool Spiking);

/// <summary>Someone who may work cases: on shift when signed in to the console and seen lately; their open cases.</summary>
public sealed record AgentLoad(string Agent, string Name, bool OnShift, int Open, int OpenS1);

public sealed record MonitorView(
    IReadOnlyList<MonitorCase> Urgent, IReadOnlyList<MonitorCase> AboutToBreach, IReadOnlyList<QueueInflow> Inflow, int BreachesLastHours,
    bool BreachStorm, IReadOnlyList<AgentLoad> Load, DateTime At)
{
    /// <summary>What the console and the webhook raise: each spiking queue, and the breach storm.</summary>
    public IEnumerable<MonitorAlert> Alerts =>
        Inflow.Where(i => i.Spiking).Select(i => new MonitorAlert("spike", i.Queue,
                $"Inflow spike in {i.Queue}: {i.Now} cases in the last two hours, against {i.LastWeek} the same hours last week."))
            .Concat(BreachStorm ? [new MonitorAlert("breach_storm", null, $"Breach storm: {BreachesLastHours} SLA targets ran out in the last two hours.")] : []);
}

/// <summary>An alert of the live monitor; <see cref="Key"/> tells one apart from another for as long as it lasts.</summary>
public sealed record MonitorAlert(string Kind, string? Queue, string Text)
{
    public string Key => Kind + ":" + Queue;
}

/// <summary>
/// What the shift lead's wall shows, read in a few index look-ups: open S1s and live-now cases (the band index), cases due
/// within 30 minutes or past due (the partial index on DueAt), inflow and breaches of the last two hours against the
/// same hours last week (the queue rollups: a few dozen rows), each agent's open load, and who is on shift (console
/// sessions seen in the last 15 minutes).
/// </summary>
public sealed class LoadMonitor(TrustDeskDb db, CategoryCatalog catalog, TimeProvider time, IOptions<MetricsOptions> options)
{
    /// <summary>A session touched this recently is someone at their desk (sessions are touched every minute of use).</summary>
    public static readonly TimeSpan OnShiftWithin = TimeSpan.FromMinutes(15);

    private static readonly UserRole[] CaseWorkers = [UserRole.Agent, UserRole.Specialist, UserRole.Lead];

    public async Task<MonitorView> LoadAsync(CancellationToken cancellationToken)
    {
        var snapshot = await catalog.GetAsync(cancellationToken);
        var now = time.GetUtcNow().UtcDateTime;
        var open = Enum.GetValues<CaseStatus>().Where(CaseStatusRules.IsOpen).ToList();
        MonitorCase View(Case c) => new(c.Id, c.Number, c.Title, c.Severity, CaseViews.QueueName(c.QueueId, snapshot), c.LiveNow, c.DueAt, c.Assignee);

        var urgent = await db.Cases.AsNoTracking().Where(c => open.Contains(c.Status) && (c.Severity == Severity.S1 || c.LiveNow)).OrderBy(c => c.Band).ThenBy(c => c.Id).Take(25).ToListAsync(cancellationToken);
        var soon = now.AddMinutes(30);
        var due = await db.Cases.AsNoTracking().Where(c => open.Contains(c.Status) && c.DueAt != null && c.DueAt <= soon).OrderBy(c => c.DueAt).Take(25)
            .ToListAsync(cancellationToken);

        var hour = MetricsPeriod.FloorHour(now);
        var (from, to) = (hour.AddHours(-1), hour.AddHours(1));
        var (weekFrom, weekTo) = (from.AddDays(-7), to.AddDays(-7));
        var grain = (int)RollupGrain.Queue;
        var recent = await db.MetricRollups.AsNoTracking()
            .Where(r => r.Grain == grain && ((r.HourStart >= from && r.HourStart < to) || (r.HourStart >= weekFrom && r.HourStart < weekTo)))
            .Select(r => new { r.HourStart, r.QueueId, r.Created, r.SlaBreaches }).ToListAsync(cancellationToken);
        var settings = options.Value;
        var inflow = snapshot.QueuesById.Values.OrderBy(q => q.Name, StringComparer.Ordinal).Select(q =>
        {
            var current = recent.Where(r => r.QueueId == q.Id && r.HourStart >= from).Sum(r => r.Created);
            var lastWeek = recent.Where(r => r.QueueId == q.Id && r.HourStart < weekTo).Sum(r => r.Created);
            return new QueueInflow(q.Name, current, lastWeek, current >= settings.AlertMinimum && current >= settings.SpikeFactor * Math.Max(1, lastWeek));
        }).ToList();
        var breaches = recent.Where(r => r.HourStart >= from).Sum(r => r.SlaBreaches);

        var load = await db.Cases.AsNoTracking().Where(c => open.Contains(c.Status) && c.Assignee != null)
            .GroupBy(c => c.Assignee!).Select(g => new { Agent = g.Key, Open = g.Count(), OpenS1 = g.Count(c => c.Severity == Severity.S1) })
            .ToListAsync(cancellationToken);
        var seenSince = now - OnShiftWithin;
        var onShift = await db.UserSessions.AsNoTracking().Where(s => s.EndedAt == null && s.MfaSatisfied && s.LastSeenAt >= seenSince)
            .Join(db.Set<TrustDeskUser>().Where(u => u.DisabledAt == null && CaseWorkers.Contains(u.Role)), s => s.UserId, u => u.Id,
                (s, u) => new { u.Email, u.DisplayName })
            .Distinct().ToListAsync(cancellationToken);
        var names = onShift.Where(u => u.Email is not null).GroupBy(u => u.Email!, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.First().DisplayName, StringComparer.Ordinal);
        var agents = load.Select(l => new AgentLoad(l.Agent, names.GetValueOrDefault(l.Agent) ?? l.Agent, names.ContainsKey(l.Agent), l.Open, l.OpenS1))
            .Concat(names.Where(n => load.All(l => l.Agent != n.Key)).Select(n => new AgentLoad(n.Key, n.Value, true, 0, 0)))
            .OrderByDescending(a => a.OnShift).ThenByDescending(a => a.Open).ThenBy(a => a.Agent, StringComparer.Ordinal).ToList();
        return new MonitorView([.. urgent.Select(View)], [.. due.Select(View)], inflow, breaches, breaches >= settings.AlertMinimum, agents, now);
    }
}
