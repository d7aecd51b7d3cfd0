using Microsoft.EntityFrameworkCore;
using TrustDesk.Cases;
using TrustDesk.Data;
using TrustDesk.Taxonomy;

namespace TrustDesk.Metrics;

/// <summary>The figures of one queue in a period, with its backlog now.</summary>
public sealed record QueueFigures : MetricFigures
{
    public string Queue { get; init; } = "";
    public int Open { get; init; }
    public int New { get; init; }
    public int Waiting { get; init; }
}

/// <summary>The figures of one agent in a period (their replies, solves and ratings).</summary>
public sealed record AgentFigures : MetricFigures
{
    public string Agent { get; init; } = "";
}

/// <summary>One step of the period's series: a day in the time zone, or an hour.</summary>
public sealed record SeriesPoint : MetricFigures
{
    public DateTime Start { get; init; }
}

/// <summary>
/// <c>GET /api/v1/metrics/overview</c>: the backlog now and the figures of a period, for the whole desk or narrowed to a
/// queue, agent, category, severity or channel; per queue, per agent and as a series.
/// </summary>
public sealed record MetricsOverview : MetricFigures
{
    /// <summary>The first hour counted (UTC).</summary>
    public DateTime From { get; init; }

    /// <summary>The end of the last hour counted (UTC, exclusive).</summary>
    public DateTime To { get; init; }
    public string TimeZone { get; init; } = "UTC";

    /// <summary><c>day</c> (days in the time zone) or <c>hour</c>: the step of <see cref="Series"/>.</summary>
    public string Interval { get; init; } = "day";

    /// <summary>Cases open now (new, open, pending, on hold), whatever the period.</summary>
    public int Open { get; init; }

    /// <summary>Of the open cases, those nobody has touched yet.</summary>
    public int New { get; init; }

    /// <summary>Of the open cases, those waiting for the user, another team or a third party.</summary>
    public int Waiting { get; init; }
    public IReadOnlyList<QueueFigures> ByQueue { get; init; } = [];
    public IReadOnlyList<AgentFigures> ByAgent { get; init; } = [];
    public IReadOnlyList<SeriesPoint> Series { get; init; } = [];
}

/// <summary>Reads the overview from the rollups (a sum per hour and queue in SQL) and the backlog from the open cases' index.</summary>
public sealed class GetOverview(TrustDeskDb db, CategoryCatalog catalog, TimeProvider time)
{
    public abstract record Result;
    public sealed record Done(MetricsOverview Overview) : Result;
    public sealed record Invalid(Dictionary<string, string[]> Errors) : Result;

    public async Task<Result> HandleAsync(MetricsQuery query, CancellationToken cancellationToken)
    {
        var snapshot = await catalog.GetAsync(cancellationToken);
        var period = MetricsPeriod.TryParse(query, time.GetUtcNow().UtcDateTime, snapshot, out var errors);
        return period is null ? new Invalid(errors) : new Done(await ReadAsync(period, snapshot, cancellationToken));
    }

    public async Task<MetricsOverview> ReadAsync(MetricsPeriod period, CategoryCatalog.Snapshot snapshot, CancellationToken cancellationToken)
    {
        var hours = await RollupSums.ByHourAndQueue(Rows(db, period)).ToListAsync(cancellationToken);
        var backlog = await BacklogAsync(db, period, cancellationToken);
        // The agent rows carry no other dimension: per agent only for the whole desk, or for the one agent asked about.
        var agents = period.Filtered && (period.Agent is null || period.QueueId is not null || period.Category is not null || period.Severity is not null || period.Channel is not null)
            ? [] : await AgentsAsync(period, cancellationToken);

        var total = new MetricRollup();
        var byQueue = new Dictionary<Guid, MetricRollup>();
        var byBucket = period.Buckets().ToDictionary(b => b, _ => new MetricRollup());
        foreach (var hour in hours)
        {
            RollupSums.Add(total, hour);
            if (!byQueue.TryGetValue(hour.QueueId, out var queue))
            {
                byQueue[hour.QueueId] = queue = new MetricRollup();
            }

            RollupSums.Add(queue, hour);
            if (byBucket.TryGetValue(period.BucketOf(hour.HourStart), out var bucket))
            {
                RollupSums.Add(bucket, hour);
            }
        }

        var queues = snapshot.QueuesById.Values.Where(q => period.QueueId is null || q.Id == period.QueueId).OrderBy(q => q.Name, StringComparer.Ordinal);
        var overview = MetricFigures.From<MetricsOverview>(total) with
        {
            From = period.From,
            To = period.To,
            TimeZone = period.Zone.Id,
            Interval = period.Daily ? "day" : "hour",
            Open = backlog.Sum(b => b.Count),
            New = backlog.Where(b => b.Status == CaseStatus.New).Sum(b => b.Count),
            Waiting = backlog.Where(b => b.Status is CaseStatus.PendingUser or CaseStatus.PendingInternal or CaseStatus.OnHold).Sum(b => b.Count),
            ByQueue = [.. queues.Select(q => MetricFigures.From<QueueFigures>(byQueue.GetValueOrDefault(q.Id) ?? new MetricRollup()) with
            {
                Queue = q.Name,
                Open = backlog.Where(b => b.QueueId == q.Id).Sum(b => b.Count),
                New = backlog.Where(b => b.QueueId == q.Id && b.Status == CaseStatus.New).Sum(b => b.Count),
                Waiting = backlog.Where(b => b.QueueId == q.Id && b.Status is CaseStatus.PendingUser or CaseStatus.PendingInternal or CaseStatus.OnHold).Sum(b => b.Count),
            })],
            ByAgent = agents,
            Series = [.. byBucket.Select(b => MetricFigures.From<SeriesPoint>(b.Value) with { Start = b.Key })],
        };
        return overview;
    }

    /// <summary>
    /// The rollup rows of the period at the coarsest grain that answers it: per queue for the whole desk or one queue, the
    /// detail rows when narrowed by anything else.
    /// </summary>
    internal static IQueryable<MetricRollup> Rows(TrustDeskDb db, MetricsPeriod period)
    {
        var from = period.From;
        var to = period.To;
        var rows = db.MetricRollups.AsNoTracking().Where(r => r.HourStart >= from && r.HourStart < to);
        if (period.Agent is null && period.Category is null && period.Severity is null && period.Channel is null)
        {
            rows = rows.Where(r => r.Grain == (int)RollupGrain.Queue);
            if (period.QueueId is { } queueId)
            {
                rows = rows.Where(r => r.QueueId == queueId);
            }

            return rows;
        }

        rows = rows.Where(r => r.Grain == (int)RollupGrain.Detail);
        if (period.QueueId is { } queue)
        {
            rows = rows.Where(r => r.QueueId == queue);
        }

        if (period.Agent is { } agent)
        {
            rows = rows.Where(r => r.Agent == agent);
        }

        if (period.Category is { } category)
        {
            rows = rows.Where(r => r.Category == category);
        }

        if (period.Severity is { } severity)
        {
            var number = (int)severity;
            rows = rows.Where(r => r.Severity == number);
        }

        if (period.Channel is { } channel)
        {
            var name = channel.ToString().ToLowerInvariant();
            rows = rows.Where(r => r.Channel == name);
        }

        return rows;
    }

    public sealed record BacklogCount(Guid QueueId, CaseStatus Status, int Count);

    /// <summary>Open cases now by queue and status: counted on the index of (queue, status), a few ranges per queue.</summary>
    internal static async Task<List<BacklogCount>> BacklogAsync(TrustDeskDb db, MetricsPeriod period, CancellationToken cancellationToken)
    {
        var cases = db.Cases.AsNoTracking().Where(c => c.Status != CaseStatus.Solved && c.Status != CaseStatus.Closed);
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

        return await cases.GroupBy(c => new { c.QueueId, c.Status }).Select(g => new BacklogCount(g.Key.QueueId, g.Key.Status, g.Count()))
            .ToListAsync(cancellationToken);
    }

    private async Task<List<AgentFigures>> AgentsAsync(MetricsPeriod period, CancellationToken cancellationToken)
    {
        var from = period.From;
        var to = period.To;
        var rows = db.MetricRollups.AsNoTracking().Where(r => r.Grain == (int)RollupGrain.Agent && r.HourStart >= from && r.HourStart < to);
        if (period.Agent is { } agent)
        {
            rows = rows.Where(r => r.Agent == agent);
        }

        var sums = await RollupSums.ByAgent(rows).ToListAsync(cancellationToken);
        return [.. sums.Select(sum => MetricFigures.From<AgentFigures>(sum) with { Agent = sum.Agent }).OrderBy(a => a.Agent, StringComparer.Ordinal)];
    }
}
