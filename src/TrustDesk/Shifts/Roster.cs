using NodaTime;

namespace TrustDesk.Shifts;

/// <summary>A stretch of time an agent is on, for a team, in UTC.</summary>
public sealed record OnShift(Guid UserId, Guid TeamId, DateTime Start, DateTime End);

/// <summary>A team as the roster needs it: who is in it.</summary>
public sealed record RosterTeam(Guid Id, IReadOnlyCollection<Guid> Members);

/// <summary>A shift pattern as the roster needs it.</summary>
public sealed record RosterShift(Guid TeamId, DateTimeZone Zone, ShiftDays Days, LocalTime Start, LocalTime End);

/// <summary>An exception as the roster needs it (UTC window).</summary>
public sealed record RosterException(Guid UserId, ScheduleExceptionKind Kind, DateTime Start, DateTime End, Guid? TeamId, Guid? CoveredByUserId);

/// <summary>
/// Who is on when: the shift patterns' occurrences for every member of their team, then the exceptions (extra shifts
/// added, swaps handing the absent agent's shifts to the one covering, time off taken out). Pure, so it is tested with
/// worked examples.
/// </summary>
/// <remarks>
/// A pattern's hours are local wall-clock times in its zone: 13:00–22:00 is 13:00–22:00 in winter and in summer. On
/// the day the clocks change a start or end in the skipped hour moves to the first instant after it, and one in the
/// repeated hour takes the earlier of the two (NodaTime's lenient resolver), so a night shift 22:00–06:00 is 7 real
/// hours on the spring night and 9 on the autumn one.
/// </remarks>
public static class Roster
{
    /// <summary>The occurrences of a shift pattern that overlap [<paramref name="from"/>, <paramref name="to"/>), unclipped.</summary>
    public static IEnumerable<(DateTime Start, DateTime End)> Occurrences(RosterShift shift, DateTime from, DateTime to)
    {
        if (to <= from || shift.Days == ShiftDays.None)
        {
            yield break;
        }

        // A shift that started the day before can still run into the window (a night shift), so start one day early.
        var first = Instant.FromDateTimeUtc(DateTime.SpecifyKind(from, DateTimeKind.Utc)).InZone(shift.Zone).Date.PlusDays(-1);
        var last = Instant.FromDateTimeUtc(DateTime.SpecifyKind(to, DateTimeKind.Utc)).InZone(shift.Zone).Date;
        for (var day = first; day <= last; day = day.PlusDays(1))
        {
            if (!shift.Days.Includes(day.DayOfWeek))
            {
                continue;
            }

            var start = day.At(shift.Start).InZoneLeniently(shift.Zone).ToDateTimeUtc();
            var endDay = shift.End > shift.Start ? day : day.PlusDays(1);
            var end = endDay.At(shift.End).InZoneLeniently(shift.Zone).ToDateTimeUtc();
            if (start < to && end > from)
            {
                yield return (start, end);
            }
        }
    }

    /// <summary>Everyone's stretches on shift in [<paramref name="from"/>, <paramref name="to"/>), clipped to it.</summary>
    public static List<OnShift> Build(
        IReadOnlyCollection<RosterTeam> teams, IReadOnlyCollection<RosterShift> shifts, IReadOnlyCollection<RosterException> exceptions, DateTime from, DateTime to)
    {
        var membersOf = teams.ToDictionary(t => t.Id, t => t.Members);
        var scheduled = new List<OnShift>();
        foreach (var shift in shifts)
        {
            if (!membersOf.TryGetValue(shift.TeamId, out var members))
            {
                continue;
            }

            foreach (var (start, end) in Occurrences(shift, from, to))
            {
                scheduled.AddRange(members.Select(m => new OnShift(m, shift.TeamId, start, end)));
            }
        }

        var spans = new List<OnShift>(scheduled);
        foreach (var e in exceptions)
        {
            if (e.Kind == ScheduleExceptionKind.ExtraShift && e.TeamId is { } team)
            {
                spans.Add(new OnShift(e.UserId, team, e.Start, e.End));
            }
            else if (e.Kind == ScheduleExceptionKind.Swap && e.CoveredByUserId is { } cover)
            {
                // The one covering works the absent agent's scheduled hours inside the window, for the absent agent's teams.
                foreach (var s in scheduled.Where(s => s.UserId == e.UserId))
                {
                    var start = Max(s.Start, e.Start);
                    var end = Min(s.End, e.End);
                    if (start < end)
                    {
                        spans.Add(new OnShift(cover, s.TeamId, start, end));
                    }
                }
            }
        }

        foreach (var off in exceptions.Where(e => e.Kind is ScheduleExceptionKind.TimeOff or ScheduleExceptionKind.Swap))
        {
            spans = [.. spans.SelectMany(s => s.UserId == off.UserId ? Subtract(s, off.Start, off.End) : [s])];
        }

        return [.. spans
            .Select(s => s with { Start = Max(s.Start, from), End = Min(s.End, to) })
            .Where(s => s.Start < s.End)
            .OrderBy(s => s.Start).ThenBy(s => s.UserId)];
    }

    /// <summary>The agents on at <paramref name="at"/>, each with the teams they are on for.</summary>
    public static Dictionary<Guid, HashSet<Guid>> OnAt(IEnumerable<OnShift> spans, DateTime at)
    {
        var on = new Dictionary<Guid, HashSet<Guid>>();
        foreach (var s in spans.Where(s => s.Start <= at && at < s.End))
        {
            if (!on.TryGetValue(s.UserId, out var set))
            {
                on[s.UserId] = set = [];
            }

            set.Add(s.TeamId);
        }

        return on;
    }

    private static IEnumerable<OnShift> Subtract(OnShift s, DateTime start, DateTime end)
    {
        if (end <= s.Start || start >= s.End)
        {
            yield return s;
            yield break;
        }

        if (s.Start < start)
        {
            yield return s with { End = start };
        }

        if (end < s.End)
        {
            yield return s with { Start = end };
        }
    }

    private static DateTime Max(DateTime a, DateTime b) => a > b ? a : b;

    private static DateTime Min(DateTime a, DateTime b) => a < b ? a : b;
}
