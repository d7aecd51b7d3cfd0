using System.Diagnostics.Metrics;
using Microsoft.EntityFrameworkCore;
using TrustDesk.Cases;
using TrustDesk.Data;
using TrustDesk.Taxonomy;

namespace TrustDesk.Metrics;

/// <summary>
/// The desk's own instruments for the ops stack, exported at <c>/metrics</c> with the other <c>TrustDesk.*</c> meters
/// (intake, triage, webhooks): cases opened and solved, SLA breaches and messages by channel, counted by this process as
/// it saves them (<see cref="KeepRollups"/>); queue sizes and breached open cases, sampled from the database every
/// 15 seconds (one process's view of the whole desk, the same on every node).
/// </summary>
public static class OpsMeters
{
    public const string MeterName = "TrustDesk.Cases";

    private static readonly Meter Meter = new(MeterName);
    private static readonly Counter<long> Created = Meter.CreateCounter<long>("trustdesk.cases.created", "{case}", "Cases opened, by queue and channel");
    private static readonly Counter<long> Solved = Meter.CreateCounter<long>("trustdesk.cases.solved", "{case}", "Cases solved, by queue");
    private static readonly Counter<long> Breaches = Meter.CreateCounter<long>("trustdesk.sla.breaches", "{target}", "SLA targets that ran out unmet, by queue");
    private static readonly Counter<long> Messages = Meter.CreateCounter<long>("trustdesk.messages", "{message}", "Messages added to cases, by channel (email, chat, report, api) and direction");
    private static readonly Counter<long> Surveys = Meter.CreateCounter<long>("trustdesk.csat.surveys", "{survey}", "Satisfaction surveys sent and answered");

    private static volatile IReadOnlyList<(string Queue, string Status, int Count)> _queueSizes = [];
    private static volatile int _breachedOpen;

    static OpsMeters()
    {
        Meter.CreateObservableGauge("trustdesk.queue.cases", () => _queueSizes.Select(q =>
            new Measurement<int>(q.Count, new KeyValuePair<string, object?>("queue", q.Queue), new KeyValuePair<string, object?>("status", q.Status))),
            "{case}", "Open cases now, by queue and status");
        Meter.CreateObservableGauge("trustdesk.sla.breached_open_cases", () => _breachedOpen, "{case}", "Open cases past an SLA due time now");
    }

    public static void CaseCreated(string queue, string channel) =>
        Created.Add(1, new KeyValuePair<string, object?>("queue", queue), new KeyValuePair<string, object?>("channel", channel));

    public static void CaseSolved(string queue) => Solved.Add(1, new KeyValuePair<string, object?>("queue", queue));

    public static void SlaBreached(string queue) => Breaches.Add(1, new KeyValuePair<string, object?>("queue", queue));

    public static void MessageAdded(Channel channel, MessageDirection direction) =>
        Messages.Add(1, new KeyValuePair<string, object?>("channel", channel.ToString().ToLowerInvariant()),
            new KeyValuePair<string, object?>("direction", direction.ToString().ToLowerInvariant()));

    public static void Survey(string outcome) => Surveys.Add(1, new KeyValuePair<string, object?>("outcome", outcome));

    internal static void SetSamples(IReadOnlyList<(string Queue, string Status, int Count)> queueSizes, int breachedOpen)
    {
        _queueSizes = queueSizes;
        _breachedOpen = breachedOpen;
    }
}

/// <summary>Samples the gauges of <see cref="OpsMeters"/> from the database, every 15 seconds.</summary>
public sealed class SampleQueueSizes(IServiceScopeFactory scopes, CategoryCatalog catalog, TimeProvider time, ILogger<SampleQueueSizes> logger) : BackgroundService
{
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(15);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Interval, time);
        do
        {
            try
            {
                await SampleAsync(stoppingToken);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                logger.LogWarning(e, "Sampling queue sizes failed; trying again in {Interval}", Interval);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    public async Task SampleAsync(CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<TrustDeskDb>();
        var snapshot = await catalog.GetAsync(cancellationToken);
        var now = time.GetUtcNow().UtcDateTime;
        var backlog = await GetOverview.BacklogAsync(db, MetricsPeriod.Everything(now), [.. snapshot.QueuesById.Keys], cancellationToken);
        // The partial index on DueAt holds only cases with a running target: the breached ones are its first entries.
        var breached = await db.Cases.AsNoTracking().CountAsync(c => c.DueAt != null && c.DueAt <= now, cancellationToken);
        // Every queue and open status, zeros included: an empty queue is a value on a graph, not a gap.
        var counts = backlog.ToDictionary(b => (b.QueueId, b.Status), b => b.Count);
        var samples = new List<(string, string, int)>();
        foreach (var queue in snapshot.QueuesById.Values.OrderBy(q => q.Name, StringComparer.Ordinal))
        {
            foreach (var status in Enum.GetValues<CaseStatus>().Where(CaseStatusRules.IsOpen))
            {
                samples.Add((queue.Name, CaseStatusRules.ToCode(status), counts.GetValueOrDefault((queue.Id, status))));
            }
        }

        OpsMeters.SetSamples(samples, breached);
    }
}
