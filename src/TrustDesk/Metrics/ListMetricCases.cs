using System.Security.Claims;
using Microsoft.EntityFrameworkCore;
using TrustDesk.Cases;
using TrustDesk.Data;
using TrustDesk.Identity;
using TrustDesk.Taxonomy;

namespace TrustDesk.Metrics;

/// <summary>A case behind a figure, and how much it adds to it (a case solved twice in the period counts twice).</summary>
public sealed record MetricCase(long Id, string Number, string Title, string Status, Severity Severity, string? Category, string Queue, string? Assignee,
    DateTime CreatedAt, int Count);

public sealed record MetricCaseList(string Measure, DateTime From, DateTime To, int Total, bool Truncated, IReadOnlyList<MetricCase> Cases);

/// <summary>
/// The cases behind a figure of the overview (the drill-down of every number on the dashboards). Computed from the raw
/// cases and their logs — the events of the measure's kind in the period, each candidate case's log replayed through the
/// same <see cref="RollupDeltas"/> as the rollups, kept when it adds to the figure under the filter — so the list adds up to
/// the figure exactly (the tests check it), while the figure itself never needs this scan. Per record: only the cases the
/// caller may see (<see cref="CaseAccess"/>); someone without <c>metrics.read</c> may list only their own (agent = self).
/// </summary>
public sealed class ListMetricCases(TrustDeskDb db, CategoryCatalog catalog, CaseAccess access, TimeProvider time)
{
    /// <summary>Candidate cases looked at, at most: beyond, the list says it is truncated.</summary>
    public const int MaxCases = 2_000;

    private static readonly Dictionary<string, (string Kind, Func<MetricRollup, int> Count)> EventMeasures = new(StringComparer.Ordinal)
    {
        ["created"] = (CaseEventKinds.Created, r => r.Created),
        ["reports"] = (CaseEventKinds.ReportAdded, r => r.Reports),
        ["solved"] = (CaseEventKinds.StatusChanged, r => r.Solved),
        ["reopened"] = (CaseEventKinds.StatusChanged, r => r.Reopened),
        ["firstReplies"] = (CaseEventKinds.MessageAdded, r => r.FirstReplies),
        ["slaBreaches"] = (CaseEventKinds.SlaBreached, r => r.SlaBreaches),
        ["escalations"] = (CaseEventKinds.Escalated, r => r.Escalations),
        ["actions"] = (MetricEventKinds.ActionApproved, r => r.Actions),
        ["csatSent"] = (MetricEventKinds.CsatSent, r => r.CsatSent),
        ["csatResponses"] = (MetricEventKinds.CsatReceived, r => r.CsatResponses),
    };

    private static readonly Dictionary<string, Func<MetricRollup, int>> TargetMeasures = new(StringComparer.Ordinal)
    {
        ["slaMet"] = r => r.SlaMet,
        ["slaMissed"] = r => r.SlaMissed,
    };

    public static IEnumerable<string> Measures => ["open", .. EventMeasures.Keys, .. TargetMeasures.Keys];

    public abstract record Result;
    public sealed record Listed(MetricCaseList List) : Result;
    public sealed record Invalid(Dictionary<string, string[]> Errors) : Result;

    public async Task<Result> HandleAsync(string? measure, MetricsQuery query, ClaimsPrincipal caller, CancellationToken cancellationToken)
    {
        var snapshot = await catalog.GetAsync(cancellationToken);
        var period = MetricsPeriod.TryParse(query, time.GetUtcNow().UtcDateTime, snapshot, out var errors);
        if (measure is null || !Measures.Contains(measure))
        {
            errors["measure"] = [$"One of {string.Join(", ", Measures)}."];
        }

        if (period is not null && !caller.Has(Permissions.MetricsRead) && period.Agent != caller.Identity?.Name)
        {
            // Without metrics.read, an agent's own figures only.
            errors["agent"] = ["Without the metrics.read permission only your own cases: agent must be your email."];
        }

        if (errors.Count > 0 || period is null)
        {
            return new Invalid(errors);
        }

        var list = measure == "open"
            ? await OpenAsync(period, snapshot, caller, cancellationToken)
            : await ReplayAsync(measure!, period, snapshot, caller, cancellationToken);
        return new Listed(list);
    }

    private async Task<MetricCaseList> OpenAsync(MetricsPeriod period, CategoryCatalog.Snapshot snapshot, ClaimsPrincipal caller, CancellationToken cancellationToken)
    {
        var statuses = Enum.GetValues<CaseStatus>().Where(CaseStatusRules.IsOpen).ToList();
        var cases = db.Cases.AsNoTracking().Where(c => statuses.Contains(c.Status));
        if (period.QueueId is { } queue)
        {
            cases = cases.Where(c => c.QueueId == queue);
        }

        if (period.Agent is { } agent)
        {
            cases = cases.Where(c => c.Assignee == agent);
        }

        if (period.Category is { } category)
        {
            cases = cases.Where(c => c.Category == category);
        }

        if (period.Severity is { } severity)
        {
            cases = cases.Where(c => c.Severity == severity);
        }

        if (period.Channel is { } channel)
        {
            cases = cases.Where(c => c.Channel == channel);
        }

        cases = await access.VisibleToAsync(cases, caller, cancellationToken);
        var total = await cases.CountAsync(cancellationToken);
        var page = await cases.OrderBy(c => c.Band).ThenBy(c => c.Id).Take(MaxCases).ToListAsync(cancellationToken);
        return new MetricCaseList("open", period.From, period.To, total, total > page.Count, [.. page.Select(c => View(c, snapshot, 1))]);
    }

    private async Task<MetricCaseList> ReplayAsync(string measure, MetricsPeriod period, CategoryCatalog.Snapshot snapshot, ClaimsPrincipal caller,
        CancellationToken cancellationToken)
    {
        var from = period.From;
        var to = period.To;
        IQueryable<long> candidates;
        Func<MetricRollup, int> count;
        if (TargetMeasures.TryGetValue(measure, out var targetCount))
        {
            candidates = db.CaseTargets.AsNoTracking().Where(t => t.MetAt >= from && t.MetAt < to).Select(t => t.CaseId);
            count = targetCount;
        }
        else
        {
            var (kind, eventCount) = EventMeasures[measure];
            candidates = db.CaseEvents.AsNoTracking().Where(e => e.Kind == kind && e.At >= from && e.At < to).Select(e => e.CaseId);
            count = eventCount;
        }

        var visible = await access.VisibleToAsync(db.Cases.AsNoTracking().Where(c => candidates.Contains(c.Id)), caller, cancellationToken);
        var cases = await visible.OrderByDescending(c => c.Id).Take(MaxCases + 1).ToListAsync(cancellationToken);
        var truncated = cases.Count > MaxCases;
        if (truncated)
        {
            cases.RemoveAt(cases.Count - 1);
        }

        var ids = cases.Select(c => c.Id).ToList();
        var logs = (await db.CaseEvents.AsNoTracking().Where(e => ids.Contains(e.CaseId)).ToListAsync(cancellationToken))
            .GroupBy(e => e.CaseId).ToDictionary(g => g.Key, g => g.OrderBy(e => e.At).ThenBy(e => e.Id).ToList());
        var targets = (await db.CaseTargets.AsNoTracking().Where(t => ids.Contains(t.CaseId) && t.MetAt != null).ToListAsync(cancellationToken)).ToLookup(t => t.CaseId);
        var queues = KeepRollups.QueueIds(snapshot);
        var result = new List<MetricCase>();
        foreach (var @case in cases)
        {
            var deltas = new RollupDeltas();
            deltas.AddHistory(@case, logs.GetValueOrDefault(@case.Id) ?? [], [.. targets[@case.Id]], queues);
            var adds = deltas.Rows.Where(r => r.Grain == (int)RollupGrain.Detail && r.HourStart >= from && r.HourStart < to && Matches(r, period)).Sum(count);
            if (adds > 0)
            {
                result.Add(View(@case, snapshot, adds));
            }
        }

        return new MetricCaseList(measure, from, to, result.Sum(c => c.Count), truncated, result);
    }

    private static bool Matches(MetricRollup row, MetricsPeriod period) =>
        (period.QueueId is not { } queue || row.QueueId == queue)
        && (period.Agent is not { } agent || row.Agent == agent)
        && (period.Category is not { } category || row.Category == category)
        && (period.Severity is not { } severity || row.Severity == (int)severity)
        && (period.Channel is not { } channel || string.Equals(row.Channel, channel.ToString(), StringComparison.OrdinalIgnoreCase));

    private static MetricCase View(Case c, CategoryCatalog.Snapshot snapshot, int count) =>
        new(c.Id, c.Number, c.Title, CaseStatusRules.ToCode(c.Status), c.Severity, c.Category, CaseViews.QueueName(c.QueueId, snapshot), c.Assignee, c.CreatedAt, count);
}
