using TrustDesk.Cases;
using TrustDesk.Taxonomy;

namespace TrustDesk.Metrics;

/// <summary>The case log's kinds that metrics count and that other features record (kept as text: Metrics names no feature).</summary>
public static class MetricEventKinds
{
    public const string ActionApproved = "action_approved";

    /// <summary>The "to" of an <c>action_approved</c> event that only says the user could not be told: not an action.</summary>
    public const string NotNotified = "not_notified";
    public const string CsatSent = "csat_sent";
    public const string CsatReceived = "csat_received";
    public const string CsatComment = "csat_comment";
}

/// <summary>Where a case stood when something happened to it: the dimensions a rollup row is keyed by.</summary>
public record struct CaseDimensions(Guid QueueId, Severity Severity, string Category, Channel Channel, string Agent);

/// <summary>
/// The additions to rollup rows that a stretch of a case's log makes, merged by row: the live observer
/// (<see cref="KeepRollups"/>) feeds it the events of one save, the rebuild the whole log of each case. Both walk the
/// events in order with the case's dimensions as they were at each (reconstructed backwards from the case as it is now,
/// since every change event carries its old value), so the two agree row for row.
/// </summary>
public sealed class RollupDeltas
{
    private readonly Dictionary<(int Grain, DateTime Hour, Guid Queue, int Severity, string Category, string Channel, string Agent), MetricRollup> _rows = [];

    public int Count => _rows.Count;

    public IReadOnlyCollection<MetricRollup> Rows => _rows.Values;

    public void Clear() => _rows.Clear();

    /// <summary>
    /// Adds what <paramref name="events"/> did to <paramref name="case"/>, which is shown as it stands after them.
    /// </summary>
    /// <param name="case">The case after the events.</param>
    /// <param name="events">The events of one save, in the order they were recorded.</param>
    /// <param name="repliedBefore">Whether the case had an outbound message before the first of <paramref name="events"/>.</param>
    /// <param name="metTargets">Targets met by these events (when, and whether late); counted with the case as it stands after them.</param>
    /// <param name="queueIdsByName">Queue change events name queues; their ids.</param>
    public void Add(Case @case, IReadOnlyList<CaseEvent> events, bool repliedBefore, IEnumerable<(DateTime MetAt, bool Late)> metTargets,
        IReadOnlyDictionary<string, Guid> queueIdsByName)
    {
        var moments = Moments(events.OrderBy(e => e.At)); // stable: the recorded order stays within a moment
        var state = Before(@case, moments, queueIdsByName);
        var replied = repliedBefore;
        foreach (var moment in moments)
        {
            state = Apply(state, moment, queueIdsByName);
            CountMoment(state, moment, @case.CreatedAt, ref replied);
        }

        foreach (var (metAt, late) in metTargets)
        {
            var rows = Row(state, metAt, null);
            if (late)
            {
                Each(rows, r => r.SlaMissed++);
            }
            else
            {
                Each(rows, r => r.SlaMet++);
            }
        }
    }

    /// <summary>For a rebuild: the whole log of a case, and its targets' outcomes counted with the case as it stood when each was met.</summary>
    public void AddHistory(Case @case, IReadOnlyList<CaseEvent> log, IReadOnlyList<CaseTarget> targets, IReadOnlyDictionary<string, Guid> queueIdsByName)
    {
        var moments = Moments(log.OrderBy(e => e.At));
        var state = Before(@case, moments, queueIdsByName);
        var met = targets.Where(t => t.MetAt is not null).OrderBy(t => t.MetAt).ToList();
        var next = 0;
        var replied = false;
        foreach (var moment in moments)
        {
            // Targets met before this moment: the case as it stood then (those of the moment itself after it, as live).
            while (next < met.Count && met[next].MetAt < moment[0].At)
            {
                CountMet(state, met[next++]);
            }

            state = Apply(state, moment, queueIdsByName);
            CountMoment(state, moment, @case.CreatedAt, ref replied);
        }

        while (next < met.Count)
        {
            CountMet(state, met[next++]);
        }
    }

    /// <summary>
    /// Events of one instant, taken together: what one save does (assign and solve in one request) is counted with the case
    /// as it stands after the save, whatever order its events come back in from the database (their ids do not order
    /// events within a millisecond).
    /// </summary>
    private static List<List<CaseEvent>> Moments(IEnumerable<CaseEvent> ordered)
    {
        var moments = new List<List<CaseEvent>>();
        foreach (var e in ordered)
        {
            if (moments.Count > 0 && moments[^1][0].At == e.At)
            {
                moments[^1].Add(e);
            }
            else
            {
                moments.Add([e]);
            }
        }

        return moments;
    }

    // Back to where the case stood before the first moment: every change event says what it changed from.
    private static CaseDimensions Before(Case @case, List<List<CaseEvent>> moments, IReadOnlyDictionary<string, Guid> queues)
    {
        var state = new CaseDimensions(@case.QueueId, @case.Severity, @case.Category ?? "", @case.Channel, @case.Assignee ?? "");
        for (var i = moments.Count - 1; i >= 0; i--)
        {
            state = Set(state, moments[i], queues, before: true);
        }

        return state;
    }

    private static CaseDimensions Apply(CaseDimensions state, List<CaseEvent> moment, IReadOnlyDictionary<string, Guid> queues) =>
        Set(state, moment, queues, before: false);

    private static readonly string[] DimensionKinds = [CaseEventKinds.SeverityChanged, CaseEventKinds.CategoryChanged, CaseEventKinds.QueueChanged, CaseEventKinds.Assigned];

    // Within a moment a dimension may change twice (S3 → S2 → S1): the chain's start is the change whose "from" no other
    // change of the moment led to, its end the one whose "to" no other continues from.
    private static CaseDimensions Set(CaseDimensions s, List<CaseEvent> moment, IReadOnlyDictionary<string, Guid> queues, bool before)
    {
        foreach (var kind in DimensionKinds)
        {
            CaseEvent? pick = null;
            var changes = 0;
            foreach (var e in moment)
            {
                if (e.Kind == kind)
                {
                    changes++;
                    pick ??= e;
                }
            }

            if (pick is null)
            {
                continue;
            }

            if (changes > 1)
            {
                var list = moment.Where(e => e.Kind == kind).ToList();
                pick = before
                    ? list.FirstOrDefault(c => !list.Any(o => !ReferenceEquals(o, c) && o.To == c.From)) ?? list[0]
                    : list.FirstOrDefault(c => !list.Any(o => !ReferenceEquals(o, c) && o.From == c.To)) ?? list[^1];
            }

            var value = before ? pick.From : pick.To;
            s = kind switch
            {
                CaseEventKinds.SeverityChanged when Enum.TryParse<Severity>(value, out var severity) => s with { Severity = severity },
                CaseEventKinds.CategoryChanged => s with { Category = value ?? "" },
                CaseEventKinds.QueueChanged when value is not null && queues.TryGetValue(value, out var queue) => s with { QueueId = queue },
                CaseEventKinds.Assigned => s with { Agent = value ?? "" },
                _ => s,
            };
        }

        return s;
    }

    private void CountMoment(CaseDimensions state, List<CaseEvent> moment, DateTime createdAt, ref bool replied)
    {
        foreach (var e in moment)
        {
            CountEvent(state, e, createdAt, ref replied);
        }
    }

    private void CountMet(CaseDimensions state, CaseTarget target)
    {
        var rows = Row(state, target.MetAt!.Value, null);
        if (target.BreachedAt is not null)
        {
            Each(rows, r => r.SlaMissed++);
        }
        else
        {
            Each(rows, r => r.SlaMet++);
        }
    }

    private void CountEvent(CaseDimensions state, CaseEvent e, DateTime createdAt, ref bool replied)
    {
        switch (e.Kind)
        {
            case CaseEventKinds.Created:
                Each(Row(state, e.At, null), r => r.Created++);
                break;
            case CaseEventKinds.ReportAdded:
                Each(Row(state, e.At, null), r => r.Reports++);
                break;
            case CaseEventKinds.StatusChanged when e.To == "solved":
                var resolution = e.At - createdAt;
                Each(Row(state, e.At, null), r =>
                {
                    r.Solved++;
                    r.AddResolution(resolution);
                });
                break;
            case CaseEventKinds.StatusChanged when e.From is "solved" or "closed" && e.To is not ("solved" or "closed"):
                Each(Row(state, e.At, null), r => r.Reopened++);
                break;
            case CaseEventKinds.MessageAdded when e.To == "outbound":
                // A reply counts for the person who wrote it (an agent replying to a case not assigned to them).
                var author = e.ActorType == "user" ? e.ActorName : null;
                var first = !replied;
                replied = true;
                var firstReply = e.At - createdAt;
                Each(Row(state, e.At, author), r =>
                {
                    r.OutboundMessages++;
                    if (first)
                    {
                        r.AddFirstReply(firstReply);
                    }
                });
                break;
            case CaseEventKinds.MessageAdded when e.To == "inbound":
                Each(Row(state, e.At, null), r => r.InboundMessages++);
                break;
            case CaseEventKinds.SlaBreached:
                Each(Row(state, e.At, null), r => r.SlaBreaches++);
                break;
            case CaseEventKinds.Escalated:
                Each(Row(state, e.At, null), r => r.Escalations++);
                break;
            case CaseEventKinds.Handled when e.ActorType == "user" && int.TryParse(e.To, out var seconds) && seconds > 0:
                // Handle time counts for the agent who worked the case, as replies do, whoever it is assigned to.
                Each(Row(state, e.At, e.ActorName), r => r.HandleSeconds += seconds);
                break;
            case MetricEventKinds.ActionApproved when e.To != MetricEventKinds.NotNotified:
                Each(Row(state, e.At, null), r => r.Actions++);
                break;
            case MetricEventKinds.CsatSent:
                Each(Row(state, e.At, null), r => r.CsatSent++);
                break;
            case MetricEventKinds.CsatReceived when int.TryParse(e.To, out var score) && score is >= 1 and <= 5:
                Each(Row(state, e.At, null), r => r.AddCsat(score));
                break;
        }
    }

    // The rows one happening adds to: its detail row, its queue's hour and day, its agent's hour and day (when someone is named).
    private MetricRollup[] Row(CaseDimensions s, DateTime at, string? agentOverride)
    {
        var hour = new DateTime(at.Year, at.Month, at.Day, at.Hour, 0, 0, DateTimeKind.Utc);
        var day = hour.Date;
        var agent = agentOverride ?? s.Agent;
        var channel = s.Channel.ToString().ToLowerInvariant();
        var detail = Get((int)RollupGrain.Detail, hour, s.QueueId, (int)s.Severity, s.Category, channel, agent);
        var queue = Get((int)RollupGrain.Queue, hour, s.QueueId, 0, "", "", "");
        var queueDay = Get((int)RollupGrain.QueueDay, day, s.QueueId, 0, "", "", "");
        return agent.Length == 0
            ? [detail, queue, queueDay]
            : [detail, queue, queueDay, Get((int)RollupGrain.Agent, hour, Guid.Empty, 0, "", "", agent), Get((int)RollupGrain.AgentDay, day, Guid.Empty, 0, "", "", agent)];
    }

    private static void Each(MetricRollup[] rows, Action<MetricRollup> add)
    {
        foreach (var row in rows)
        {
            add(row);
        }
    }

    private MetricRollup Get(int grain, DateTime hour, Guid queue, int severity, string category, string channel, string agent)
    {
        var key = (grain, hour, queue, severity, category, channel, agent);
        if (!_rows.TryGetValue(key, out var row))
        {
            _rows[key] = row = new MetricRollup
            {
                Grain = grain,
                HourStart = hour,
                QueueId = queue,
                Severity = severity,
                Category = category,
                Channel = channel,
                Agent = agent,
            };
        }

        return row;
    }
}
