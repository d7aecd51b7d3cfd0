using NodaTime;
using TrustDesk.Cases;

namespace TrustDesk.Sla;

/// <summary>
/// Keeps a case's targets in step with its log: each new event starts, pauses, resumes, meets or reprices targets, and the
/// case's <see cref="Case.DueAt"/>, check time and state are summarised from them. Incremental: it reads only the new
/// events and the case's few target rows, never the history.
/// </summary>
/// <remarks>
/// The rules: a new case starts its first-reply and resolution targets; an agent's reply meets the first-reply and any
/// next-reply target; the user writing again after the first reply starts a next-reply target. The clock stops while the
/// case waits for the user (pending_user) or for a third party (on_hold): neither wait is the desk's to shorten. It runs
/// on through pending_internal, which is the desk's own work. Solving meets every target; reopening starts a fresh
/// resolution target. A new severity, queue or category applies the new policy's allowance to the time already used.
/// </remarks>
public sealed class SlaClock(SlaPolicies policies)
{
    public static bool PausesClock(CaseStatus status) => status is CaseStatus.PendingUser or CaseStatus.OnHold;

    /// <summary>Applies the case's new events to its targets (loaded: all of them) and refreshes the case's summary.</summary>
    public void Apply(Case c, IReadOnlyList<CaseEvent> events, string? queueName)
    {
        var policy = policies.For(c.Severity, queueName, c.Channel, c.Category);
        var reprice = false;
        var started = c.Targets.Count > 0;
        foreach (var e in events)
        {
            switch (e.Kind)
            {
                case CaseEventKinds.Created:
                    StartOpeningTargets(c, policy, e.At, replied: false);
                    started = true;
                    break;
                case CaseEventKinds.MessageAdded when e.To == "outbound":
                    foreach (var t in Unmet(c).Where(t => t.Kind is CaseTarget.FirstReply or CaseTarget.NextReply))
                    {
                        Meet(c, t, e.At);
                    }

                    break;
                case CaseEventKinds.MessageAdded when e.To == "inbound":
                    // The user wrote again after being answered: the desk owes a next reply.
                    if (c.Targets.Any(t => t.Kind == CaseTarget.FirstReply && t.IsMet) && !Unmet(c).Any(t => t.Kind == CaseTarget.NextReply)
                        && policy?.NextReply is { } nextReply && CaseStatusRules.IsOpen(c.Status))
                    {
                        Start(c, CaseTarget.NextReply, policy.Calendar, nextReply, e.At);
                    }

                    break;
                case CaseEventKinds.StatusChanged when CaseStatusRules.TryParse(e.To, out var to) && CaseStatusRules.TryParse(e.From, out var from):
                    if (!CaseStatusRules.IsOpen(to))
                    {
                        foreach (var t in Unmet(c).ToList())
                        {
                            Meet(c, t, e.At);
                        }
                    }
                    else if (!CaseStatusRules.IsOpen(from))
                    {
                        if (policy?.Resolution is { } resolution)
                        {
                            Start(c, CaseTarget.Resolution, policy.Calendar, resolution, e.At);
                        }
                    }
                    else if (PausesClock(to))
                    {
                        foreach (var t in Unmet(c))
                        {
                            t.Pause(Used(t, e.At));
                        }
                    }
                    else if (PausesClock(from))
                    {
                        foreach (var t in Unmet(c))
                        {
                            t.Resume(e.At);
                        }
                    }

                    break;
                case CaseEventKinds.SeverityChanged or CaseEventKinds.QueueChanged or CaseEventKinds.CategoryChanged:
                    reprice = true;
                    break;
            }
        }

        if (!started && CaseStatusRules.IsOpen(c.Status))
        {
            // A case from before SLAs were kept: its targets count from its opening, as if they had always been kept.
            StartOpeningTargets(c, policy, c.CreatedAt, replied: c.FirstRepliedAt is not null);
            if (PausesClock(c.Status))
            {
                // Counted as running until now (the log's history is not replayed for an old case), then paused.
                foreach (var t in Unmet(c))
                {
                    t.Resume(c.CreatedAt);
                    t.Pause(Used(t, events[^1].At));
                }
            }
        }

        if (reprice && policy is not null)
        {
            foreach (var t in Unmet(c))
            {
                if (policy.TargetFor(t.Kind) is { } allowance)
                {
                    t.Reprice(policy.Calendar.Name, allowance.ToTimeSpan());
                }
            }
        }

        foreach (var t in Unmet(c))
        {
            Schedule(t);
        }

        Summarise(c);
    }

    /// <summary>Records the warnings and breaches that have come by <paramref name="now"/>; the breach monitor calls it.</summary>
    public void Evaluate(Case c, DateTime now)
    {
        foreach (var t in Unmet(c))
        {
            if (t.DueAt is { } due && due <= now && t.BreachedAt is null)
            {
                t.MarkBreached(due);
                t.MarkWarned(due);
                c.RecordSlaEvent(CaseEventKinds.SlaBreached, t.Kind, $"due {due:yyyy-MM-ddTHH:mm:ssZ}", due);
            }
            else if (t.WarnAt is { } warn && warn <= now && t.WarnedAt is null)
            {
                t.MarkWarned(warn);
                c.RecordSlaEvent(CaseEventKinds.SlaWarning, t.Kind, $"{policies.WarnAtShare:P0} of the target used; due {t.DueAt:yyyy-MM-ddTHH:mm:ssZ}", warn);
            }
        }

        Summarise(c);
    }

    public static void Summarise(Case c)
    {
        DateTime? due = null, check = null;
        var state = CaseSlaState.None;
        foreach (var t in c.Targets)
        {
            if (t.IsMet)
            {
                continue;
            }

            state = t.BreachedAt is not null ? CaseSlaState.Breached
                : t.WarnedAt is not null && state != CaseSlaState.Breached ? CaseSlaState.AtRisk
                : state == CaseSlaState.None ? CaseSlaState.Ok : state;
            if (t.DueAt is { } d)
            {
                due = due is null || d < due ? d : due;
                if (t.BreachedAt is null)
                {
                    check = check is null || d < check ? d : check;
                }
            }

            if (t.WarnAt is { } w)
            {
                check = check is null || w < check ? w : check;
            }
        }

        c.SetSlaSummary(due, check, state);
    }

    private void StartOpeningTargets(Case c, SlaPolicy? policy, DateTime at, bool replied)
    {
        if (policy is null)
        {
            return;
        }

        if (policy.FirstReply is { } firstReply && !replied)
        {
            Start(c, CaseTarget.FirstReply, policy.Calendar, firstReply, at);
        }

        if (policy.Resolution is { } resolution)
        {
            Start(c, CaseTarget.Resolution, policy.Calendar, resolution, at);
        }
    }

    private static void Start(Case c, string kind, BusinessCalendar calendar, Duration allowance, DateTime at)
    {
        foreach (var open in Unmet(c).Where(t => t.Kind == kind).ToList())
        {
            open.Meet(at); // one target of a kind at a time; an old one is superseded, not left running
        }

        var target = new CaseTarget(kind, calendar.Name, allowance.ToTimeSpan(), at);
        c.AddTarget(target);
        if (PausesClock(c.Status))
        {
            target.Pause(TimeSpan.Zero);
        }
    }

    private void Meet(Case c, CaseTarget t, DateTime at)
    {
        var wasBreached = t.BreachedAt is not null;
        t.Meet(at);
        if (!wasBreached && t.BreachedAt is { } breachedAt)
        {
            c.RecordSlaEvent(CaseEventKinds.SlaBreached, t.Kind, $"met late, at {at:yyyy-MM-ddTHH:mm:ssZ}", breachedAt);
        }
    }

    private void Schedule(CaseTarget t)
    {
        if (t.RunningSince is not { } since)
        {
            return;
        }

        var calendar = policies.Calendar(t.Calendar);
        var start = ToInstant(since);
        var left = Duration.FromTimeSpan(t.Target - t.Elapsed);
        var warnLeft = Duration.FromTimeSpan(t.Target * policies.WarnAtShare - t.Elapsed);
        t.Schedule(ToDateTime(calendar.Add(start, left)), ToDateTime(calendar.Add(start, warnLeft)));
    }

    private TimeSpan Used(CaseTarget t, DateTime at) =>
        t.RunningSince is { } since ? policies.Calendar(t.Calendar).Between(ToInstant(since), ToInstant(at)).ToTimeSpan() : TimeSpan.Zero;

    private static IEnumerable<CaseTarget> Unmet(Case c) => c.Targets.Where(t => !t.IsMet);

    public static Instant ToInstant(DateTime utc) => Instant.FromDateTimeUtc(DateTime.SpecifyKind(utc, DateTimeKind.Utc));

    public static DateTime ToDateTime(Instant instant) => instant.ToDateTimeUtc();
}
