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
public sealed record SeriesPoint(
    DateTime Start, int Created, int Reports, int Solved, int Reopened, int InboundMessages, int OutboundMessages,
    int FirstReplies, double? FirstReplyAverageMinutes, double? FirstReplyP50Minutes,
    int SlaMet, int SlaMissed, int SlaBreaches, double? SlaAttainment, int Escalations, int Actions, int CsatResponses, double? CsatAverage)
{
    public static SeriesPoint From(DateTime start, MetricRollup sum)
    {
        var figures = MetricFigures.From<QueueFigures>(sum);
        return new(start, sum.Created, sum.Reports, sum.Solved, sum.Reopened, sum.InboundMessages, sum.OutboundMessages,
            sum.FirstReplies, figures.FirstReplyAverageMinutes, figures.FirstReplyP50Minutes,
            sum.SlaMet, sum.SlaMissed, sum.SlaBreaches, figures.SlaAttainment, sum.Escalations, sum.Actions, sum.CsatResponses, figures.CsatAverage);
    }
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
    /// <summary>A few figures per day (in the time zone) or hour: inflow, solved, first replies, SLA, CSAT.</summary>
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
        var backlog = await BacklogAsync(db, period, [.. snapshot.QueuesById.Keys], cancellationToken);
        Dictionary<Guid, MetricRollup> byQueue;
        Dictionary<DateTime, MetricRollup> byBucket;
        List<AgentFigures> agents = [];
        if (period.Agent is null && period.Category is null && period.Severity is null && period.Channel is null)
        {
            // The whole desk or one queue: the queue rows, whole UTC days from the day rows and the hours at either end
            // from the hour rows (a month: about 30 + 48 rows per queue), the series from the hour rows.
            byQueue = (await SumOverAsync(period, RollupGrain.Queue, RollupGrain.QueueDay, RollupSums.ByQueue, cancellationToken))
                .GroupBy(r => r.QueueId).ToDictionary(g => g.Key, Merge);
            // Days of a zone that keeps UTC's clock throughout are UTC days: the day rows serve the series too.
            byBucket = Buckets(period, period.UtcDays
                ? await SumOverAsync(period, RollupGrain.Queue, RollupGrain.QueueDay, RollupSums.ByHourForSeries, cancellationToken)
                : await RollupSums.ByHourForSeries(Range(period, RollupGrain.Queue, period.From, period.To)).ToListAsync(cancellationToken));
            if (period.QueueId is null)
            {
                agents = [.. (await SumOverAsync(period, RollupGrain.Agent, RollupGrain.AgentDay, RollupSums.ByAgent, cancellationToken))
                    .GroupBy(r => r.Agent).Select(g => MetricFigures.From<AgentFigures>(Merge(g)) with { Agent = g.Key })
                    .OrderBy(a => a.Agent, StringComparer.Ordinal)];
            }
        }
        else
        {
            // Narrowed by a dimension only the detail rows carry: those, summed per hour and queue in SQL.
            var hours = await RollupSums.ByHourAndQueue(Rows(db, period)).ToListAsync(cancellationToken);
            byQueue = hours.GroupBy(h => h.QueueId).ToDictionary(g => g.Key, Merge);
            byBucket = Buckets(period, hours);
            if (period.Agent is { } agent && period.QueueId is null && period.Category is null && period.Severity is null && period.Channel is null)
            {
                var sum = Merge(byQueue.Values);
                agents = [MetricFigures.From<AgentFigures>(sum) with { Agent = agent }];
            }
        }

        var total = Merge(byQueue.Values);
        var queues = snapshot.QueuesById.Values.Where(q => period.QueueId is null || q.Id == period.QueueId).OrderBy(q => q.Name, StringComparer.Ordinal);
        static bool Waiting(CaseStatus status) => status is CaseStatus.PendingUser or CaseStatus.PendingInternal or CaseStatus.OnHold;
        return MetricFigures.From<MetricsOverview>(total) with
        {
            From = period.From,
            To = period.To,
            TimeZone = period.Zone.Id,
            Interval = period.Daily ? "day" : "hour",
            Open = backlog.Sum(b => b.Count),
            New = backlog.Where(b => b.Status == CaseStatus.New).Sum(b => b.Count),
            Waiting = backlog.Where(b => Waiting(b.Status)).Sum(b => b.Count),
            ByQueue = [.. queues.Select(q => MetricFigures.From<QueueFigures>(byQueue.GetValueOrDefault(q.Id) ?? new MetricRollup()) with
            {
                Queue = q.Name,
                Open = backlog.Where(b => b.QueueId == q.Id).Sum(b => b.Count),
                New = backlog.Where(b => b.QueueId == q.Id && b.Status == CaseStatus.New).Sum(b => b.Count),
                Waiting = backlog.Where(b => b.QueueId == q.Id && Waiting(b.Status)).Sum(b => b.Count),
            })],
            ByAgent = agents,
            Series = [.. byBucket.Select(b => SeriesPoint.From(b.Key, b.Value))],
        };
    }

    private static MetricRollup Merge(IEnumerable<MetricRollup> rows)
    {
        var sum = new MetricRollup();
        foreach (var row in rows)
        {
            RollupSums.Add(sum, row);
        }

        return sum;
    }

    private static Dictionary<DateTime, MetricRollup> Buckets(MetricsPeriod period, IEnumerable<MetricRollup> hours)
    {
        var buckets = period.Buckets().ToDictionary(b => b, _ => new MetricRollup());
        foreach (var hour in hours)
        {
            if (buckets.TryGetValue(period.BucketOf(hour.HourStart), out var bucket))
            {
                RollupSums.Add(bucket, hour);
            }
        }

        return buckets;
    }

    private IQueryable<MetricRollup> Range(MetricsPeriod period, RollupGrain grain, DateTime from, DateTime to)
    {
        var number = (int)grain;
        var rows = db.MetricRollups.AsNoTracking().Where(r => r.Grain == number && r.HourStart >= from && r.HourStart < to);
        return period.QueueId is { } queue ? rows.Where(r => r.QueueId == queue) : rows;
    }

    /// <summary>
    /// Sums over the period of an hour grain and its day grain: the whole UTC days inside the period from the day rows, the
    /// hours before the first and after the last midnight from the hour rows (three reads of one primary-key range each).
    /// </summary>
    private async Task<List<MetricRollup>> SumOverAsync(MetricsPeriod period, RollupGrain hours, RollupGrain days,
        Func<IQueryable<MetricRollup>, IQueryable<MetricRollup>> sum, CancellationToken cancellationToken)
    {
        var firstMidnight = period.From.TimeOfDay == TimeSpan.Zero ? period.From : period.From.Date.AddDays(1);
        var lastMidnight = period.To.Date;
        var parts = new List<MetricRollup>();
        if (firstMidnight >= lastMidnight)
        {
            parts.AddRange(await sum(Range(period, hours, period.From, period.To)).ToListAsync(cancellationToken));
            return parts;
        }

        parts.AddRange(await sum(Range(period, days, firstMidnight, lastMidnight)).ToListAsync(cancellationToken));
        if (period.From < firstMidnight)
        {
            parts.AddRange(await sum(Range(period, hours, period.From, firstMidnight)).ToListAsync(cancellationToken));
        }

        if (lastMidnight < period.To)
        {
            parts.AddRange(await sum(Range(period, hours, lastMidnight, period.To)).ToListAsync(cancellationToken));
        }

        return parts;
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

    private static readonly CaseStatus[] OpenStatuses = [.. Enum.GetValues<CaseStatus>().Where(CaseStatusRules.IsOpen)];

    /// <summary>
    /// Open cases now by queue and status. Both as lists of values, so the index on (queue, status) answers it with one
    /// short range per queue and status, counted inside the index: "status not solved" would walk every case of the index.
    /// </summary>
    internal static async Task<List<BacklogCount>> BacklogAsync(TrustDeskDb db, MetricsPeriod period, IReadOnlyCollection<Guid> queues, CancellationToken cancellationToken)
    {
        var statuses = OpenStatuses;
        var queueIds = period.QueueId is { } queue ? [queue] : queues.ToArray();
        var cases = db.Cases.AsNoTracking().Where(c => queueIds.Contains(c.QueueId) && statuses.Contains(c.Status));

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
}
